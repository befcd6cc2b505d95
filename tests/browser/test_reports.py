import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.twinning.factories import ActionFactory, PairingFactory
from tests.users.factories import DEFAULT_PASSWORD
from worldcities.reports.models import Report
from worldcities.reports.tasks import generate_report

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_asks_for_a_report_and_downloads_it(page, live_server, coordinator, edition):
    pairing = PairingFactory(edition=edition)
    ActionFactory(pairing=pairing, title="Open data portal", progress=60)

    page.goto(live_server.url + "/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email").fill(coordinator.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert_accessible(page)

    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Ask for a report")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("combobox", name="Report").select_option("pairing")
    page.get_by_role("combobox", name="Edition").select_option(str(edition.pk))
    page.get_by_role("combobox", name="Format").select_option("xlsx")
    page.get_by_role("button", name="Build the report").click()
    # No pairing chosen: the message sits next to the field and the choices are kept.
    expect(page.get_by_text("Choose the pairing the one-pager is about.")).to_be_visible()
    expect(page.get_by_role("combobox", name="Format")).to_have_value("xlsx")
    assert_accessible(page)
    page.get_by_role("combobox", name="Pairing").select_option(str(pairing.pk))
    page.get_by_role("button", name="Build the report").click()
    expect(page.get_by_text("Your report is being built.")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_be_visible()
    assert_accessible(page)

    # A worker builds it; the page notices by itself.
    generate_report(str(Report.objects.get().pk))
    download = page.get_by_role("link", name="Download (Excel workbook (XLSX))")
    expect(download).to_be_visible(timeout=10_000)
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename.endswith(".xlsx")
