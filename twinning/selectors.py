"""Reads of editions, pairings and action plans, narrowed to what the reader may see or
change. Views load objects only through these querysets."""

import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchRank
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    TextField,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, JSONObject
from django.shortcuts import get_object_or_404

from cities.models import City, ThematicArea, Topic
from worldcities import textsearch
from worldcities.users.permissions import is_coordinator, is_delegate, is_programme_staff
from worldcities.users.services import PEOPLE

from .links import action_link_prefetches, links_of
from .models import (
    Action,
    ActionProgressUpdate,
    Edition,
    Milestone,
    Pairing,
    PairingMember,
    PairingStatusChange,
)
from .permissions import coordinates_edition


def editions_for_home():
    return (
        Edition.objects.prefetch_related("partner_countries")
        .annotate(
            pairing_count=Count("pairings", filter=~Q(pairings__status=Pairing.Status.WITHDRAWN))
        )
        .order_by("-start_date", "name")
    )


# --- Pairings -----------------------------------------------------------------------------------
def _members_prefetch():
    return Prefetch(
        "members",
        queryset=PairingMember.objects.select_related("city__country").order_by(
            "side", "city__name"
        ),
    )


def pairings_public():
    """Every pairing, public to all, with what a list shows of it."""
    return Pairing.objects.select_related(
        "edition", "eu_lead__country", "partner_lead__country"
    ).prefetch_related("thematic_areas", _members_prefetch())


def pairings_for_list():
    return pairings_public().order_by("-edition__start_date", "edition__name", "partner_lead__name")


def pairing_search(qs, q: str):
    """``qs`` narrowed to the pairings matching ``q`` (web-search syntax, the platform's
    configuration): by full-text search of their lead cities' names with their topics in the
    cities' words and their objectives, or of one of their actions' title and description;
    or by a part of a member city's name. All of it is read from stored documents (the
    pairing's, its lead cities', its actions'), so no row's text is parsed. Each has ``rank``
    (higher is better; 0 for a match through an action or by part of a name). Keeps
    ``qs``'s order; each pairing once."""
    q = (q or "").strip()
    if not q:
        return qs
    query = textsearch.web_query(q)
    document = textsearch.joined(
        F("search_document"),
        textsearch.names_in(F("eu_lead__search_document")),
        textsearch.names_in(F("partner_lead__search_document")),
    )
    by_action = Action.objects.filter(pairing=OuterRef("pk"), search_document=query)
    further = PairingMember.objects.filter(pairing=OuterRef("pk"), city__name__icontains=q)
    return qs.annotate(document=document, rank=SearchRank(F("document"), query)).filter(
        Q(document=query)
        | Exists(by_action)
        | Q(eu_lead__name__icontains=q)
        | Q(partner_lead__name__icontains=q)
        | Exists(further)
    )


def pairings_matching(q: str, *, limit: int) -> tuple[int, list[Pairing]]:
    """How many pairings match ``q`` and the ``limit`` best, with their edition and lead
    cities (two queries). Every pairing is public, and so is its action plan."""
    matches = pairing_search(Pairing.objects.all(), q)
    count = matches.count()
    rows = list(
        matches.select_related("edition", "eu_lead", "partner_lead")
        .defer("search_document", "eu_lead__search_document", "partner_lead__search_document")
        .order_by("-rank", "-edition__start_date", "partner_lead__name", "pk")[:limit]
    )
    return count, rows


def pairing_for_page(slug: str, reader=None) -> Pairing:
    """A pairing for its page, with its edition and leads: enough for its title, for what its
    page depends on (``pairing_page_shows``) and for the rules, whose questions about the
    ``reader`` come with it: the ids of its further member cities (asked for a delegate),
    and whether a coordinator coordinates its edition. ``pairing_for_parts`` reads what its
    page's parts show."""
    further = PairingMember.objects.filter(pairing=OuterRef("pk")).order_by().values("city_id")
    pairings = Pairing.objects.select_related(
        "edition", "eu_lead__country", "partner_lead__country"
    ).annotate(further_member_ids=ArraySubquery(further))
    if reader is not None and is_coordinator(reader):
        coordinators = Edition.coordinators.through.objects.filter(
            edition_id=OuterRef("edition_id"), user_id=reader.pk
        )
        pairings = pairings.annotate(reader_coordinates=Exists(coordinators))
    pairing = get_object_or_404(pairings, slug=slug)
    if hasattr(pairing, "reader_coordinates"):
        coordinates_edition(reader)[pairing.edition_id] = pairing.reader_coordinates
    return pairing


