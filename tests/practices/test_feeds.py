"""The Atom feeds of newly published practices: valid Atom, newest first, only published
practices, per thematic area and per city, in a constant number of queries; and the pages that
offer them."""

import datetime
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.utils import timezone

from tests.cities.factories import CityFactory, ThematicAreaFactory
from tests.practices.factories import PracticeFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    # As a feed reader reads it: well-formed Atom 1.0, each entry with a title, link and date.
    read = feedparser.parse(response.content)
    assert not read.bozo, read.get("bozo_exception")
    assert read.version == "atom10"
    assert all(e.title and e.link and e.updated_parsed for e in read.entries)
    feed = ET.fromstring(response.content)  # noqa: S314 (the platform's own feed)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}") is not None
    return feed


def titles(feed):
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


@pytest.fixture
def practices(db):
    smart = ThematicAreaFactory(name="Smart City", slug="smart-city")
    climate = ThematicAreaFactory(name="Climate Change", slug="climate-change")
    tampere = CityFactory(name="Tampere", slug="tampere")
    busan = CityFactory(name="Busan", slug="busan")
    now = timezone.now()
    PracticeFactory(
        title="Older bike sharing",
        city=tampere,
        thematic_areas=[smart],
        published_at=now - datetime.timedelta(days=3),
    )
    PracticeFactory(
        title="Hydrogen buses",
        city=busan,
        thematic_areas=[climate],
        published_at=now - datetime.timedelta(days=1),
    )
    PracticeFactory(title="Unpublished draft", city=tampere, thematic_areas=[smart], status="draft")
    return {"smart": smart, "tampere": tampere}


def test_the_feed_of_all_practices_lists_the_published_newest_first(client, practices):
    feed = parse(client.get("/practices/feed.atom"))

    assert titles(feed) == ["Hydrogen buses", "Older bike sharing"]
    entry = next(feed.iter(f"{ATOM}entry"))
    assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/practices/")
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Busan"
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["Climate Change"]
    assert entry.findtext(f"{ATOM}summary").startswith("Busan")


def test_the_feed_of_a_thematic_area_holds_its_practices_only(client, practices):
    feed = parse(client.get("/practices/areas/smart-city/feed.atom"))

    assert titles(feed) == ["Older bike sharing"]
    assert "Smart City" in feed.findtext(f"{ATOM}title")


def test_the_feed_of_a_city_holds_its_practices_only(client, practices):
    feed = parse(client.get("/practices/cities/tampere/feed.atom"))

    assert titles(feed) == ["Older bike sharing"]
    assert "Tampere" in feed.findtext(f"{ATOM}title")


def test_a_feed_of_an_unknown_area_or_city_is_not_found(client, practices):
    assert client.get("/practices/areas/nowhere/feed.atom").status_code == 404
    assert client.get("/practices/cities/nowhere/feed.atom").status_code == 404


@pytest.mark.parametrize("url", ["/practices/feed.atom", "/practices/areas/smart-city/feed.atom"])
def test_a_feed_answers_in_a_constant_number_of_queries(
    client, practices, assert_flat_queries, url
):
    def make_rows(n):
        for _ in range(n):
            PracticeFactory(city=practices["tampere"], thematic_areas=[practices["smart"]])

    assert_flat_queries(make_rows, lambda: parse(client.get(url)))


def test_the_pages_offer_their_feeds(client, practices):
    def alternates(url):
        page = client.get(url).content.decode()
        return [
            line
            for line in page.splitlines()
            if 'rel="alternate" type="application/atom+xml"' in line
        ]

    assert any('href="/practices/feed.atom"' in line for line in alternates("/practices/"))
    assert any(
        'href="/practices/areas/smart-city/feed.atom"' in line
        for line in alternates("/practices/?area=smart-city")
    )
    assert not any("/areas/" in line for line in alternates("/practices/?area=a&area=b"))
    assert any(
        'href="/practices/cities/tampere/feed.atom"' in line
        for line in alternates("/cities/tampere/")
    )


def test_a_feed_read_in_korean_gives_the_korean_titles_and_summaries(client, practices):
    from practices.models import Practice
    from tests.practices.factories import PracticeTranslationFactory

    PracticeTranslationFactory(
        practice=Practice.objects.get(title="Hydrogen buses"),
        language="ko",
        title="수소 버스",
        summary="부산의 수소 버스.",
    )
    korean = client.get("/practices/feed.atom", HTTP_ACCEPT_LANGUAGE="ko")
    assert titles(parse(korean)) == ["수소 버스", "Older bike sharing"]
    assert "부산의 수소 버스." in korean.content.decode()
    assert titles(parse(client.get("/practices/feed.atom")))[0] == "Hydrogen buses"
