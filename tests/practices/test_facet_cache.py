"""The practice list's facet counts are kept per filter combination under the version of the
published practices (``practices:published``): every service that can change a count moves it
on, and nothing else does."""

import functools

import pytest
from django.http import QueryDict

from practices.selectors import practice_list
from tests.cities.factories import CityFactory, ThematicAreaFactory
from tests.practices.factories import KeyFigureFactory, PracticeFactory

pytestmark = pytest.mark.django_db


def _counts(query=""):
    result = practice_list(user=None, params=QueryDict(query))
    facets = {f["name"]: {o["value"]: o["count"] for o in f["options"]} for f in result["facets"]}
    return facets, result["page"].paginator.count


def test_counts_come_from_the_cache_until_a_practice_changes(django_assert_num_queries):
    area = ThematicAreaFactory(name="Smart City", slug="smart-city")
    city = CityFactory(slug="busan")
    PracticeFactory(city=city, thematic_areas=[area])
    facets, total = _counts()
    assert (facets["area"], total) == ({"smart-city": 1}, 1)

    with django_assert_num_queries(2):  # the page's keys, its rows with their areas: no count
        assert _counts("page=1") == (facets, total)

    PracticeFactory(city=city, thematic_areas=[area])
    facets, total = _counts()
    assert (facets["area"], facets["city"], total) == ({"smart-city": 2}, {"busan": 2}, 2)


def test_a_page_of_cards_keeps_its_count_until_a_publication(
    django_assert_num_queries, programme_staff
):
    from practices.services import practice_publish

    PracticeFactory()
    submitted = PracticeFactory(status="submitted")
    cards = functools.partial(practice_list, user=None, params=QueryDict("page=1"), facets=False)
    assert cards()["page"].paginator.count == 1

    with django_assert_num_queries(2):  # the page's keys, its rows: the count is kept
        assert cards()["page"].paginator.count == 1

    practice_publish(practice=submitted, by=programme_staff)
    assert cards()["page"].paginator.count == 2


def test_an_archived_practice_leaves_the_counts(programme_staff):
    from practices.services import practice_archive

    first = PracticeFactory()
    PracticeFactory()
    assert _counts()[1] == 2
    practice_archive(practice=first, by=programme_staff)
    assert _counts()[1] == 1


def test_key_figures_added_later_are_counted():
    practice = PracticeFactory()
    assert "true" not in _counts()[0]["figures"]
    KeyFigureFactory(practice=practice)
    assert _counts()[0]["figures"] == {"true": 1}


def test_the_area_of_a_practice_changed_later_is_counted():
    from practices.services import practice_save

    practice = PracticeFactory(thematic_areas=[])
    assert _counts()[0]["area"] == {}
    practice_save(
        practice=practice, by=None, m2m={"thematic_areas": [ThematicAreaFactory(slug="climate")]}
    )
    assert _counts()[0]["area"] == {"climate": 1}
    assert _counts("area=climate")[1] == 1


def test_a_facet_of_many_values_shows_those_with_most_results():
    from practices import selectors

    many = [PracticeFactory(city=CityFactory(slug=f"city-{i:02}")) for i in range(3)]
    PracticeFactory(city=many[0].city)
    original = selectors.FACET_OPTIONS_SHOWN
    selectors.FACET_OPTIONS_SHOWN = 1
    try:
        facet = next(
            f
            for f in practice_list(user=None, params=QueryDict(""))["facets"]
            if f["name"] == "city"
        )
    finally:
        selectors.FACET_OPTIONS_SHOWN = original
    assert [o["value"] for o in facet["options"]] == ["city-00"]
    assert facet["hidden"] == 2


def test_a_chosen_value_stays_in_a_shortened_facet_in_its_usual_place(monkeypatch):
    from practices import selectors

    cities = [CityFactory(slug=f"city-{i:02}", name=f"City {i:02}") for i in range(4)]
    for city, practices in zip(cities, [1, 3, 1, 2], strict=True):
        for _ in range(practices):
            PracticeFactory(city=city)
    monkeypatch.setattr(selectors, "FACET_OPTIONS_SHOWN", 2)

    def city_facet(query):
        facets = practice_list(user=None, params=QueryDict(query))["facets"]
        return next(f for f in facets if f["name"] == "city")

    facet = city_facet("")
    assert [(o["value"], o["count"]) for o in facet["options"]] == [("city-01", 3), ("city-03", 2)]
    assert facet["hidden"] == 2
    # A chosen value with few results is kept, checked, where it stands in the usual order.
    facet = selectors._facet("city", "City", [("a", 1), ("b", 3), ("c", 1), ("d", 2)], {"c"})
    assert [(o["value"], o["checked"]) for o in facet["options"]] == [
        ("b", False),
        ("c", True),
        ("d", False),
    ]
    assert facet["hidden"] == 1


def test_a_question_a_follow_or_an_interest_leaves_the_counts_cached(
    delegate, partner_delegate, django_assert_num_queries
):
    from practices.services import comment_create, follow_toggle, practice_transfer_set

    practice = PracticeFactory(city=delegate.city)
    _counts()
    comment_create(practice=practice, by=partner_delegate, body="How?")
    follow_toggle(user=partner_delegate, practice=practice)
    practice_transfer_set(practice=practice, by=partner_delegate, status="interested")
    with django_assert_num_queries(2):  # the page's keys, its rows and areas: counts stayed
        _counts("page=1")


def test_the_counts_add_up_per_value_and_per_country():
    from cities.models import Organisation
    from tests.cities.factories import CountryFactory
    from tests.practices.factories import PartnerFactory

    korea = CountryFactory(code="KR", name="Republic of Korea", eu_joined=None)
    busan, seoul = (
        CityFactory(slug="busan", country=korea),
        CityFactory(slug="seoul", country=korea),
    )
    smart, climate = ThematicAreaFactory(slug="smart-city"), ThematicAreaFactory(slug="climate")
    first = PracticeFactory(city=busan, thematic_areas=[smart, climate])
    PracticeFactory(city=seoul, thematic_areas=[smart])
    PartnerFactory(practice=first)
    PartnerFactory(practice=first)  # two partners of one sector count the practice once
    facets, total = _counts()
    assert total == 2
    assert facets["area"] == {"smart-city": 2, "climate": 1}
    assert facets["country"] == {"KR": 2}
    assert facets["city"] == {"busan": 1, "seoul": 1}
    assert facets["sector"] == {Organisation.Sector.GOVERNMENT.value: 1}
