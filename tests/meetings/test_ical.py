"""Times in iCalendar carry their zone and stay right across a daylight-saving change; pages
show the meeting's zone and, where it differs, the viewer's."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.utils import timezone

from meetings import services
from meetings.models import AgendaItem
from meetings.templatetags.meeting_time import times
from tests.cities.factories import CityFactory
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, RegistrationFactory

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


@pytest.fixture
def dst_meeting(edition, pairing):
    """A follow-up in Brussels from Friday 26 to Monday 29 March 2027: clocks go forward on the
    Sunday, so 09:00 on Friday is 08:00 UTC and 09:00 on Monday is 07:00 UTC."""
    brussels = CityFactory(name="Brussels", slug="brussels", time_zone="Europe/Brussels")
    meeting = MeetingFactory(
        edition=edition,
        host_city=brussels,
        pairings=[pairing],
        starts_at=datetime.datetime(2027, 3, 26, 9, 0, tzinfo=BRUSSELS),
        ends_at=datetime.datetime(2027, 3, 29, 17, 0, tzinfo=BRUSSELS),
    )
    for day in (26, 29):
        AgendaItemFactory(
            meeting=meeting,
            kind=AgendaItem.Kind.FIELD_VISIT,
            title=f"Visit on the {day}th",
            starts_at=datetime.datetime(2027, 3, day, 9, 0, tzinfo=BRUSSELS),
            ends_at=datetime.datetime(2027, 3, day, 12, 0, tzinfo=BRUSSELS),
        )
    return meeting


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_meeting_ics_keeps_wall_clock_across_dst(client_for, delegate, dst_meeting):
    response = client_for(delegate).get(f"/meetings/{dst_meeting.pk}/calendar.ics")
    calendar = parse(response)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        dst_meeting.title,
        f"{dst_meeting.title}: Visit on the 26th",
        f"{dst_meeting.title}: Visit on the 29th",
    }
    before = events[f"{dst_meeting.title}: Visit on the 26th"]
    after = events[f"{dst_meeting.title}: Visit on the 29th"]
    for event in (before, after):
        assert event["DTSTART"].params["TZID"] == "Europe/Brussels"
        assert event.decoded("DTSTART").hour == 9
    assert before.decoded("DTSTART").astimezone(datetime.UTC).hour == 8
    assert after.decoded("DTSTART").astimezone(datetime.UTC).hour == 7
    whole = events[dst_meeting.title]
    elapsed = whole.decoded("DTEND").astimezone(datetime.UTC) - whole.decoded("DTSTART").astimezone(
        datetime.UTC
    )
    assert elapsed == datetime.timedelta(days=3, hours=7)  # one hour less: clocks went forward
    assert str(whole["LOCATION"]).startswith("City Hall, 1 Main Street, Brussels")


def test_visitor_ics_has_only_public_information(client, dst_meeting):
    calendar = parse(client.get(f"/meetings/{dst_meeting.pk}/calendar.ics"))
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    assert "City Hall" not in str(events[0]["LOCATION"])


def test_personal_feed_behind_a_token(client, client_for, delegate, dst_meeting, meeting):
    RegistrationFactory(meeting=dst_meeting, person=delegate)
    token = services.feed_token_for(user=delegate).token
    assert len(token) >= 40
    calendar = parse(client.get(f"/meetings/feed/{token}.ics"))
    summaries = sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
    assert dst_meeting.title in summaries and meeting.title not in summaries
    assert len(summaries) == 3
    assert client.get("/meetings/feed/not-the-token.ics").status_code == 404
    # A new address makes the old one stop working.
    client_for(delegate).post("/meetings/feed/")
    assert client.get(f"/meetings/feed/{token}.ics").status_code == 404


def test_times_in_the_meeting_zone_and_the_viewers(dst_meeting):
    with timezone.override(zoneinfo.ZoneInfo("Asia/Seoul")):
        shown = times(dst_meeting.starts_at, dst_meeting.ends_at, dst_meeting.time_zone)
    assert shown["local"] == "Fri 26 Mar 2027, 09:00 – Mon 29 Mar 2027, 17:00 CEST"
    assert shown["viewer"] == "Fri 26 Mar 2027, 17:00 – Tue 30 Mar 2027, 00:00 KST"
    with timezone.override(zoneinfo.ZoneInfo("Europe/Paris")):
        same = times(dst_meeting.starts_at, dst_meeting.ends_at, dst_meeting.time_zone)
    assert same["viewer"] == ""


def test_detail_page_shows_both_zones(client_for, delegate, meeting):
    delegate.time_zone = "Europe/Helsinki"
    delegate.save()
    body = client_for(delegate).get(f"/meetings/{meeting.pk}/").content.decode()
    local = meeting.starts_at.astimezone(zoneinfo.ZoneInfo("Asia/Seoul"))
    mine = meeting.starts_at.astimezone(zoneinfo.ZoneInfo("Europe/Helsinki"))
    assert "(Asia/Seoul)" in body
    assert f"{local:%H:%M}" in body
    assert "Your time (Europe/Helsinki):" in body and f"{mine:%H:%M}" in body


def test_visitors_see_the_site_zone(client, meeting):
    body = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Your time (Europe/Brussels):" in body


def test_form_times_are_in_the_host_city_zone(client_for, coordinator, edition, pairing):
    response = client_for(coordinator).post(
        "/meetings/new/",
        {
            "edition": edition.pk,
            "kind": "follow_up",
            "title": "Follow-up in Brussels",
            "host_city": CityFactory(
                name="Brussels", slug="brussels", time_zone="Europe/Brussels"
            ).pk,
            "starts_at": "2027-03-28T09:00",
            "ends_at": "2027-03-28T17:00",
            "pairings": [pairing.pk],
        },
    )
    assert response.status_code == 302
    from meetings.models import Meeting

    meeting = Meeting.objects.get()
    assert meeting.starts_at == datetime.datetime(2027, 3, 28, 7, 0, tzinfo=datetime.UTC)


def test_a_time_the_clocks_skip_is_refused(client_for, coordinator, edition):
    response = client_for(coordinator).post(
        "/meetings/new/",
        {
            "edition": edition.pk,
            "kind": "other",
            "title": "At a time that does not exist",
            "host_city": CityFactory(
                name="Brussels", slug="brussels", time_zone="Europe/Brussels"
            ).pk,
            "starts_at": "2027-03-28T02:30",
            "ends_at": "2027-03-28T17:00",
        },
    )
    assert response.status_code == 200
    assert "02:30 does not exist in Europe/Brussels" in response.content.decode()
