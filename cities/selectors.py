"""Reads of cities and the programme's taxonomy."""

from django.contrib.postgres.search import SearchRank
from django.db.models import F, Q, prefetch_related_objects
from django.shortcuts import get_object_or_404

from worldcities import textsearch

from . import extensions
from .models import City, ThematicArea


def thematic_areas_with_topics():
    return ThematicArea.objects.prefetch_related("topics")


def cities_public():
    """Every city, with its country and the columns the apps built on this one add to the
    list (``cities.extensions``: how many pairings it takes part in)."""
    annotations = {key: column.annotation() for key, column in extensions.columns.items()}
    return City.objects.select_related("country").annotate(**annotations).order_by("name")


def city_search(qs, q: str):
    """``qs`` narrowed to the cities matching ``q``: by full-text search of their name and
    profile (web-search syntax, the platform's configuration, their stored document), or by
    a part of their name or their country's (what someone typing "Bus" for Busan expects).
    Each has ``rank`` (higher is better; 0 for a match by part of a name). Keeps ``qs``'s
    order."""
    q = (q or "").strip()
    if not q:
        return qs
    query = textsearch.web_query(q)
    return qs.annotate(rank=SearchRank(F("search_document"), query)).filter(
        Q(search_document=query) | Q(name__icontains=q) | Q(country__name__icontains=q)
    )


def cities_matching(q: str, *, limit: int) -> tuple[int, list[City]]:
    """How many cities match ``q`` and the ``limit`` best, with their country (two queries).
    Every city is public."""
    matches = city_search(City.objects.all(), q)
    count = matches.count()
    rows = list(
        matches.select_related("country")
        .defer("search_document")
        .order_by("-rank", "name", "pk")[:limit]
    )
    return count, rows


def city_list_rows(page) -> list[City]:
    """The cities of a page of the list, each with ``extra_cells``: the values of the
    registered columns, in order."""
    cities = list(page.object_list)
    for city in cities:
        city.extra_cells = [getattr(city, key) for key in extensions.columns]
    return cities


def city_for_page(slug: str) -> City:
    """A city for its page, with its country and the city it is part of."""
    return get_object_or_404(City.objects.select_related("country", "parent"), slug=slug)


def city_detail_rows(city: City) -> City:
    """``city`` (with its country and parent) with the cities it groups or belongs to."""
    prefetch_related_objects([city], "members", "alliances")
    return city
