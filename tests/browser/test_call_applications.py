"""Programme staff's list of a call's applications: from the reviews to every application of
the call, filtered by status and by the city's name, sorted by a column, and on to a draft's
read-only page and a submitted application's board entry."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in
from tests.cities.factories import CityFactory
from tests.twinning.factories import ApplicationFactory, CallFactory, EditionFactory
from tests.users.factories import ProgrammeStaffFactory
from twinning.models import Application

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_list_filter_and_open_a_calls_applications(page, live_server):
    edition = EditionFactory(name="World Cities 2027: EU – Republic of Korea", slug="2027-korea")
    call = CallFactory(edition=edition, title="Call for cities 2027", slug="call-2027")
    ApplicationFactory(
        call=call, city=CityFactory(name="Busan"), status=Application.Status.SUBMITTED
    )
    ApplicationFactory(call=call, city=CityFactory(name="Tampere"))
    ApplicationFactory(
        call=call,
        city=CityFactory(name="Gwangju"),
        status=Application.Status.WITHDRAWN,
        withdrawn_at=timezone.now(),
    )
    staff = ProgrammeStaffFactory(email="staff@example.org", full_name="Dana Regio")
    table = page.locator("#application-results tbody")

    # 1. From the reviews to every application of the call, drafts and withdrawn ones too.
    log_in(page, live_server, staff)
    page.goto(f"{live_server.url}/review/")
    assert_accessible(page)
    page.get_by_role("link", name="Every application to Call for cities 2027").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Applications to “Call for cities 2027”"
    )
    assert_accessible(page)
    expect(page.get_by_role("heading", name="3 applications")).to_be_visible()
    expect(table.locator("th[scope=row]")).to_contain_text(["Busan", "Gwangju", "Tampere"])
    expect(table).to_contain_text("% complete")
    expect(page.get_by_role("link", name="Export the whole call (XLSX)")).to_be_visible()

    # 2. Sorted by city, Z to A, from the column's header.
    page.get_by_role("link", name="City").click()  # ascending already: the other way round
    expect(table.locator("th[scope=row]")).to_contain_text(["Tampere", "Gwangju", "Busan"])
    assert_accessible(page)

    # 3. Only the drafts (the filter refreshes the results in place), then a search by name.
    page.get_by_label("Status").select_option("draft")
    expect(page.get_by_role("heading", name="1 application")).to_be_visible()
    expect(table.locator("th[scope=row]")).to_contain_text(["Tampere"])
    page.get_by_label("Status").select_option("")
    expect(page.get_by_role("heading", name="3 applications")).to_be_visible()
    page.get_by_label("City", exact=True).fill("bus")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="1 application")).to_be_visible()
    expect(table.locator("th[scope=row]")).to_contain_text(["Busan"])
    assert_accessible(page)

    # 4. The submitted application's board entry; back, and the draft's read-only page.
    page.get_by_role("link", name="Reviews of Busan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Busan")
    assert_accessible(page)
    page.go_back()
    assert_accessible(page)
    page.goto(
        f"{live_server.url}/review/calls/{edition.slug}/{call.slug}/applications/?status=draft"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Application WC-").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Application of Tampere")
    expect(page.get_by_role("heading", name="What the city wrote")).to_be_visible()
    assert_accessible(page)