def pairing_for_change(slug: str) -> Pairing:
    """A pairing whose action plan someone changes: with its edition and members, which the
    permission rules read, and nothing else."""
    return get_object_or_404(
        Pairing.objects.select_related("edition", "eu_lead", "partner_lead").prefetch_related(
            "members"
        ),
        slug=slug,
    )


def pairing_with_memorandum(slug: str) -> Pairing:
    return get_object_or_404(Pairing.objects.only("slug", "mou_document"), slug=slug)


def pairing_page_shows(pairing: Pairing) -> list[str]:
    """The version names of what a pairing's page shows: the pairing itself (its members,
    topics, plan and history), its edition (name and cycle), and the names of the places,
    organisations and themes it shows (``cities``), and of people (owners, who changed the
    status: ``people``)."""
    return [f"pairing:{pairing.pk}", f"edition:{pairing.edition_id}", "cities", PEOPLE]


def pairing_for_parts(slug: str) -> Pairing:
    """The pairing as ``pairing_for_page`` reads it, with what its head shows of its themes
    and its edition's cycle read in the same query: the names of its thematic areas
    (``area_names``), its topics as ``{"area", "name"}`` (``topic_names``), each in their
    order, and the edition's milestones (``milestone_rows``). For its page's parts:
    ``pairing_detail_rows`` adds the rest."""
    areas = (
        ThematicArea.objects.filter(pairings=OuterRef("pk"))
        .order_by("order", "name")
        .values("name")
    )
    topics = (
        Topic.objects.filter(pairings=OuterRef("pk"))
        .order_by("area__order", "order", "name")
        .values(row=JSONObject(area="area__name", name="name"))
    )
    milestones = (
        Milestone.objects.filter(edition=OuterRef("edition_id"))
        .order_by("order", "start_date", "pk")
        .values(
            row=JSONObject(
                id="pk",
                kind="kind",
                title="title",
                start_date="start_date",
                end_date="end_date",
                order="order",
            )
        )
    )
    further = PairingMember.objects.filter(pairing=OuterRef("pk")).order_by().values("city_id")
    return get_object_or_404(
        Pairing.objects.select_related("edition", "eu_lead__country", "partner_lead__country")
        .annotate(further_member_ids=ArraySubquery(further))
        .annotate(area_names=ArraySubquery(areas))
        .annotate(topic_names=ArraySubquery(topics))
        .annotate(milestone_rows=ArraySubquery(milestones)),
        slug=slug,
    )


def pairing_detail_rows(pairing: Pairing) -> Pairing:
    """``pairing`` (from ``pairing_for_parts``) with the rest of what its page shows, in a
    fixed number of queries: members, the status history (its themes and its edition's cycle
    came with it: ``milestones`` holds the cycle)."""
    prefetch_related_objects(
        [pairing],
        _members_prefetch(),
        Prefetch(
            "status_changes",
            queryset=PairingStatusChange.objects.select_related("changed_by").order_by(
                "-changed_at", "-id"
            ),
        ),
    )
    pairing.milestones = [
        Milestone(
            edition_id=pairing.edition_id,
            **{
                **row,
                "start_date": _day(row["start_date"]),
                "end_date": _day(row["end_date"]),
            },
        )
        for row in pairing.milestone_rows
    ]
    return pairing


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def pairing_actions(pairing: Pairing) -> list[Action]:
    """The pairing's action plan, in order of due date, each action with ``links``: what the
    apps built on this one link to it (``twinning.links``: the meetings that agreed it, the
    published practices that came from it)."""
    actions = list(
        Action.objects.filter(pairing=pairing)
        .select_related("owner_organisation", "owner_person")
        .prefetch_related(_progress_updates_prefetch(), *action_link_prefetches())
        .order_by("due_date", "id")
    )
    for action in actions:
        action.links = links_of(action)
    return actions


def _progress_updates_prefetch(to_attr: str = "updates") -> Prefetch:
    """An action's progress history, newest first, with who wrote each update: the first
    is the latest (``latest_update``)."""
    return Prefetch(
        "progress_updates",
        queryset=ActionProgressUpdate.objects.select_related("author").order_by(
            "-created_at", "-id"
        ),
        to_attr=to_attr,
    )


