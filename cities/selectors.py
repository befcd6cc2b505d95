"""Reads of cities and the programme's taxonomy."""

from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404

from . import extensions
from .models import City, ThematicArea


def thematic_areas_with_topics():
    return ThematicArea.objects.prefetch_related("topics")


def cities_public():
    """Every city, with its country and the columns the apps built on this one add to the
    list (``cities.extensions``: how many pairings it takes part in)."""
    annotations = {key: column.annotation() for key, column in extensions.columns.items()}
    return City.objects.select_related("country").annotate(**annotations).order_by("name")


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
