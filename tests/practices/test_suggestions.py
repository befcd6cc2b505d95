"""Suggestions from the practices side: the experience matchmaking reads, "Similar
practices" on a practice page and "Cities like yours" on a delegate's workspace."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from practices import selectors
from practices.models import Practice
from practices.selectors import experience_of_cities, similar_practices
from tests.cities.factories import (
    CityFactory,
    PartnerCityFactory,
    ThematicAreaFactory,
    TopicFactory,
)
from tests.practices.factories import PracticeFactory
from tests.twinning.factories import EditionCityFactory
from twinning.matching import experience_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def taxonomy():
    energy = ThematicAreaFactory(name="Green energy", slug="green-energy")
    water = ThematicAreaFactory(name="Water", slug="water")
    return {
        "energy": energy,
        "water": water,
        "hydrogen": TopicFactory(area=energy, name="Hydrogen", slug="hydrogen"),
        "solar": TopicFactory(area=energy, name="Solar roofs", slug="solar"),
        "rain": TopicFactory(area=water, name="Rainwater", slug="rain"),
    }


def test_experience_names_the_most_taken_up_practice_per_topic(taxonomy):
    busan = PartnerCityFactory(name="Busan")
    PracticeFactory(city=busan, title="Hydrogen taxis", topics=[taxonomy["hydrogen"]])
    best = PracticeFactory(
        city=busan,
        title="Hydrogen bus fleet",
        thematic_areas=[taxonomy["energy"]],
        topics=[taxonomy["hydrogen"]],
    )
    Practice.objects.filter(pk=best.pk).update(adoption_count=3)
    PracticeFactory(
        city=busan, title="Draft", topics=[taxonomy["solar"]], status=Practice.Status.DRAFT
    )
    found = experience_of([busan.pk])[busan.pk]
    example = found.topics[taxonomy["hydrogen"].pk]
    assert (example.title, example.count, example.label) == ("Hydrogen bus fleet", 2, "Hydrogen")
    assert example.url == best.get_absolute_url()
    assert taxonomy["solar"].pk not in found.topics  # a draft is no experience
    assert found.areas[taxonomy["energy"].pk].title == "Hydrogen bus fleet"


def test_experience_is_read_in_one_query(taxonomy):
    cities = [CityFactory() for _ in range(5)]
    for city in cities:
        PracticeFactory(city=city, topics=[taxonomy["rain"]], thematic_areas=[taxonomy["water"]])
    with CaptureQueriesContext(connection) as captured:
        found = experience_of_cities([c.pk for c in cities])
    assert len(captured) == 1
    assert len(found) == 5


def test_similar_practices_share_topics_first(taxonomy, client):
    energy, hydrogen, solar = taxonomy["energy"], taxonomy["hydrogen"], taxonomy["solar"]
    practice = PracticeFactory(
        title="Hydrogen buses", thematic_areas=[energy], topics=[hydrogen, solar]
    )
    both = PracticeFactory(
        title="Solar hydrogen", thematic_areas=[energy], topics=[hydrogen, solar]
    )
    one = PracticeFactory(title="Hydrogen taxis", thematic_areas=[energy], topics=[hydrogen])
    PracticeFactory(
        title="Rain gardens", thematic_areas=[taxonomy["water"]], topics=[taxonomy["rain"]]
    )
    PracticeFactory(title="Unpublished hydrogen", topics=[hydrogen], status=Practice.Status.DRAFT)
    found = similar_practices(Practice.objects.get(pk=practice.pk))
    assert [p.title for p in found] == [both.title, one.title]
    assert found[0].shared_topics == ["Hydrogen", "Solar roofs"]
    html = client.get(practice.get_absolute_url()).content.decode()
    assert "Similar practices" in html
    assert "Shares the topics Hydrogen, Solar roofs" in html
    assert "Rain gardens" not in html and "Unpublished hydrogen" not in html


def test_similar_practices_follow_a_new_publication(taxonomy, client):
    practice = PracticeFactory(title="Hydrogen buses", topics=[taxonomy["hydrogen"]])
    assert "Similar practices" not in client.get(practice.get_absolute_url()).content.decode()
    PracticeFactory(title="Hydrogen ferries", topics=[taxonomy["hydrogen"]])
    html = client.get(practice.get_absolute_url()).content.decode()
    assert "Hydrogen ferries" in html


def published(title, days_ago, topics, areas=()):
    """A practice published ``days_ago`` days ago, holding ``topics`` and ``areas``."""
    return PracticeFactory(
        title=title,
        topics=topics,
        thematic_areas=list(areas),
        published_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def test_similar_practices_rank_by_what_they_share_then_the_latest(taxonomy):
    energy, water = taxonomy["energy"], taxonomy["water"]
    hydrogen, solar, rain = taxonomy["hydrogen"], taxonomy["solar"], taxonomy["rain"]
    practice = published("Hydrogen buses", 0, [hydrogen, solar], [energy])
    published("Older solar hydrogen", 10, [hydrogen, solar], [energy])
    published("Newer solar hydrogen", 1, [hydrogen, solar], [energy])
    published("Hydrogen taxis", 2, [hydrogen], [energy])
    published("Solar rain barrels", 3, [solar, rain], [energy, water])
    published("Solar street lights", 5, [solar], [energy])
    published("Hydrogen without an area", 0, [hydrogen], [water])
    found = similar_practices(Practice.objects.get(pk=practice.pk))
    # Two topics and the area, then one topic and the area (the latest two of three).
    assert [(p.title, p.points) for p in found] == [
        ("Newer solar hydrogen", 8.0),
        ("Older solar hydrogen", 8.0),
        ("Hydrogen taxis", 5.0),
        ("Solar rain barrels", 5.0),
    ]
    assert found[3].shared_topics == ["Solar roofs"]
    assert found[3].shared_areas == ["Green energy"]
    assert found[3].city.name and found[3].city.country.name


@pytest.mark.parametrize(
    ("recent_topic", "expected"),
    [
        # None of the latest shares a topic: the latest sharing one are looked for further
        # back, and among them the one holding both.
        ("rain", ["Old solar hydrogen", "Old hydrogen ferries"]),
        # The latest share a topic, none both: the one holding both is looked for further
        # back; an older one sharing one topic is not, as enough recent ones do.
        ("hydrogen", ["Old solar hydrogen", "Recent 0", "Recent 1", "Recent 2"]),
    ],
)
def test_similar_practices_reach_past_the_latest_when_too_few_of_them_qualify(
    taxonomy, monkeypatch, recent_topic, expected
):
    hydrogen, solar = taxonomy["hydrogen"], taxonomy["solar"]
    monkeypatch.setattr(selectors, "SIMILAR_RECENT", 4)
    practice = published("Hydrogen buses", 30, [hydrogen, solar])
    published("Old solar hydrogen", 20, [hydrogen, solar])
    published("Old hydrogen ferries", 10, [hydrogen])
    for day in range(4):
        published(f"Recent {day}", day, [taxonomy[recent_topic]])
    found = similar_practices(Practice.objects.get(pk=practice.pk))
    assert [p.title for p in found] == expected


def test_similar_practices_of_a_practice_without_topics_share_its_areas(taxonomy):
    energy, water = taxonomy["energy"], taxonomy["water"]
    practice = PracticeFactory(title="Energy audits", thematic_areas=[energy, water])
    PracticeFactory(title="Hydrogen taxis", thematic_areas=[energy], topics=[taxonomy["hydrogen"]])
    PracticeFactory(title="Wells and wind", thematic_areas=[energy, water])
    PracticeFactory(title="Archived rain", thematic_areas=[water], status=Practice.Status.ARCHIVED)
    found = similar_practices(Practice.objects.get(pk=practice.pk))
    assert [(p.title, p.shared_areas) for p in found] == [
        ("Wells and wind", ["Green energy", "Water"]),
        ("Hydrogen taxis", ["Green energy"]),
    ]
    assert found[1].shared_topics == []


def test_similar_practices_are_read_in_one_query_however_many(taxonomy, assert_flat_queries):
    hydrogen, solar = taxonomy["hydrogen"], taxonomy["solar"]
    practice = PracticeFactory(topics=[hydrogen, solar], thematic_areas=[taxonomy["energy"]])
    practice = Practice.objects.get(pk=practice.pk)

    def make_rows(n):
        for i in range(n):
            PracticeFactory(topics=[hydrogen, solar][: 1 + i % 2])

    assert assert_flat_queries(make_rows, lambda: similar_practices(practice), large=8) == 1


def test_a_practice_in_no_area_has_no_similar_practices(taxonomy):
    practice = PracticeFactory()
    PracticeFactory(topics=[taxonomy["hydrogen"]])
    assert similar_practices(Practice.objects.get(pk=practice.pk)) == []


def test_cities_like_yours_on_the_workspace(taxonomy, client_for, delegate, edition):
    tampere = delegate.city
    mine = EditionCityFactory(edition=edition, city=tampere, goals="Hydrogen for the buses.")
    mine.thematic_areas.set([taxonomy["energy"]])
    alike = EditionCityFactory(
        edition=edition, city=CityFactory(name="Aalborg"), goals="Hydrogen for ferries."
    )
    alike.thematic_areas.set([taxonomy["energy"]])
    unlike = EditionCityFactory(edition=edition, city=CityFactory(name="Porto"), goals="Rain.")
    unlike.thematic_areas.set([taxonomy["water"]])
    # A city's practices say what it works on too.
    PracticeFactory(
        city=PartnerCityFactory(name="Busan"),
        thematic_areas=[taxonomy["energy"]],
        topics=[taxonomy["hydrogen"]],
    )
    EditionCityFactory(edition=edition, city=Practice.objects.get().city, goals="")
    html = client_for(delegate).get(reverse("practices:workspace")).content.decode()
    assert "Cities like Tampere" in html
    assert "Aalborg" in html and "Both want Green energy" in html
    assert "“hydrogen”" in html
    assert "Busan" in html
    assert "Porto" not in html


def test_cities_like_yours_reads_a_fixed_number_of_queries(taxonomy, client_for, delegate, edition):
    def queries():
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client_for(delegate).get(reverse("practices:workspace"))
        return len(captured)

    mine = EditionCityFactory(edition=edition, city=delegate.city, goals="Hydrogen")
    mine.thematic_areas.set([taxonomy["energy"]])
    queries()  # the first request of a test reads what later ones find in memory
    few = queries()
    for i in range(6):
        row = EditionCityFactory(edition=edition, city=CityFactory(name=f"Like {i}"), goals="x")
        row.thematic_areas.set([taxonomy["energy"]])
        PracticeFactory(city=row.city, topics=[taxonomy["hydrogen"]])
    assert queries() == few


def test_a_city_with_nothing_to_compare_is_told_so(client_for, delegate):
    html = client_for(delegate).get(reverse("practices:workspace")).content.decode()
    assert "No city like yours yet" in html
