"""The Atom feed of upcoming public meetings: valid Atom, soonest first, without the meetings
kept for delegates, past or cancelled ones, and without venues; offered on the meeting list."""

import xml.etree.ElementTree as ET

import feedparser
import pytest

from meetings.models import Meeting
from tests.cities.factories import PartnerCityFactory
from tests.meetings.factories import MeetingFactory, in_days
from tests.twinning.factories import EditionFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client):
    response = client.get("/meetings/upcoming.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    read = feedparser.parse(response.content)  # as a feed reader reads it
    assert not read.bozo, read.get("bozo_exception")
    assert read.version == "atom10"
    assert all(e.title and e.link and e.updated_parsed for e in read.entries)
    feed = ET.fromstring(response.content)  # noqa: S314 (the platform's own feed)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "World Cities Exchange: upcoming meetings"
    return list(feed.iter(f"{ATOM}entry"))


@pytest.fixture
def meetings(db):
    edition = EditionFactory()
    seoul = PartnerCityFactory(name="Seoul", slug="seoul", time_zone="Asia/Seoul")
    common = {"edition": edition, "host_city": seoul, "is_public": True}
    MeetingFactory(title="Closing in Busan", starts_at=in_days(40), ends_at=in_days(41), **common)
    MeetingFactory(title="Launch in Seoul", starts_at=in_days(5), ends_at=in_days(6), **common)
    MeetingFactory(title="Held last month", starts_at=in_days(-30), ends_at=in_days(-29), **common)
    MeetingFactory(
        title="Called off",
        status=Meeting.Status.CANCELLED,
        starts_at=in_days(8),
        ends_at=in_days(9),
        **common,
    )
    MeetingFactory(title="Delegates only", edition=edition, host_city=seoul, is_public=False)
    return {"edition": edition, "seoul": seoul}


def test_the_feed_lists_upcoming_public_meetings_soonest_first(client, meetings):
    found = entries(client)

    assert [e.findtext(f"{ATOM}title") for e in found] == ["Launch in Seoul", "Closing in Busan"]
    summary = found[0].findtext(f"{ATOM}summary")
    assert "Seoul" in summary
    assert "Asia/Seoul" in summary
    assert "City Hall" not in summary
    assert "Bring your badge" not in summary
    assert found[0].find(f"{ATOM}link").get("href").startswith("http://testserver/meetings/")


def test_the_feed_answers_in_a_constant_number_of_queries(client, meetings, assert_flat_queries):
    def make_rows(n):
        for _ in range(n):
            MeetingFactory(edition=meetings["edition"], host_city=meetings["seoul"], is_public=True)

    assert_flat_queries(make_rows, lambda: entries(client))


def test_the_meeting_list_offers_the_feed(client, meetings):
    page = client.get("/meetings/").content.decode()

    assert (
        '<link rel="alternate" type="application/atom+xml" title="Upcoming public meetings" '
        'href="/meetings/upcoming.atom">' in page
    )
