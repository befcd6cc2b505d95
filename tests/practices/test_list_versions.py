"""A list filtered by an area, a topic, a city or a country keeps under the versions of the
chosen values (``practices.selectors.list_names``): a practice published, edited or moved
elsewhere leaves it cached, and shows at once on the lists it belongs to."""

import pytest
from django.http import QueryDict

from practices.selectors import practice_results_html
from practices.services import practice_publish, practice_save
from tests.cities.factories import CityFactory, ThematicAreaFactory
from tests.practices.factories import PracticeFactory

pytestmark = pytest.mark.django_db


def _list(query: str) -> str:
    return practice_results_html(params=QueryDict(query))


@pytest.fixture
def areas():
    return ThematicAreaFactory(slug="climate"), ThematicAreaFactory(slug="mobility")


def test_a_publication_elsewhere_leaves_a_filtered_list_cached(
    areas, programme_staff, django_assert_num_queries
):
    climate, mobility = areas
    PracticeFactory(title="Heat plan", thematic_areas=[climate])
    submitted = PracticeFactory(
        title="Tram lanes", thematic_areas=[mobility], status="submitted", published_at=None
    )
    for _ in range(2):  # the first rendering learns what the filter narrows to
        assert "Heat plan" in _list("area=climate")
        assert "Tram lanes" not in _list("area=mobility")

    practice_publish(practice=submitted, by=programme_staff)

    with django_assert_num_queries(0):
        assert "Heat plan" in _list("area=climate")
    assert "Tram lanes" in _list("area=mobility")
    assert "Tram lanes" in _list("")


def test_a_practice_moved_to_another_area_leaves_one_list_and_joins_the_other(areas):
    climate, mobility = areas
    practice = PracticeFactory(title="Heat plan", thematic_areas=[climate])
    for _ in range(2):
        assert "Heat plan" in _list("area=climate")
        assert "Heat plan" not in _list("area=mobility")

    practice_save(practice=practice, by=None, m2m={"thematic_areas": [mobility]})

    assert "Heat plan" not in _list("area=climate")
    assert "Heat plan" in _list("area=mobility")


def test_a_list_of_several_filters_moves_on_with_the_first_narrowing_one(
    areas, django_assert_num_queries
):
    climate, _mobility = areas
    busan, paris = CityFactory(slug="busan"), CityFactory(slug="paris")
    PracticeFactory(title="Heat plan", city=busan, thematic_areas=[climate])
    query = "area=climate&city=busan&side=partner&side=eu"
    for _ in range(2):
        assert "Heat plan" in _list(query)

    PracticeFactory(title="Cool roofs", city=paris, thematic_areas=[climate])
    with django_assert_num_queries(0):  # another city's practice: the Busan list stays
        _list(query)
    PracticeFactory(title="Sea wall", city=busan, thematic_areas=[climate])
    assert "Sea wall" in _list(query)


def test_a_filter_value_that_means_nothing_keeps_the_list_under_every_practice(areas):
    climate, _mobility = areas
    for _ in range(2):
        assert "Heat plan" not in _list("area=no-such-area")
    PracticeFactory(title="Heat plan", thematic_areas=[climate])
    # An unknown value is refused and the whole list shown: a publication anywhere shows.
    assert "Heat plan" in _list("area=no-such-area")


def test_a_renamed_area_is_read_again(areas):
    from cities.models import ThematicArea
    from worldcities import versions

    climate, mobility = areas
    PracticeFactory(title="Heat plan", thematic_areas=[climate])
    PracticeFactory(title="Tram lanes", thematic_areas=[mobility])
    for _ in range(2):
        assert "Tram lanes" not in _list("area=climate")
    ThematicArea.objects.filter(pk=climate.pk).update(slug="climate-action")
    versions.bump("cities")  # as the cities admin does
    # The old slug means nothing now: the whole list, unfiltered.
    assert "Tram lanes" in _list("area=climate")
    assert "Tram lanes" not in _list("area=climate-action")


def test_a_search_keeps_under_its_words(programme_staff, django_assert_num_queries):
    PracticeFactory(title="Hydrogen buses", summary="Buses that run on hydrogen.")
    submitted = PracticeFactory(
        title="Tram lanes", summary="Lanes kept for trams.", status="submitted", published_at=None
    )
    for _ in range(2):
        assert "Hydrogen buses" in _list("q=hydrogen")
        assert "Tram lanes" not in _list("q=trams")

    practice_publish(practice=submitted, by=programme_staff)

    with django_assert_num_queries(0):  # the new practice holds no "hydrogen"
        assert "Hydrogen buses" in _list("q=hydrogen")
    assert "Tram lanes" in _list("q=trams")  # "trams" and "tram" are one word to the search


def test_a_practice_edited_out_of_a_search_leaves_it_at_once():
    practice = PracticeFactory(title="Hydrogen buses", summary="Buses that run on hydrogen.")
    for _ in range(2):
        assert "Hydrogen buses" in _list("q=hydrogen")
    practice.title, practice.summary = "Electric buses", "Buses that run on batteries."
    practice_save(practice=practice, by=None)
    assert "Electric buses" not in _list("q=hydrogen")
    assert "Electric buses" in _list("q=batteries")


def test_a_search_of_words_left_out_only_keeps_under_every_practice():
    from practices.selectors import query_words

    # A practice found holds a word that is not left out, as one of the languages reads it:
    # only such words name the list.
    assert "hydrogen" in query_words("hydrogen -diesel")
    assert not {"diesel", "diesl"} & set(query_words("hydrogen -diesel"))
    assert query_words("-diesel") is None
    assert {"buse", "electr", "hydrogen"} <= set(query_words('hydrogen or "electric buses"'))
    for _ in range(2):
        assert "Tram lanes" not in _list("q=-diesel")
    PracticeFactory(title="Tram lanes", summary="Lanes kept for trams.")
    assert "Tram lanes" in _list("q=-diesel")


def test_after_a_publication_the_other_pages_reuse_the_facets_rendered_once(areas, programme_staff):
    from unittest import mock

    from practices import selectors

    climate, _mobility = areas
    PracticeFactory.create_batch(12, thematic_areas=[climate])
    submitted = PracticeFactory(
        title="Tram lanes", thematic_areas=[climate], status="submitted", published_at=None
    )
    for query in ("", "page=2", "sort=title"):
        _list(query)

    practice_publish(practice=submitted, by=programme_staff)

    with mock.patch.object(
        selectors, "practice_facets", wraps=selectors.practice_facets
    ) as facets_made:
        assert "Tram lanes" in _list("")
        for query in ("page=2", "sort=title"):
            html = _list(query)
            # The count and the area's facet include the new practice...
            assert "13 practices" in html
            assert 'value="climate">' in html and "(13)" in html
    # ...made once for every page and order of the list.
    assert facets_made.call_count == 1
