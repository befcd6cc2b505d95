"""Programme staff work through the administration under the site's strict policy (no inline
style, no inline script): changelists with their filters and date drill-down, change forms
with inlines, the date and time pickers, the two-box selector, the autocomplete, the history
and a deletion. The page fixture fails the test on any refusal the browser logs."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from meetings.models import Meeting
from tests.browser.conftest import assert_accessible, log_in
from tests.cities.factories import CityFactory, PartnerCityFactory, ThematicAreaFactory
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, RegistrationFactory
from tests.practices.factories import PracticeFactory
from tests.twinning.factories import ActionFactory, PairingFactory
from tests.users.factories import ProgrammeStaffFactory

pytestmark = pytest.mark.django_db(transaction=True)


def visit(page, url):
    page.goto(url)
    expect(page.locator("#content")).to_be_visible()
    assert_accessible(page)


def test_staff_use_the_administration_with_no_inline_style_allowed(page, live_server):
    staff = ProgrammeStaffFactory(email="staff@example.org", full_name="Programme Staff")
    tampere = CityFactory(name="Tampere", slug="tampere")
    gwangju = PartnerCityFactory(name="Gwangju", slug="gwangju")
    pairing = PairingFactory(eu_lead=tampere, partner_lead=gwangju)
    ActionFactory(pairing=pairing)
    ThematicAreaFactory(name="Smart City", slug="smart-city")
    meeting = MeetingFactory(title="Closing meeting in Busan", host_city=gwangju)
    AgendaItemFactory(meeting=meeting)
    RegistrationFactory(meeting=meeting)
    PracticeFactory(title="Bike sharing", city=tampere)
    base = f"{live_server.url}/admin"

    # The index, and the policy the administration is served with.
    log_in(page, live_server, staff)
    response = page.goto(f"{base}/")
    policy = response.headers["content-security-policy"]
    assert "style-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert_accessible(page)

    # Changelists: a filter, the date drill-down, a search.
    visit(page, f"{base}/meetings/meeting/")
    page.get_by_role("link", name="Confirmed").first.click()
    expect(page).to_have_url(re.compile(r"status__exact=confirmed"))
    assert_accessible(page)
    page.locator("nav.toplinks a").first.click()
    expect(page).to_have_url(re.compile(r"starts_at__"))
    assert_accessible(page)
    visit(page, f"{base}/practices/practice/?q=Bike")
    expect(page.locator("#result_list")).to_contain_text("Bike sharing")
    for path in (
        "/twinning/pairing/",
        "/twinning/action/",
        "/users/user/",
        "/meetings/registration/",
        "/meetings/historicalmeeting/",
        "/django_celery_beat/periodictask/",
        "/notifications/emailmessage/",
    ):
        visit(page, f"{base}{path}")

    # A change form with inlines, the date and time pickers and the two-box selector.
    visit(page, f"{base}/meetings/meeting/{meeting.pk}/change/")
    page.locator("#calendarlink0").click()
    expect(page.locator("#calendarbox0")).to_be_visible()
    page.locator("#calendarbox0 .calendar-cancel a").click()
    page.locator("#clocklink0").click()
    expect(page.locator("#clockbox0")).to_be_visible()
    page.locator("#clockbox0").get_by_role("link", name="Midnight").click()
    expect(page.locator("#id_starts_at_1")).to_have_value("00:00:00")
    page.locator("#id_pairings_from option").first.dblclick()
    expect(page.locator("#id_pairings_to option")).to_have_count(1)
    page.get_by_role("button", name=re.compile(r"Add another Agenda item", re.I)).click()
    expect(page.locator("#id_agenda_items-1-title")).to_be_visible()
    page.fill("#id_agenda_items-1-title", "Site visit to the innovation district")
    second_day = (meeting.starts_at + datetime.timedelta(days=1)).strftime("%Y-%m-%d")
    page.fill("#id_agenda_items-1-starts_at_0", second_day)
    page.fill("#id_agenda_items-1-starts_at_1", "14:00")
    page.fill("#id_agenda_items-1-ends_at_0", second_day)
    page.fill("#id_agenda_items-1-ends_at_1", "16:00")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert_accessible(page)
    assert meeting.agenda_items.count() == 2
    assert meeting.pairings.count() == 1

    # The autocomplete, on a pairing.
    visit(page, f"{base}/twinning/pairing/{pairing.pk}/change/")
    page.locator(".field-thematic_areas .select2-selection").click()
    page.locator(".select2-search__field").last.fill("Smart")
    page.locator(".select2-results__option", has_text="Smart City").first.click()
    page.keyboard.press("Escape")
    page.get_by_role("heading", name="Change pairing").click()
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert_accessible(page)
    assert [a.name for a in pairing.thematic_areas.all()] == ["Smart City"]

    # The history of the meeting, then a deletion through its confirmation page.
    visit(page, f"{base}/meetings/meeting/{meeting.pk}/history/")
    expect(page.locator("#change-history")).to_be_visible()
    visit(page, f"{base}/meetings/meeting/{meeting.pk}/delete/")
    page.get_by_role("button", name="Yes, I’m sure").click()
    expect(page.locator(".messagelist")).to_contain_text("was deleted successfully")
    assert_accessible(page)
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