def action_progress_history(action: Action) -> list[ActionProgressUpdate]:
    """The progress history of one action, newest first, with who wrote each update."""
    return list(
        ActionProgressUpdate.objects.filter(action=action)
        .select_related("author")
        .order_by("-created_at", "-id")
    )


def actions_with_latest_update(actions):
    """``actions`` (a queryset) annotated with their latest progress update's note and time
    (``latest_note``, ``latest_update_at``; empty and None without one): what reports show."""
    latest = ActionProgressUpdate.objects.filter(action=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    return actions.annotate(
        latest_note=Coalesce(
            Subquery(latest.values("note")[:1]), Value(""), output_field=TextField()
        ),
        latest_update_at=Subquery(latest.values("created_at")[:1]),
    )


def pairings_of_city(city):
    """The pairings a city leads or joins, on either side, with what the city page shows of
    them (their edition, leads and thematic areas)."""
    further = PairingMember.objects.filter(pairing=OuterRef("pk"), city=city)
    return (
        Pairing.objects.select_related("edition", "eu_lead", "partner_lead")
        .prefetch_related("thematic_areas")
        .filter(Q(eu_lead=city) | Q(partner_lead=city) | Exists(further))
        .order_by("-edition__start_date", "partner_lead__name")
    )


def pairing_count_of_city():
    """How many pairings the outer city leads or joins, on either side (a subquery: the city
    list's column)."""
    further = PairingMember.objects.filter(pairing=OuterRef("pk"), city=OuterRef(OuterRef("pk")))
    involving = Pairing.objects.filter(
        Q(eu_lead=OuterRef("pk")) | Q(partner_lead=OuterRef("pk")) | Exists(further)
    )
    return Subquery(
        involving.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1],
        output_field=IntegerField(),
    )


# --- Action plans: who may change what -----------------------------------------------------------
def actions_manageable_by(user):
    """Actions the user may add, edit and delete: staff all, coordinators their editions'."""
    if is_programme_staff(user):
        return Action.objects.all()
    if is_coordinator(user):
        return Action.objects.filter(pairing__edition__coordinators=user)
    return Action.objects.none()


def actions_progress_updatable_by(user):
    """Actions whose status and progress the user may update: those they manage, and for a
    delegate, those of the pairings their city is a member of (on either side)."""
    if is_delegate(user):
        further = PairingMember.objects.filter(pairing=OuterRef("pairing"), city=user.city_id)
        return Action.objects.filter(
            Q(pairing__eu_lead=user.city_id)
            | Q(pairing__partner_lead=user.city_id)
            | Exists(further)
        )
    return actions_manageable_by(user)


# --- Editions -----------------------------------------------------------------------------------
def editions_public():
    return Edition.objects.prefetch_related("partner_countries").order_by("-start_date", "name")


def edition_for_detail():
    return Edition.objects.prefetch_related(
        "partner_countries",
        "implementing_partners",
        Prefetch("milestones", queryset=Milestone.objects.order_by("order", "start_date")),
    )


def edition_pairings(edition: Edition):
    return (
        pairings_public()
        .filter(edition=edition)
        .annotate(
            action_count=Count("actions", distinct=True),
            actions_done=Count(
                "actions", filter=Q(actions__status=Action.Status.DONE), distinct=True
            ),
        )
        .order_by("partner_lead__name")
    )


def edition_figures(edition: Edition) -> dict:
    """The edition's headline counts, in three queries however large it is."""
    pairings = Pairing.objects.filter(edition=edition)
    live = pairings.exclude(status=Pairing.Status.WITHDRAWN)
    member_of_live = PairingMember.objects.filter(pairing__in=live, city=OuterRef("pk"))
    cities = City.objects.filter(
        Q(eu_lead_pairings__in=live) | Q(partner_lead_pairings__in=live) | Exists(member_of_live)
    ).distinct()
    city_figures = cities.aggregate(
        cities=Count("pk", distinct=True), countries=Count("country", distinct=True)
    )
    action_figures = Action.objects.filter(pairing__in=live).aggregate(
        actions=Count("pk"),
        done=Count("pk", filter=Q(status=Action.Status.DONE)),
        progress=Avg("progress", filter=~Q(status=Action.Status.DROPPED)),
    )
    return {
        "pairings": live.count(),
        "cities": city_figures["cities"],
        "countries": city_figures["countries"],
        "actions": action_figures["actions"],
        "actions_done": action_figures["done"],
        "average_progress": round(action_figures["progress"] or 0),
    }
