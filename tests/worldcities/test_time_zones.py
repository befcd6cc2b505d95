"""Visitors read times in their own zone too: the one their browser told (kept in a cookie) or
the one they chose on the time zone page; meetings show the host city's clock beside theirs,
and a page kept for visitors in one zone is never served to those in another."""

import datetime
import re
import zoneinfo

import pytest
from django.conf import settings

from tests.cities.factories import PartnerCityFactory
from tests.meetings.factories import MeetingFactory
from tests.users.factories import DelegateFactory

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
COOKIE = settings.TIME_ZONE_COOKIE_NAME

# Tuesday 16 March 2027, 10:00 in Seoul: Monday 15 March, 21:00 in New York (daylight time
# began there on the 14th), 02:00 in Brussels.
SEOUL_LOCAL = "Tue 16 Mar 2027, 10:00 – Thu 18 Mar 2027, 18:00 KST"
NEW_YORK_VIEW = "Mon 15 Mar 2027, 21:00 – Thu 18 Mar 2027, 05:00 EDT"
BRUSSELS_VIEW = "Tue 16 Mar 2027, 02:00 – Thu 18 Mar 2027, 10:00 CET"


@pytest.fixture
def seoul_meeting(db):
    seoul = PartnerCityFactory(name="Seoul", slug="seoul", time_zone="Asia/Seoul")
    return MeetingFactory(
        title="Launch meeting",
        host_city=seoul,
        starts_at=datetime.datetime(2027, 3, 16, 10, tzinfo=SEOUL),
        ends_at=datetime.datetime(2027, 3, 18, 18, tzinfo=SEOUL),
    )


def shown(response) -> str:
    """The page's text, its tags and runs of spaces taken out."""
    assert response.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_a_visitor_in_new_york_sees_a_seoul_meeting_in_kst_and_new_york_time(client, seoul_meeting):
    client.cookies[COOKIE] = "America/New_York"
    text = shown(client.get(seoul_meeting.get_absolute_url()))
    assert f"{SEOUL_LOCAL} (Asia/Seoul)" in text
    assert f"Your time (America/New_York): {NEW_YORK_VIEW}" in text
    assert "Times are shown in America/New_York." in text


def test_a_visitor_in_new_york_is_never_served_the_page_kept_for_brussels(client, seoul_meeting):
    url = seoul_meeting.get_absolute_url()
    for _ in range(3):  # the first rendering learns what the page shows, the next ones are kept
        client.cookies[COOKIE] = "Europe/Brussels"
        brussels = client.get(url)
        assert f"Your time (Europe/Brussels): {BRUSSELS_VIEW}" in shown(brussels)
        client.cookies[COOKIE] = "America/New_York"
        new_york = client.get(url)
        text = shown(new_york)
        assert f"Your time (America/New_York): {NEW_YORK_VIEW}" in text
        assert "Europe/Brussels" not in text
    assert brussels["ETag"] != new_york["ETag"]
    # A browser that kept Brussels' copy is not told it is still good in New York.
    again = client.get(url, headers={"if-none-match": brussels["ETag"]})
    assert again.status_code == 200


def test_a_visitor_in_seoul_sees_one_clock(client, seoul_meeting):
    client.cookies[COOKIE] = "Asia/Seoul"
    text = shown(client.get(seoul_meeting.get_absolute_url()))
    assert f"{SEOUL_LOCAL} (Asia/Seoul)" in text
    assert "Your time" not in text


@pytest.mark.parametrize(
    "value", ["Mars/Olympus_Mons", "../../etc/passwd", "", "america/new_york", "Asia/Seoul\x00"]
)
def test_a_cookie_naming_no_zone_gives_the_sites_zone(client, seoul_meeting, value):
    client.cookies[COOKIE] = value
    text = shown(client.get(seoul_meeting.get_absolute_url()))
    assert f"Your time (Europe/Brussels): {BRUSSELS_VIEW}" in text
    assert "Times are shown in Europe/Brussels." in text


