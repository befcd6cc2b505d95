"""Reads of editions, pairings and action plans, narrowed to what the reader may see or
change. Views load objects only through these querysets."""

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
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from cities.models import City, ThematicArea, Topic
from worldcities import textsearch
from worldcities.users.models import Role, User
from worldcities.users.permissions import is_coordinator, is_delegate, is_programme_staff
from worldcities.users.services import PEOPLE

from .links import action_link_prefetches, links_of
from .models import (
    Action,
    ActionProgressUpdate,
    Document,
    DocumentVersion,
    Edition,
    Message,
    Milestone,
    Pairing,
    PairingMember,
    PairingStatusChange,
    Thread,
    ThreadRead,
)


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


def pairing_for_page(slug: str) -> Pairing:
    """A pairing for its page, with its edition and leads: enough for its title, for what its
    page depends on (``pairing_page_shows``) and for the rules (which read its members only
    for a delegate). ``pairing_detail_rows`` adds the rest when the page must be rendered."""
    return get_object_or_404(
        Pairing.objects.select_related("edition", "eu_lead__country", "partner_lead__country"),
        slug=slug,
    )


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


def pairing_detail_rows(pairing: Pairing) -> Pairing:
    """``pairing`` (from ``pairing_for_page``) with the rest of what its page shows, in a fixed
    number of queries: members, thematic areas, topics, the edition's milestones, the status
    history."""
    prefetch_related_objects(
        [pairing], _members_prefetch(), "thematic_areas", *_detail_prefetches()
    )
    return pairing


def _topics_queryset():
    return Topic.objects.select_related("area").order_by("area__order", "order", "name")


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


# --- Workspaces and the community ----------------------------------------------------------------
def workspace_pairings_for(user):
    """The pairings whose workspace ``user`` may open: staff all, a coordinator their
    editions', a delegate those their city is a member of (on either side); nobody else any
    (``twinning.permissions.can_use_workspace``, as a queryset)."""
    if is_programme_staff(user):
        return Pairing.objects.all()
    if is_coordinator(user):
        return Pairing.objects.filter(edition__coordinators=user)
    if is_delegate(user):
        further = PairingMember.objects.filter(pairing=OuterRef("pk"), city=user.city_id)
        return Pairing.objects.filter(
            Q(eu_lead=user.city_id) | Q(partner_lead=user.city_id) | Exists(further)
        )
    return Pairing.objects.none()


def workspace_for(user, slug: str) -> Pairing:
    """The pairing whose workspace ``user`` opens, with its edition, leads and members; 404
    if it does not exist or is not theirs to open."""
    return get_object_or_404(
        workspace_pairings_for(user)
        .select_related("edition", "eu_lead", "partner_lead")
        .prefetch_related("members"),
        slug=slug,
    )


def workspace_members(pairing: Pairing):
    """The people a workspace's discussions may mention and whom it tells of its news: the
    active delegates of the pairing's member cities and the coordinators of its edition
    (reads the pairing's prefetched ``members``)."""
    return User.objects.filter(is_active=True).filter(
        Q(role=Role.DELEGATE, city__in=pairing.member_city_ids())
        | Q(role=Role.COORDINATOR, coordinated_editions=pairing.edition_id)
    )


def community_members():
    """Everyone the community spaces are open to (and whom their discussions may mention)."""
    return User.objects.filter(is_active=True).filter(
        Q(role__in=[Role.PROGRAMME_STAFF, Role.COORDINATOR])
        | Q(role=Role.DELEGATE, city__isnull=False)
    )


def _unread(user):
    """How many messages of the outer thread ``user`` has not seen (a subquery: one count
    per thread over the messages' (thread, id) index, in the query of the list)."""
    seen = ThreadRead.objects.filter(thread=OuterRef(OuterRef("pk")), user=user.pk).values(
        "last_read_message_id"
    )[:1]
    newer = (
        Message.objects.filter(thread=OuterRef("pk"))
        .filter(pk__gt=Coalesce(Subquery(seen), Value(0)))
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(newer, output_field=IntegerField()), Value(0))


def threads_for_reader(threads, user):
    """``threads`` newest activity first, each with who started it and ``unread``: the
    reader's unread messages in it."""
    return (
        threads.select_related("author", "pairing", "thematic_area")
        .annotate(unread=_unread(user))
        .order_by("-last_posted_at", "-id")
    )


def workspace_threads(pairing: Pairing, user):
    return threads_for_reader(Thread.objects.filter(pairing=pairing), user)


def community_threads(area: ThematicArea, user):
    return threads_for_reader(Thread.objects.filter(thematic_area=area), user)


def thread_in(*, pairing: Pairing | None = None, area: ThematicArea | None = None, pk: int):
    """A thread of that workspace or community space (404 otherwise)."""
    space = {"pairing": pairing} if pairing is not None else {"thematic_area": area}
    thread = get_object_or_404(Thread.objects.select_related("author"), pk=pk, **space)
    if pairing is not None:
        thread.pairing = pairing
    else:
        thread.thematic_area = area
    return thread


def thread_messages(thread: Thread):
    """A thread's messages in order, with their authors: paginate them."""
    return Message.objects.filter(thread=thread).select_related("author__city").order_by("id")


def thread_last_read(thread: Thread, user) -> int:
    """The id of the last message of ``thread`` that ``user`` saw (0 if none)."""
    row = ThreadRead.objects.filter(thread=thread, user=user.pk).values_list(
        "last_read_message_id", flat=True
    )
    return next(iter(row), 0)


def community_areas(user):
    """The thematic areas, each a community space, with its number of threads and the
    reader's unread messages over them (one query)."""
    seen = ThreadRead.objects.filter(thread=OuterRef("thread"), user=user.pk).values(
        "last_read_message_id"
    )[:1]
    newer = (
        Message.objects.filter(thread__thematic_area=OuterRef("pk"))
        .filter(pk__gt=Coalesce(Subquery(seen), Value(0)))
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")[:1]
    )
    threads = (
        Thread.objects.filter(thematic_area=OuterRef("pk"))
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")[:1]
    )
    return ThematicArea.objects.annotate(
        thread_count=Coalesce(Subquery(threads, output_field=IntegerField()), Value(0)),
        unread=Coalesce(Subquery(newer, output_field=IntegerField()), Value(0)),
    ).order_by("order", "name")


def community_area(slug: str) -> ThematicArea:
    return get_object_or_404(ThematicArea.objects.all(), slug=slug)


def workspace_documents(pairing: Pairing):
    """The pairing's library, last changed first, each with its latest version and who
    uploaded it: paginate them."""
    return (
        Document.objects.filter(pairing=pairing)
        .select_related("latest_version__uploaded_by")
        .order_by("-updated_at", "-id")
    )


def document_in(pairing: Pairing, pk: int) -> Document:
    """A document of the pairing with all its versions, newest first (404 otherwise)."""
    document = get_object_or_404(
        Document.objects.prefetch_related(
            Prefetch(
                "versions",
                queryset=DocumentVersion.objects.select_related("uploaded_by").order_by("-number"),
            )
        ),
        pairing=pairing,
        pk=pk,
    )
    document.pairing = pairing
    return document


def document_version_in(pairing: Pairing, document_pk: int, number: int) -> DocumentVersion:
    return get_object_or_404(
        DocumentVersion.objects.select_related("document"),
        document__pairing=pairing,
        document_id=document_pk,
        number=number,
    )
