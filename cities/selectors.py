"""Reads of cities and the programme's taxonomy."""

from django.apps import apps
from django.db.models import (
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.http import Http404

from worldcities.fragments import cached_object

from .filters import CityFilterSet
from .models import City, ThematicArea
from .paging import filtered_list_parts


def thematic_areas_with_topics():
    return ThematicArea.objects.prefetch_related("topics")


def _pairing_count():
    """How many pairings the outer city leads or joins, on either side (a subquery)."""
    # Pairings belong to the twinning app, which builds on this one: looked up by name.
    pairing_model = apps.get_model("twinning", "Pairing")
    member_model = apps.get_model("twinning", "PairingMember")
    further = member_model.objects.filter(pairing=OuterRef("pk"), city=OuterRef(OuterRef("pk")))
    involving = pairing_model.objects.filter(
        Q(eu_lead=OuterRef("pk")) | Q(partner_lead=OuterRef("pk")) | Exists(further)
    )
    return Subquery(
        involving.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1],
        output_field=IntegerField(),
    )


def cities_public():
    """Every city, with its country and how many pairings it takes part in."""
    return (
        City.objects.select_related("country")
        .annotate(pairing_count=_pairing_count())
        .order_by("name")
    )


# The city list shows cities with their countries and how many pairings each takes part in.
CITY_LIST_SCOPES = ("cities", "twinning")


def city_list_parts(*, params) -> dict:
    """The city list's filters, results and count for ``params`` (the query string)."""
    return filtered_list_parts(
        "cities:city_list",
        params=params,
        filterset_class=CityFilterSet,
        queryset=cities_public(),
        scopes=CITY_LIST_SCOPES,
    )


def city_for_page(slug: str) -> City:
    """A city for its page, with its country and the alliance it belongs to. Cities are
    public, so it is kept in the cache until a city changes."""
    city = cached_object(
        "cities:city",
        vary=[slug],
        scopes=("cities",),
        load=lambda: City.objects.select_related("country", "parent").filter(slug=slug).first(),
    )
    if city is None:
        raise Http404
    return city


def city_detail_rows(city: City) -> City:
    """``city`` (with its country and parent) with the cities it groups or belongs to."""
    prefetch_related_objects([city], "members", "alliances")
    return city