def test_without_a_cookie_visitors_get_the_sites_zone(client, seoul_meeting):
    text = shown(client.get(seoul_meeting.get_absolute_url()))
    assert f"Your time (Europe/Brussels): {BRUSSELS_VIEW}" in text


def test_visitors_pages_name_the_cookie_their_browser_fills_in(client, seoul_meeting):
    body = client.get(seoul_meeting.get_absolute_url()).content.decode()
    assert f'data-time-zone="Europe/Brussels" data-time-zone-cookie="{COOKIE}"' in body
    assert "js/time-zone.js" in body


@pytest.mark.django_db
def test_a_logged_in_person_reads_their_profiles_zone_whatever_the_cookie(
    client, seoul_meeting, eu_city
):
    person = DelegateFactory(city=eu_city, time_zone="Europe/Helsinki")
    client.force_login(person)
    client.cookies[COOKIE] = "America/New_York"
    response = client.get(seoul_meeting.get_absolute_url())
    text = shown(response)
    assert "Your time (Europe/Helsinki):" in text
    assert "America/New_York" not in text
    assert "data-time-zone-cookie" not in response.content.decode()
    assert "Times are shown in Europe/Helsinki." in text


# --- The time zone page -------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_visitor_chooses_a_zone_and_goes_back(client, seoul_meeting):
    url = seoul_meeting.get_absolute_url()
    page = client.get("/time-zone/", {"next": url})
    assert page.status_code == 200
    assert 'value="America/New_York">New York</option>' in page.content.decode()

    response = client.post("/time-zone/", {"time_zone": "America/New_York", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    cookie = response.cookies[COOKIE]
    assert cookie.value == "America/New_York"
    assert cookie["samesite"] == "Lax" and cookie["max-age"] == settings.TIME_ZONE_COOKIE_AGE
    text = shown(client.get(url))
    assert "Times are now shown in America/New_York." in text
    assert f"Your time (America/New_York): {NEW_YORK_VIEW}" in text


@pytest.mark.django_db
def test_the_page_shows_the_zone_in_use(client):
    client.cookies[COOKIE] = "Asia/Seoul"
    body = client.get("/time-zone/").content.decode()
    assert '<option value="Asia/Seoul" selected>Seoul</option>' in body
    assert "Times on this site are shown in Asia/Seoul" in " ".join(body.split())


@pytest.mark.django_db
def test_an_unknown_zone_is_refused_with_a_message(client):
    response = client.post("/time-zone/", {"time_zone": "Mars/Olympus_Mons", "next": "/"})
    assert response.status_code == 200
    assert "“Mars/Olympus_Mons” is not a known time zone." in response.content.decode()
    assert COOKIE not in response.cookies


@pytest.mark.django_db
def test_choosing_the_browsers_zone_forgets_the_chosen_one(client):
    client.cookies[COOKIE] = "Asia/Seoul"
    response = client.post("/time-zone/", {"time_zone": "", "next": "/cities/"})
    assert response.status_code == 302 and response["Location"] == "/cities/"
    assert response.cookies[COOKIE].value == ""  # deleted
    assert response.cookies[COOKIE]["max-age"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["https://elsewhere.example/", "//elsewhere.example/"])
def test_the_page_never_leads_to_another_site(client, next_url):
    response = client.post("/time-zone/", {"time_zone": "Asia/Seoul", "next": next_url})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_logged_in_people_change_their_zone_in_their_profile(client, eu_city):
    client.force_login(DelegateFactory(city=eu_city))
    response = client.get("/time-zone/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/#prefs-heading"
    page = client.get("/")
    assert 'href="/accounts/profile/#prefs-heading">Change the time zone</a>' in (
        page.content.decode()
    )


@pytest.mark.django_db
def test_the_page_asks_a_constant_number_of_queries(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/time-zone/").status_code == 200
