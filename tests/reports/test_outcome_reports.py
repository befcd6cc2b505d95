"""The programme's impact in the reports: the edition report (PDF and XLSX) and the pairing
one-pager count the checked outcomes only, per country and thematic area, with the triple-helix
mix of each pairing's organisations."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from cities import seed as cities_seed
from cities.models import Organisation
from tests.twinning.factories import OutcomeFactory
from twinning import seed as twinning_seed
from twinning.models import Edition, Pairing
from twinning.services import outcome_check
from worldcities.reports import services
from worldcities.reports.models import Report
from worldcities.reports.tasks import generate_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def korea(db, coordinator):
    cities_seed.load()
    twinning_seed.load()
    edition = Edition.objects.get(slug="2017-2018-korea")
    edition.coordinators.add(coordinator)
    busan = Pairing.objects.get(slug="busan-barcelona-2017-2018")
    outcome_check(
        outcome=OutcomeFactory(
            pairing=busan,
            city=busan.partner_lead,
            title="Hydrogen station jobs",
            quantity=40,
        ),
        by=coordinator,
    )
    outcome_check(
        outcome=OutcomeFactory(
            pairing=busan,
            city=busan.eu_lead,
            kind="funding",
            title="Regional grant for the bus depot",
            quantity=None,
            amount=Decimal("250000"),
            currency="EUR",
            funder="Catalan energy agency",
        ),
        by=coordinator,
    )
    OutcomeFactory(pairing=busan, title="Unchecked factory jobs", quantity=900)
    return edition


def build(report) -> bytes:
    assert generate_report(str(report.pk)) is True
    report.refresh_from_db()
    assert report.status == Report.Status.READY
    return report.file.read()


def sheet(workbook, title: str):
    return next(ws for ws in workbook.worksheets if title.startswith(ws.title.strip()))


def test_the_edition_report_pdf_shows_the_checked_outcomes_only(korea, coordinator):
    report = services.report_request(kind="edition", target=korea, fmt="pdf", by=coordinator)
    pages = PdfReader(io.BytesIO(build(report))).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Checked outcomes" in text
    assert "Hydrogen station jobs" in text
    assert "Regional grant for the bus depot" in text
    assert "EUR 250,000" in text
    assert "Unchecked factory jobs" not in text
    assert "Impact per country" in text
    assert "Triple-helix mix of each pairing's organisations" in text


def test_the_edition_report_xlsx_reads_back_the_checked_figures(korea, coordinator):
    report = services.report_request(kind="edition", target=korea, fmt="xlsx", by=coordinator)
    workbook = load_workbook(io.BytesIO(build(report)))
    figures = {row[0]: row[1] for row in workbook["Summary"].iter_rows(min_row=4, values_only=True)}
    assert figures["Outcomes checked"] == 2
    assert figures["Jobs created"] == 40  # not the 900 waiting for a check
    assert figures["Follow-up funding"] == "EUR 250,000"

    outcomes = list(sheet(workbook, "Checked Outcomes").iter_rows(values_only=True))
    assert outcomes[0][:4] == ("Pairing", "Outcome", "Kind", "Figure")
    rows = {row[1]: row for row in outcomes[1:]}
    assert set(rows) == {"Hydrogen station jobs", "Regional grant for the bus depot"}
    assert rows["Hydrogen station jobs"][0] == "Busan – Barcelona"
    assert rows["Hydrogen station jobs"][3] == "40"
    assert rows["Regional grant for the bus depot"][3] == "EUR 250,000 from Catalan energy agency"
    assert rows["Hydrogen station jobs"][7] == "Edition Coordinator"

    per_country = {
        row[0]: row for row in sheet(workbook, "Impact Per Country").iter_rows(values_only=True)
    }
    assert per_country["Republic of Korea"][1] == 40
    assert per_country["Spain"][5] == "EUR 250,000"

    mix = {
        row[0]: row
        for row in sheet(workbook, "Triple Helix Mix Of Each Pai").iter_rows(values_only=True)
    }
    assert mix["Pairing"][1:4] == ("Government", "Research", "Business")
    busan = Pairing.objects.get(slug="busan-barcelona-2017-2018")
    member_cities = [busan.eu_lead_id, busan.partner_lead_id]
    research = Organisation.objects.filter(city_id__in=member_cities, sector="research").count()
    assert mix["Busan – Barcelona"][2] == research


def test_the_pairing_one_pager_shows_its_impact(korea, coordinator):
    pairing = Pairing.objects.get(slug="busan-barcelona-2017-2018")
    report = services.report_request(kind="pairing", target=pairing, fmt="xlsx", by=coordinator)
    workbook = load_workbook(io.BytesIO(build(report)))
    figures = {row[0]: row[1] for row in workbook["Summary"].iter_rows(min_row=4, values_only=True)}
    assert figures["Jobs created"] == 40
    titles = [row[0] for row in sheet(workbook, "Checked Outcomes").iter_rows(values_only=True)]
    assert titles[0] == "Outcome"
    assert set(titles[1:]) == {"Hydrogen station jobs", "Regional grant for the bus depot"}
    sectors = dict(
        sheet(workbook, "Triple Helix Mix Of The Pairing").iter_rows(min_row=2, values_only=True)
    )
    assert set(sectors) == {"Government", "Research", "Business", "Civil society"}
