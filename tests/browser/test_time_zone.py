"""A visitor's browser in New York: the first page with times asks once more with the zone the
browser told, a Seoul meeting then shows Korean time and New York time; the visitor picks
another zone from the footer and keeps it."""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.cities.factories import PartnerCityFactory
from tests.meetings.factories import MeetingFactory

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


@pytest.fixture
def seoul_meeting():
    seoul = PartnerCityFactory(name="Seoul", slug="seoul", time_zone="Asia/Seoul")
    return MeetingFactory(
        title="Launch meeting",
        host_city=seoul,
        starts_at=datetime.datetime(2027, 3, 16, 10, tzinfo=SEOUL),
        ends_at=datetime.datetime(2027, 3, 18, 18, tzinfo=SEOUL),
    )


@pytest.mark.browser_context_args(timezone_id="America/New_York")
def test_a_visitor_in_new_york_sees_a_seoul_meeting_in_kst_and_new_york_time(
    page, live_server, seoul_meeting
):
    page.goto(live_server.url + seoul_meeting.get_absolute_url())
    times = page.locator(".meeting-facts .meeting-times").first
    expect(times.locator("time")).to_have_text(
        "Tue 16 Mar 2027, 10:00 – Thu 18 Mar 2027, 18:00 KST"
    )
    expect(times).to_contain_text("(Asia/Seoul)")
    expect(times.locator(".viewer-time")).to_have_text(
        "Your time (America/New_York): Mon 15 Mar 2027, 21:00 – Thu 18 Mar 2027, 05:00 EDT"
    )
    expect(page.locator(".time-zone-note")).to_contain_text("Times are shown in America/New_York.")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies[settings.TIME_ZONE_COOKIE_NAME] == "America/New_York"
    assert_accessible(page)

    # The visitor reads times on Seoul's clock instead, chosen from the footer.
    page.get_by_role("link", name="Change the time zone").click()
    expect(page.get_by_label("Time zone")).to_have_value("America/New_York")
    assert_accessible(page)
    page.get_by_label("Time zone").select_option("Asia/Seoul")
    page.get_by_role("button", name="Show times in this zone").click()
    expect(page.get_by_text("Times are now shown in Asia/Seoul.")).to_be_visible()
    expect(page.locator(".meeting-facts .viewer-time")).to_have_count(0)
    assert_accessible(page)

    # The chosen zone stays chosen: the browser's own does not take its place again.
    page.reload()
    expect(page.locator(".time-zone-note")).to_contain_text("Times are shown in Asia/Seoul.")
    assert_accessible(page)


@pytest.mark.browser_context_args(timezone_id="Asia/Seoul")
def test_a_page_without_times_is_not_asked_for_twice(page, live_server):
    page.goto(live_server.url + "/cities/")
    assert_accessible(page)
    assert len(page.loaded_urls) == 1
    page.goto(live_server.url + "/time-zone/")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Seoul")
    assert_accessible(page)
