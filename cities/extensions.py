"""What the apps built on this one add to the city list: columns and filters. The cities app
knows nothing of them; each registers once, from its ``AppConfig.ready()`` (``twinning`` adds
the number of pairings a city takes part in and the filters by thematic area and edition)::

    from cities.extensions import register_city_column, register_city_filter

    register_city_column(
        "pairing_count", label=_("Pairings"), annotation=pairing_count, shows=["pairings"]
    )
    register_city_filter("edition", make=edition_filter, shows=["pairings"])

``annotation()`` gives an expression for ``City.objects.annotate``: a subquery, so that the
list keeps one query however many cities it shows. ``make()`` gives a new ``django_filters``
filter whose ``method`` is a callable ``(queryset, name, value)``. ``shows`` names the versions
(``worldcities.versions``) of what the column or the filter's choices show: the cached city
list depends on them besides ``cities``.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CityColumn:
    key: str
    label: str
    annotation: Callable
    shows: tuple[str, ...] = ()


@dataclass(frozen=True)
class CityFilter:
    key: str
    make: Callable
    shows: tuple[str, ...] = ()


columns: dict[str, CityColumn] = {}
filters: dict[str, CityFilter] = {}


def register_city_column(key: str, *, label, annotation: Callable, shows=()) -> None:
    columns[key] = CityColumn(key=key, label=label, annotation=annotation, shows=tuple(shows))


def register_city_filter(key: str, *, make: Callable, shows=()) -> None:
    filters[key] = CityFilter(key=key, make=make, shows=tuple(shows))


def city_list_shows() -> list[str]:
    """The version names of everything the city list shows."""
    names = {"cities"}
    for extension in (*columns.values(), *filters.values()):
        names.update(extension.shows)
    return sorted(names)
