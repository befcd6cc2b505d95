"""A visitor follows the programme: reads the agenda of a public meeting without logging in,
then subscribes to the programme's calendar from the meeting list; the feed is a calendar that
holds the public meetings and none of the others."""

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.cities.factories import CityFactory, PartnerCityFactory
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, in_days
from tests.twinning.factories import EditionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_reads_a_public_agenda_and_subscribes_to_the_programme(page, live_server):
    edition = EditionFactory(name="World Cities Korea", slug="korea")
    seoul = PartnerCityFactory(name="Seoul", slug="seoul", time_zone="Asia/Seoul")
    CityFactory(name="Tampere", slug="tampere", time_zone="Europe/Helsinki")
    launch = MeetingFactory(
        edition=edition,
        host_city=seoul,
        title="Launch meeting in Seoul",
        is_public=True,
        starts_at=in_days(20),
        ends_at=in_days(20, hour=17),
    )
    AgendaItemFactory(meeting=launch, title="Opening of World Cities in Korea")
    MeetingFactory(edition=edition, host_city=seoul, title="Working meeting behind doors")

    page.goto(f"{live_server.url}/meetings/")
    assert_accessible(page)
    page.get_by_role("link", name="Launch meeting in Seoul").first.click()
    assert_accessible(page)
    agenda = page.get_by_role("region", name="Agenda")
    expect(agenda).to_contain_text("Opening of World Cities in Korea")
    expect(page.get_by_text("log in to see the agenda")).to_have_count(0)

    page.get_by_role("link", name="All meetings").click()
    assert_accessible(page)
    subscribe = page.get_by_role("link", name="Subscribe to the programme calendar")
    expect(subscribe).to_have_attribute(
        "href", f"webcal://{live_server.url.split('://')[1]}/meetings/calendar.ics"
    )
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Programme calendar address (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == "world-cities-meetings.ics"
    with open(download.path(), "rb") as feed:
        calendar = Calendar.from_ical(feed.read())
    summaries = {str(event["summary"]) for event in calendar.walk("VEVENT")}
    assert summaries == {
        "Launch meeting in Seoul",
        "Launch meeting in Seoul: Opening of World Cities in Korea",
    }
    assert str(calendar["x-wr-calname"]) == "World Cities programme meetings"

    # The edition's page offers the edition's calendar the same way.
    page.goto(f"{live_server.url}/editions/korea/")
    assert_accessible(page)
    meetings = page.get_by_role("region", name="Coming meetings")
    expect(meetings).to_contain_text("Launch meeting in Seoul")
    with page.expect_download() as download_info:
        meetings.get_by_role("link", name="Calendar address (.ics)").click()
    with open(download_info.value.path(), "rb") as feed:
        calendar = Calendar.from_ical(feed.read())
    assert {str(e["summary"]) for e in calendar.walk("VEVENT")} == summaries
