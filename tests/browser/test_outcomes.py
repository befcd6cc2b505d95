import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import assert_accessible, log_in
from tests.twinning.factories import PairingFactory
from worldcities.reports.models import Report
from worldcities.reports.tasks import generate_report

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_delegate_records_an_outcome_and_the_coordinator_checks_it_into_the_report(
    page, live_server, coordinator, edition, eu_city, partner_city, delegate
):
    pairing = PairingFactory(edition=edition, eu_lead=eu_city, partner_lead=partner_city)

    # A delegate of Tampere records jobs created; a negative amount is refused first.
    log_in(page, live_server, delegate)
    page.goto(live_server.url + pairing.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("link", name="See the pairing's outcomes").click()
    assert_accessible(page)
    page.get_by_role("link", name="Record an outcome").click()
    assert_accessible(page)
    page.get_by_label("Kind").select_option("contract")
    page.get_by_role("textbox", name="What", exact=True).fill("Bike-sharing operations contract")
    page.get_by_label("City").select_option(str(eu_city.pk))
    page.get_by_label("Amount").fill("-300")
    page.get_by_label("Currency").select_option("EUR")
    page.get_by_label("Date").fill("2018-02-01")
    page.get_by_label("Source").fill("Tampere procurement notice")
    page.get_by_label("Evidence (link)").fill("https://example.org/notice")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_text("An amount is zero or more, with a currency.")).to_be_visible()
    expect(page.get_by_role("textbox", name="What", exact=True)).to_have_value(
        "Bike-sharing operations contract"
    )
    assert_accessible(page)
    page.get_by_label("Amount").fill("300000")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_text("The outcome was recorded.")).to_be_visible()
    expect(page.get_by_text("Waiting for a check")).to_be_visible()
    assert_accessible(page)

    # The coordinator checks it on the pairing's outcomes page (the row is swapped in place).
    log_in(page, live_server, coordinator)
    page.goto(live_server.url + f"/pairings/{pairing.slug}/outcomes/")
    assert_accessible(page)
    row = page.locator("tr", has_text="Bike-sharing operations contract")
    row.get_by_role("button", name="Check").click()
    expect(row.get_by_text("Checked", exact=True)).to_be_visible()
    expect(row).to_contain_text("by Edition Coordinator")
    assert_accessible(page)

    # It appears in the edition report, as PDF text and as XLSX cells.
    for fmt, label in (("pdf", "PDF"), ("xlsx", "Excel workbook (XLSX)")):
        page.goto(live_server.url + "/reports/")
        assert_accessible(page)
        page.get_by_role("combobox", name="Report").select_option("edition")
        page.get_by_role("combobox", name="Edition").select_option(str(edition.pk))
        page.get_by_role("combobox", name="Format").select_option(fmt)
        page.get_by_role("button", name="Build the report").click()
        expect(page.get_by_text("Your report is being built.")).to_be_visible()
        assert_accessible(page)
        generate_report(str(Report.objects.get(format=fmt).pk))
        download = page.get_by_role("link", name=f"Download ({label})")
        expect(download).to_be_visible(timeout=10_000)
        with page.expect_download() as info:
            download.click()
        content = open(info.value.path(), "rb").read()  # noqa: SIM115
        if fmt == "pdf":
            pages = PdfReader(io.BytesIO(content)).pages
            text = " ".join(" ".join(p.extract_text() for p in pages).split())
            text = text.replace("- ", "-")  # a word broken at its hyphen in a narrow column
            assert "Bike-sharing operations contract" in text
            assert "EUR 300,000" in text
        else:
            workbook = load_workbook(io.BytesIO(content))
            sheet = workbook["Checked Outcomes"]
            row = next(sheet.iter_rows(min_row=2, values_only=True))
            assert row[1] == "Bike-sharing operations contract"
            assert row[3] == "EUR 300,000"
            summary = dict(
                r[:2] for r in workbook["Summary"].iter_rows(min_row=4, values_only=True)
            )
            assert summary["Contracts and investments"] == "EUR 300,000"

    # The home page shows the programme's impact at once, with its charts and tables.
    log_in(page, live_server, None)
    page.goto(live_server.url + "/")
    assert_accessible(page)
    impact = page.get_by_role("region", name="The programme's impact")
    expect(impact.get_by_text("EUR 300,000").first).to_be_visible()
    expect(impact.get_by_role("img", name="Jobs created per country")).to_be_visible()
    expect(impact.get_by_role("table", name="Impact per edition")).to_contain_text(edition.name)
