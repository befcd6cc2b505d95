"""PDF reports name cities in their own scripts: Hangul and Vietnamese diacritics come out of
the PDF as they went in. A glyph that no font of the stylesheet has would leave a box in the
PDF and garble its text layer, so extracting the text checks the fonts as well."""

import io

import pytest
from pypdf import PdfReader

from tests.cities.factories import CityFactory, PartnerCityFactory
from tests.twinning.factories import ActionFactory, PairingFactory, PairingMemberFactory
from twinning.models import PairingMember
from worldcities.reports import services
from worldcities.reports.models import Report
from worldcities.reports.tasks import generate_report

SUWON = "수원시"
HO_CHI_MINH_CITY = "Thành phố Hồ Chí Minh"
ACTION = "Chia sẻ dữ liệu giao thông"


def pdf_text(report) -> str:
    assert generate_report(str(report.pk)) is True
    report.refresh_from_db()
    assert report.status == Report.Status.READY
    pages = PdfReader(io.BytesIO(report.file.read())).pages
    return "\n".join(page.extract_text() for page in pages)


def fonts_of(report) -> set[str]:
    report.file.open()
    pages = PdfReader(io.BytesIO(report.file.read())).pages
    return {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in pages
        for font in page["/Resources"]["/Font"].values()
    }


@pytest.mark.django_db
def test_a_pdf_report_shows_hangul_and_vietnamese_names(edition, coordinator):
    pairing = PairingFactory(
        edition=edition,
        eu_lead=CityFactory(name="Glasgow", slug="glasgow"),
        partner_lead=PartnerCityFactory(name=SUWON, slug="suwon"),
    )
    PairingMemberFactory(
        pairing=pairing,
        side=PairingMember.Side.PARTNER,
        city=PartnerCityFactory(name=HO_CHI_MINH_CITY, slug="ho-chi-minh-city"),
    )
    ActionFactory(pairing=pairing, title=ACTION)
    report = services.report_request(kind="pairing", target=pairing, fmt="pdf", by=coordinator)

    lines = pdf_text(report).splitlines()

    assert any(line.startswith(SUWON) for line in lines), lines
    assert any(line.startswith(HO_CHI_MINH_CITY) for line in lines), lines
    assert any(ACTION in line for line in lines), lines
    assert {"Noto-Sans", "Noto-Sans-CJK-KR"} <= fonts_of(report)
