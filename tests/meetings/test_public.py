"""Public meetings: their agenda is open to visitors, and the programme's calendar feeds (the
whole programme's and each edition's) list them, and only them, for anyone's calendar."""

import pytest
from icalendar import Calendar

from meetings.permissions import can_view_agenda
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, in_days
from tests.twinning.factories import EditionFactory

pytestmark = pytest.mark.django_db

LOGIN_PROMPT = "log in to see the agenda"


@pytest.fixture
def public_meeting(edition, partner_city):
    meeting = MeetingFactory(
        edition=edition,
        host_city=partner_city,
        title="Launch of the edition",
        is_public=True,
        venue="Grand Hall",
        online_url="https://meet.example.org/secret-room",
    )
    AgendaItemFactory(meeting=meeting, title="Opening by the mayor", speakers="The Mayor")
    return meeting


@pytest.fixture
def private_meeting(edition, partner_city):
    meeting = MeetingFactory(edition=edition, host_city=partner_city, title="Closed workshop")
    AgendaItemFactory(meeting=meeting, title="Budget of the delegations")
    return meeting


def events_of(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return [str(event["summary"]) for event in calendar.walk("VEVENT")]


# --- The agenda ---------------------------------------------------------------------------------
def test_a_visitor_reads_the_agenda_of_a_public_meeting(client, public_meeting):
    response = client.get(public_meeting.get_absolute_url())
    text = response.content.decode()
    assert "Opening by the mayor" in text and "The Mayor" in text
    assert LOGIN_PROMPT not in text
    assert "Public meeting" in text
    # The rest of the details stay with the edition's delegates and coordinators.
    assert "Grand Hall" not in text and "secret-room" not in text
    assert "Bring your badge" not in text
    assert "log in to see the delegations and to register" in text


def test_a_visitor_does_not_read_the_agenda_of_other_meetings(client, private_meeting):
    text = client.get(private_meeting.get_absolute_url()).content.decode()
    assert "Budget of the delegations" not in text
    assert LOGIN_PROMPT in text


@pytest.mark.parametrize("who", ["visitor", "outside_delegate", "delegate", "coordinator", "staff"])
def test_who_sees_an_agenda(
    who, public_meeting, private_meeting, coordinator, programme_staff, pairing_delegate
):
    from django.contrib.auth.models import AnonymousUser

    from tests.users.factories import DelegateFactory

    user = {
        "visitor": AnonymousUser(),
        "outside_delegate": DelegateFactory(),
        "delegate": pairing_delegate,
        "coordinator": coordinator,
        "staff": programme_staff,
    }[who]
    assert can_view_agenda(user, public_meeting)
    assert can_view_agenda(user, private_meeting) is (who in ("delegate", "coordinator", "staff"))


@pytest.fixture
def pairing_delegate(pairing, delegate):
    return delegate


def test_the_calendar_file_of_a_public_meeting_carries_its_agenda_for_visitors(
    client, public_meeting, private_meeting
):
    summaries = events_of(client.get(f"/meetings/{public_meeting.pk}/calendar.ics"))
    assert summaries == ["Launch of the edition", "Launch of the edition: Opening by the mayor"]
    assert events_of(client.get(f"/meetings/{private_meeting.pk}/calendar.ics")) == [
        "Closed workshop"
    ]


def test_making_a_meeting_public_shows_its_agenda_at_once(client, private_meeting, coordinator):
    from meetings.services import meeting_update

    assert "Budget of the delegations" not in client.get(private_meeting.get_absolute_url()).text
    meeting_update(meeting=private_meeting, by=coordinator, is_public=True)
    assert "Budget of the delegations" in client.get(private_meeting.get_absolute_url()).text


# --- The feeds ----------------------------------------------------------------------------------
def test_the_programme_feed_lists_every_public_meeting_and_no_other(
    client, public_meeting, private_meeting
):
    other = MeetingFactory(
        edition=EditionFactory(), title="Closing in another edition", is_public=True
    )
    summaries = events_of(client.get("/meetings/calendar.ics"))
    assert set(summaries) == {
        "Launch of the edition",
        "Launch of the edition: Opening by the mayor",
        other.title,
    }
    body = client.get("/meetings/calendar.ics").content.decode()
    assert "Grand Hall" not in body and "secret-room" not in body
    assert "BEGIN:VTIMEZONE" in body


def test_an_edition_feed_lists_that_editions_public_meetings(
    client, edition, public_meeting, private_meeting
):
    MeetingFactory(edition=EditionFactory(), title="Elsewhere", is_public=True)
    response = client.get(f"/meetings/editions/{edition.slug}/calendar.ics")
    assert set(events_of(response)) == {
        "Launch of the edition",
        "Launch of the edition: Opening by the mayor",
    }
    assert Calendar.from_ical(response.content)["x-wr-calname"] == f"{edition.name}: meetings"


@pytest.mark.parametrize(
    "path",
    [
        "/meetings/editions/no-such-edition/calendar.ics",
        "/meetings/feed/no%20such%20token.ics",
        "/meetings/feed/" + "a" * 65 + ".ics",
        "/meetings/feed/unknown-token.ics",
    ],
)
def test_bad_feed_addresses_answer_not_found(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/meetings/editions/%00/calendar.ics", "/meetings/feed/%00.ics"])
def test_a_nul_in_a_feed_address_is_a_bad_request(client, path):
    assert client.get(path).status_code == 400


def test_the_feeds_read_the_same_number_of_queries_however_many_meetings(
    client, edition, assert_flat_queries
):
    def make_rows(n):
        for _ in range(n):
            meeting = MeetingFactory(edition=edition, is_public=True)
            AgendaItemFactory.create_batch(2, meeting=meeting)

    assert assert_flat_queries(make_rows, lambda: client.get("/meetings/calendar.ics")) == 2
    assert_flat_queries(
        make_rows, lambda: client.get(f"/meetings/editions/{edition.slug}/calendar.ics")
    )


def test_the_meeting_list_offers_the_subscriptions(client, edition, public_meeting):
    text = client.get("/meetings/").content.decode()
    assert 'href="webcal://testserver/meetings/calendar.ics"' in text
    assert 'href="http://testserver/meetings/calendar.ics"' in text
    assert "editions/" not in text

    text = client.get(f"/meetings/?edition={edition.pk}").content.decode()
    assert f'href="webcal://testserver/meetings/editions/{edition.slug}/calendar.ics"' in text
    assert f'href="http://testserver/meetings/editions/{edition.slug}/calendar.ics"' in text
    assert f"Subscribe to the calendar of {edition.name}" in text

    # An edition that does not exist, or a value that is no edition, offers the programme's only.
    for value in ("99999", "99999999999999999999999", "abc", "\u0661"):
        response = client.get(f"/meetings/?edition={value}")
        assert response.status_code == 200
        assert "/meetings/editions/" not in response.content.decode()
    assert client.get("/meetings/?edition=%00").status_code == 400


def test_the_edition_page_lists_its_coming_meetings_and_offers_its_calendar(
    client, edition, public_meeting
):
    MeetingFactory(
        edition=edition, title="Held long ago", starts_at=in_days(-40), ends_at=in_days(-39)
    )
    text = client.get(f"/editions/{edition.slug}/").content.decode()
    assert "Coming meetings" in text
    assert "Launch of the edition" in text and "Held long ago" not in text
    assert f'href="webcal://testserver/meetings/editions/{edition.slug}/calendar.ics"' in text
    assert f'href="http://testserver/meetings/editions/{edition.slug}/calendar.ics"' in text
    assert f'href="/meetings/?edition={edition.pk}"' in text


def test_the_edition_page_reads_the_same_queries_however_many_meetings(
    client, edition, assert_flat_queries
):
    assert_flat_queries(
        lambda n: MeetingFactory.create_batch(n, edition=edition),
        lambda: client.get(f"/editions/{edition.slug}/"),
    )
