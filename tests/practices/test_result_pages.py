"""A page of the practice list holds the same practices, in the same order, whether its keys
were read with the facet counts (a search, nothing cached) or on their own (counts cached,
other lists): the database's own ORDER BY ... LIMIT over the filtered list is the reference."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from practices.filters import PracticeFilter
from practices.models import Practice
from practices.selectors import PAGE_SIZE, _for_cards, practice_list
from practices.services import practices_reindex
from tests.cities.factories import OrganisationFactory, ThematicAreaFactory, TopicFactory

from .factories import PartnerFactory, PracticeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hydrogen():
    """30 practices about hydrogen (in the title, the summary or the text, so ranks differ
    and tie), published on a few days (ties again), and some about something else."""
    when = timezone.now()
    where = ["title", "summary", "body"]
    for i in range(30):
        text = dict.fromkeys(where, "A project.")
        text[where[i % 3]] = f"Hydrogen pilot number {i}."
        practice = PracticeFactory(
            title=text["title"] if i % 3 == 0 else f"Project {i}",
            summary=text["summary"],
            body=text["body"],
            published_at=when - datetime.timedelta(days=i % 4),
        )
        Practice.objects.filter(pk=practice.pk).update(adoption_count=i % 5)
    for i in range(5):
        PracticeFactory(title=f"Harbour cranes {i}", summary="Cranes.", body="Cranes.")


def expected(query: str, number: int) -> list[str]:
    base = _for_cards(Practice.objects.published()).order_by("-published_at", "-pk")
    qs = PracticeFilter(QueryDict(query), queryset=base).qs
    offset = (number - 1) * PAGE_SIZE
    return list(qs.values_list("title", flat=True)[offset : offset + PAGE_SIZE])


def listed(query: str):
    page = practice_list(user=None, params=QueryDict(query))["page"]
    return page.number, [p.title for p in page.object_list]


@pytest.mark.parametrize("sort", ["", "&sort=newest", "&sort=adopted"])
def test_pages_of_a_search_follow_the_lists_order(hydrogen, sort):
    for page, number in (("1", 1), ("2", 2), ("3", 3), ("99", 3), ("x", 1), ("-2", 3)):
        query = f"q=hydrogen{sort}&page={page}"
        cache.clear()  # the counts are read with the page's keys
        first = listed(query)
        again = listed(query)  # the counts come from the cache, the keys on their own
        assert first == again == (number, expected(query, number)), query
    # Together the pages hold every match once.
    shown = [title for n in (1, 2, 3) for title in listed(f"q=hydrogen{sort}&page={n}")[1]]
    matches = Practice.objects.exclude(title__startswith="Harbour")
    assert sorted(shown) == sorted(matches.values_list("title", flat=True))


def test_a_search_matching_nothing_has_one_empty_page(hydrogen):
    cache.clear()
    assert listed("q=zeppelin&page=3") == (1, [])


def test_a_search_with_filters_pages_like_the_list(hydrogen):
    area = ThematicAreaFactory()
    for practice in Practice.objects.filter(title__startswith="Project")[:14]:
        practice.thematic_areas.add(area)
    practices_reindex(Practice.objects.all())
    for number in (1, 2):
        query = f"q=hydrogen&area={area.slug}&page={number}"
        cache.clear()
        assert listed(query) == (number, expected(query, number))
    assert len(listed(f"q=hydrogen&area={area.slug}&page=2")[1]) == 14 - PAGE_SIZE


# --- Filters on what a practice keeps on its row ------------------------------------------------
def test_filters_take_any_of_the_chosen_values():
    smart, climate, other = ThematicAreaFactory.create_batch(3)
    cycling, parks = TopicFactory.create_batch(2)
    PracticeFactory(title="Smart", thematic_areas=[smart], topics=[cycling])
    PracticeFactory(title="Climate", thematic_areas=[climate, other], topics=[parks])
    PracticeFactory(title="Other", thematic_areas=[other])
    PracticeFactory(title="None")

    def titles(query):
        return sorted(listed(query)[1])

    assert titles(f"area={smart.slug}&area={climate.slug}") == ["Climate", "Smart"]
    assert titles(f"area={other.slug}") == ["Climate", "Other"]
    assert titles(f"topic={cycling.pk}&topic={parks.pk}") == ["Climate", "Smart"]
    assert titles(f"area={other.slug}&topic={parks.pk}") == ["Climate"]


def test_sector_filter_takes_any_partner():
    research = PracticeFactory(title="Research")
    PartnerFactory(practice=research, organisation=OrganisationFactory(sector="research"))
    business = PracticeFactory(title="Business")
    PartnerFactory(practice=business, organisation=OrganisationFactory(sector="business"))
    PracticeFactory(title="Alone")
    assert sorted(listed("sector=research&sector=business")[1]) == ["Business", "Research"]
    assert listed("sector=research")[1] == ["Research"]


def test_overlap_with_no_values_matches_nothing():
    PracticeFactory(thematic_areas=[ThematicAreaFactory()])
    assert not Practice.objects.filter(area_ids__overlap=[]).exists()
    kept = Practice.objects.get().area_ids
    assert Practice.objects.filter(area_ids__overlap=[0, *kept]).exists()


def test_a_search_reads_its_page_with_the_counts(hydrogen):
    """With nothing cached, the counts and the page's keys come from one reading of the
    matches: no more queries than when the counts are kept and only the keys are read."""
    cache.clear()
    with CaptureQueriesContext(connection) as nothing_cached:
        listed("q=hydrogen&page=2")
    with CaptureQueriesContext(connection) as counts_kept:
        listed("q=hydrogen&page=2")
    assert len(nothing_cached) == len(counts_kept)
    assert sum("string_agg" in q["sql"] for q in nothing_cached) == 1
