"""Reads of cities, the programme's taxonomy, the directory of people and the triple-helix
opportunities."""

from collections import defaultdict

from django.contrib.postgres.search import SearchRank
from django.db.models import Exists, F, OuterRef, Prefetch, Q, prefetch_related_objects
from django.shortcuts import get_object_or_404

from worldcities import textsearch
from worldcities.users.models import User
from worldcities.users.permissions import is_coordinator, is_delegate, is_programme_staff

from . import extensions
from .models import (
    NAME_KEY,
    City,
    Opportunity,
    OpportunityResponse,
    Organisation,
    ThematicArea,
)


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


def organisations_named(keys) -> dict[str, list[Organisation]]:
    """The organisations whose names have one of ``keys`` (``models.name_key``), by key, in
    one query that the index of the keys answers."""
    named: dict[str, list[Organisation]] = {}
    for organisation in Organisation.objects.annotate(key=NAME_KEY).filter(key__in=set(keys)):
        named.setdefault(organisation.key, []).append(organisation)
    return named


def city_for_page(slug: str) -> City:
    """A city for its page, with its country and the city it is part of."""
    return get_object_or_404(City.objects.select_related("country", "parent"), slug=slug)


def city_detail_rows(city: City) -> City:
    """``city`` (with its country and parent) with the cities it groups or belongs to."""
    prefetch_related_objects([city], "members", "alliances")
    return city


# --- The directory of people ------------------------------------------------------------------
def directory_people():
    """Everyone listed in the directory (active, not opted out), with what a row shows."""
    return (
        User.objects.filter(is_active=True, in_directory=True)
        .select_related("city__country", "organisation")
        .prefetch_related(Prefetch("interests", queryset=ThematicArea.objects.order_by("order")))
        .order_by("full_name", "pk")
    )


def directory_person(pk: int) -> User:
    """A person of the directory for their entry; anyone not listed is a 404."""
    return get_object_or_404(directory_people(), pk=pk)


def directory_cities():
    """The cities someone listed in the directory belongs to (the directory's city filter)."""
    listed = User.objects.filter(city=OuterRef("pk"), is_active=True, in_directory=True)
    return City.objects.filter(Exists(listed)).order_by("name")


# --- Triple-helix opportunities ---------------------------------------------------------------
def opportunities_listed():
    """Every opportunity with what the list shows, and ``taken_up``: how many answers the
    poster confirmed."""
    confirmed = OpportunityResponse.objects.filter(
        opportunity=OuterRef("pk"), confirmed_at__isnull=False
    )
    return (
        Opportunity.objects.select_related("organisation", "city__country")
        .prefetch_related(Prefetch("areas", queryset=ThematicArea.objects.order_by("order")))
        .annotate(taken_up=Exists(confirmed))
        .order_by("-published_at", "-pk")
    )


def opportunity_for_page(pk: int) -> Opportunity:
    """An opportunity with its areas, its poster and its answers (with who answered)."""
    responses = OpportunityResponse.objects.select_related(
        "responder", "organisation", "confirmed_by"
    ).order_by("created_at", "pk")
    return get_object_or_404(
        Opportunity.objects.select_related(
            "organisation", "city__country", "posted_by"
        ).prefetch_related(
            Prefetch("areas", queryset=ThematicArea.objects.order_by("order")),
            Prefetch("responses", queryset=responses),
        ),
        pk=pk,
    )


def organisations_postable_by(user):
    """The organisations ``user`` may post an opportunity for: their city's (a delegate), any
    organisation of a city (coordinators and programme staff)."""
    organisations = Organisation.objects.filter(city__isnull=False).select_related("city")
    if is_programme_staff(user) or is_coordinator(user):
        return organisations.order_by("name")
    if is_delegate(user):
        return organisations.filter(city_id=user.city_id).order_by("name")
    return organisations.none()


def opportunities_to_match(ids) -> list[dict]:
    """What matching needs of the opportunities ``ids`` (plain values, with ``areas``: their
    areas' ids), oldest first: two queries, and no model to build for each row."""
    rows = list(
        Opportunity.objects.filter(pk__in=ids)
        .order_by("published_at", "pk")
        .values(
            "pk",
            "direction",
            "kind",
            "title",
            "description",
            "valid_until",
            "organisation_id",
            "posted_by_id",
            organisation_name=F("organisation__name"),
            city_name=F("city__name"),
        )
    )
    areas = defaultdict(list)
    for opportunity_id, area_id in Opportunity.areas.through.objects.filter(
        opportunity_id__in=ids
    ).values_list("opportunity_id", "thematicarea_id"):
        areas[opportunity_id].append(area_id)
    for row in rows:
        row["areas"] = areas[row["pk"]]
    return rows


def opportunity_audiences(opportunities: list[dict]) -> dict[int, list[User]]:
    """For each opportunity (``opportunities_to_match``'s rows), the people to tell of it:
    active people interested in one of its areas, neither its poster nor of its organisation;
    for a need, only people of organisations of a sector that could meet it. Two queries
    however many opportunities and people."""
    area_ids = {area for opportunity in opportunities for area in opportunity["areas"]}
    interested = defaultdict(set)
    for user_id, area_id in User.interests.through.objects.filter(
        thematicarea_id__in=area_ids, user__is_active=True
    ).values_list("user_id", "thematicarea_id"):
        interested[area_id].add(user_id)
    people = {}
    if interested:
        people = {
            person.pk: person
            for person in User.objects.filter(
                pk__in=set().union(*interested.values()), is_active=True
            ).select_related("organisation")
        }
    audiences = {}
    for opportunity in opportunities:
        ids = set().union(*(interested[area] for area in opportunity["areas"]))
        ids.discard(opportunity["posted_by_id"])
        sectors = Opportunity.sectors_answering(opportunity["direction"], opportunity["kind"])
        chosen = []
        for pk in sorted(ids):
            person = people.get(pk)
            if person is None or person.organisation_id == opportunity["organisation_id"]:
                continue
            if sectors is not None and (
                person.organisation is None or person.organisation.sector not in sectors
            ):
                continue
            chosen.append(person)
        audiences[opportunity["pk"]] = chosen
    return audiences
