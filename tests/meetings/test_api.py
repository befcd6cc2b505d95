"""Meetings in the read API: every meeting's public summary for all, as on the meeting list;
the agenda to those the page shows it to (everyone for a public meeting); the host city's
zone; filters of the meeting list; flat queries."""

import pytest

from tests.api import api_get, token_for
from tests.meetings.factories import AgendaItemFactory, MeetingFactory
from tests.users.factories import DelegateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_meeting(edition, partner_city):
    meeting = MeetingFactory(
        edition=edition, host_city=partner_city, slug="closing-gwangju", is_public=True
    )
    AgendaItemFactory(meeting=meeting, title="Opening session")
    return meeting


@pytest.fixture
def closed_meeting(edition, partner_city):
    meeting = MeetingFactory(
        edition=edition, host_city=partner_city, slug="working-gwangju", is_public=False
    )
    AgendaItemFactory(meeting=meeting, title="Delegates only")
    return meeting


def test_the_list_shows_every_meetings_summary_in_its_host_zone(
    client, public_meeting, closed_meeting
):
    rows = client.get("/api/v1/meetings/").json()["results"]
    assert {row["slug"] for row in rows} == {"closing-gwangju", "working-gwangju"}
    row = next(r for r in rows if r["slug"] == "closing-gwangju")
    assert row["time_zone"] == public_meeting.host_city.time_zone
    assert row["host_city"]["slug"] == "gwangju"
    assert row["status"] == "confirmed"
    assert "venue" not in row and "practical_information" not in row


def test_a_visitor_sees_the_agenda_of_a_public_meeting_only(client, public_meeting, closed_meeting):
    public = client.get("/api/v1/meetings/closing-gwangju/").json()
    assert [item["title"] for item in public["agenda"]] == ["Opening session"]
    assert client.get("/api/v1/meetings/working-gwangju/").json()["agenda"] is None


def test_a_delegate_of_the_edition_sees_the_agenda_with_a_token(
    client, closed_meeting, partner_delegate
):
    body = api_get(client, "/api/v1/meetings/working-gwangju/", token_for(partner_delegate)).json()
    assert [item["title"] for item in body["agenda"]] == ["Delegates only"]
    stranger = DelegateFactory()
    body = api_get(client, "/api/v1/meetings/working-gwangju/", token_for(stranger)).json()
    assert body["agenda"] is None


def test_meetings_filter_as_the_meeting_list_does(client, public_meeting, closed_meeting):
    MeetingFactory(slug="elsewhere", kind="launch")
    rows = client.get("/api/v1/meetings/", {"kind": "launch"}).json()["results"]
    assert [row["slug"] for row in rows] == ["elsewhere"]
    rows = client.get("/api/v1/meetings/", {"host_city": "gwang"}).json()["results"]
    assert {row["slug"] for row in rows} == {"closing-gwangju", "working-gwangju"}


def test_the_list_makes_as_many_queries_for_one_meeting_as_for_many(
    client, edition, assert_flat_queries
):
    assert_flat_queries(
        lambda n: [MeetingFactory(edition=edition) for _ in range(n)],
        lambda: client.get("/api/v1/meetings/?page_size=100"),
    )


def test_a_meeting_makes_as_many_queries_for_one_agenda_item_as_for_many(
    client, public_meeting, assert_flat_queries
):
    assert_flat_queries(
        lambda n: [AgendaItemFactory(meeting=public_meeting) for _ in range(n)],
        lambda: client.get("/api/v1/meetings/closing-gwangju/"),
    )
