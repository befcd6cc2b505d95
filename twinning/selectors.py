"""Reads of editions, pairings and action plans, narrowed to what the reader may see or
change. Views load objects only through these querysets."""

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.http import Http404

from cities.models import City, Topic
from cities.paging import filtered_list_parts
from worldcities.fragments import cached_object, cached_parts
from worldcities.users.permissions import is_coordinator, is_delegate, is_programme_staff

from .filters import PairingFilterSet
from .models import Action, Edition, Milestone, Pairing, PairingMember, PairingStatusChange


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


def _detail_prefetches():
    return [
        Prefetch("topics", queryset=_topics_queryset()),
        Prefetch("edition__milestones", queryset=Milestone.objects.order_by("order", "start_date")),
        Prefetch(
            "status_changes",
            queryset=PairingStatusChange.objects.select_related("changed_by").order_by(
                "-changed_at", "-id"
            ),
        ),
    ]


def pairing_for_detail():
    """A pairing with everything its page shows, in a fixed number of queries."""
    return pairings_public().prefetch_related(*_detail_prefetches())


# The pairing page shows the pairing's cities, its actions with the meetings and practices
# linked to them, and the people who changed its status.
PAIRING_PAGE_SCOPES = ("twinning", "cities", "practices", "meetings", "users")
PAIRING_SCOPES = ("twinning", "cities")


def pairing_list_parts(*, params) -> dict:
    """The pairing list's filters, results and count for ``params`` (the query string)."""
    return filtered_list_parts(
        "twinning:pairing_list",
        params=params,
        filterset_class=PairingFilterSet,
        queryset=pairings_for_list(),
        scopes=PAIRING_SCOPES,
    )


def pairing_for_page(slug: str) -> Pairing:
    """A pairing for its page, with its edition, leads and members: enough to decide what the
    reader may do (and, when its parts must be rendered, ``pairing_detail_rows`` adds theirs).
    Pairings are public, so it is kept in the cache until a pairing or city changes; write
    paths load it afresh."""

    def load():
        pairing = (
            Pairing.objects.select_related("edition", "eu_lead__country", "partner_lead__country")
            .filter(slug=slug)
            .first()
        )
        if pairing is not None:
            prefetch_related_objects([pairing], _members_prefetch())
        return pairing

    pairing = cached_object("twinning:pairing", vary=[slug], scopes=PAIRING_SCOPES, load=load)
    if pairing is None:
        raise Http404
    return pairing


def pairing_detail_rows(pairing: Pairing) -> Pairing:
    """``pairing`` (from ``pairing_for_page``) with what its page shows, in a fixed number of
    queries: ``pairing_for_detail``'s rows, prefetched on the same object."""
    prefetch_related_objects(
        [pairing],
        "thematic_areas",
        _members_prefetch(),
        *_detail_prefetches(),
    )
    return pairing


def pairing_parts(pairing: Pairing, *, can_manage: bool, can_update_progress: bool) -> dict:
    """The pairing page's own parts (cached; rendered from the full rows only when needed).
    The action plan shows buttons by two permissions: they are part of the key."""

    def context():
        full = pairing_detail_rows(pairing)
        return {
            "pairing": full,
            "sides": full.sides(),
            "actions": pairing_actions(full),
            "can_manage": can_manage,
            "can_update_progress": can_update_progress,
        }

    return cached_parts(
        "twinning:pairing",
        vary=[pairing.pk, can_manage, can_update_progress],
        scopes=PAIRING_PAGE_SCOPES,
        templates={
            part: f"twinning/fragments/pairing_{part}.html" for part in ("head", "plan", "history")
        },
        context=context,
    )


def _topics_queryset():
    return Topic.objects.select_related("area").order_by("area__order", "order", "name")


def pairing_actions(pairing: Pairing):
    """The pairing's action plan, in order of due date, with the meetings that decided each
    action and the published practices linked to it (the apps built on this one add them)."""
    from django.apps import apps
    from django.db.models import Prefetch

    published = apps.get_model("practices", "Practice").objects.published().only("title", "slug")
    return (
        Action.objects.filter(pairing=pairing)
        .select_related("owner_organisation", "owner_person")
        .prefetch_related(
            Prefetch(
                "meetings", queryset=apps.get_model("meetings", "Meeting").objects.only("title")
            ),
            Prefetch("practices", queryset=published),
        )
        .order_by("due_date", "id")
    )


def pairings_of_city(city):
    """The pairings a city leads or joins, on either side."""
    further = PairingMember.objects.filter(pairing=OuterRef("pk"), city=city)
    return (
        pairings_public()
        .filter(Q(eu_lead=city) | Q(partner_lead=city) | Exists(further))
        .order_by("-edition__start_date", "partner_lead__name")
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
