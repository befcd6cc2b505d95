"""Reads of editions, pairings and action plans, narrowed to what the reader may see or
change. Views load objects only through these querysets."""

import datetime
import statistics
from dataclasses import dataclass, field
from dataclasses import field as dataclass_field

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
from django.utils.translation import gettext_lazy as _

from cities.models import City, ThematicArea, Topic
from worldcities import textsearch
from worldcities.users.models import Role, User
from worldcities.users.permissions import is_coordinator, is_delegate, is_programme_staff
from worldcities.users.services import PEOPLE

from .links import action_link_prefetches, links_of
from .models import (
    Action,
    ActionProgressUpdate,
    Application,
    ApplicationAnswer,
    ApplicationDocument,
    ApplicationPartner,
    Call,
    Document,
    DocumentVersion,
    Edition,
    EditionCity,
    MatchDecision,
    Message,
    Milestone,
    Outcome,
    Pairing,
    PairingMember,
    PairingStatusChange,
    ReviewAssignment,
    ReviewCriterion,
    Score,
    Thread,
    ThreadRead,
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
    """A pairing for its page, with its leads: enough for its title, for what its page depends
    on (``pairing_page_shows``) and for the rules, whose questions about the
    ``reader`` come with it: the ids of its further member cities (asked for a delegate),
    and whether a coordinator coordinates its edition. ``pairing_for_parts`` reads what its
    page's parts show."""
    further = PairingMember.objects.filter(pairing=OuterRef("pk")).order_by().values("city_id")
    pairings = Pairing.objects.select_related("eu_lead", "partner_lead").annotate(
        further_member_ids=ArraySubquery(further)
    )
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
    history = (
        PairingStatusChange.objects.filter(pairing=OuterRef("pk"))
        .order_by("-changed_at", "-id")
        .values(
            row=JSONObject(
                from_status="from_status",
                to_status="to_status",
                changed_at="changed_at",
                note="note",
                by_id="changed_by_id",
                by_name="changed_by__full_name",
                by_role="changed_by__role",
            )
        )
    )
    further = PairingMember.objects.filter(pairing=OuterRef("pk")).order_by().values("city_id")
    return get_object_or_404(
        Pairing.objects.select_related("edition", "eu_lead__country", "partner_lead__country")
        .annotate(further_member_ids=ArraySubquery(further))
        .annotate(area_names=ArraySubquery(areas))
        .annotate(topic_names=ArraySubquery(topics))
        .annotate(milestone_rows=ArraySubquery(milestones))
        .annotate(history_rows=ArraySubquery(history)),
        slug=slug,
    )


def pairing_detail_rows(pairing: Pairing) -> Pairing:
    """``pairing`` (from ``pairing_for_parts``) with the rest of what its page shows, in one
    more query: its members (its themes, its edition's cycle and its status history came with
    it: ``milestones`` holds the cycle, ``status_history`` the status changes, newest first)."""
    prefetch_related_objects([pairing], _members_prefetch())
    pairing.status_history = [
        PairingStatusChange(
            pairing_id=pairing.pk,
            from_status=row["from_status"],
            to_status=row["to_status"],
            changed_at=datetime.datetime.fromisoformat(row["changed_at"]),
            note=row["note"],
            changed_by=(
                User(pk=row["by_id"], full_name=row["by_name"], role=row["by_role"])
                if row["by_id"]
                else None
            ),
        )
        for row in pairing.history_rows
    ]
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


def pairing_ids_of_city(city):
    """The ids of the pairings a city (or the city of that id) leads or joins, on either side
    (a subquery). The pairings it leads and those it joins are looked up apart, each through an
    index, and united: asked in one condition, PostgreSQL read every pairing, and misjudged how
    many would match."""
    led = Pairing.objects.filter(Q(eu_lead=city) | Q(partner_lead=city)).order_by().values("pk")
    return led.union(PairingMember.objects.filter(city=city).order_by().values("pairing_id"))


def pairings_of_city(city):
    """The pairings a city leads or joins, on either side, with what the city page shows of
    them (their edition, leads and thematic areas)."""
    return (
        Pairing.objects.select_related("edition", "eu_lead", "partner_lead")
        .prefetch_related("thematic_areas")
        .filter(pk__in=pairing_ids_of_city(city))
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
        return Action.objects.filter(pairing__in=pairing_ids_of_city(user.city_id))
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


# --- Calls for cities and applications ------------------------------------------------------------
def calls_of_edition(edition: Edition) -> list[Call]:
    return list(
        Call.objects.filter(edition=edition).select_related("edition").order_by("-opens_at")
    )


def call_for_page(edition_slug: str, call_slug: str) -> Call:
    """A call with what its page shows: who may apply, the questions, documents and criteria."""
    return get_object_or_404(
        Call.objects.select_related("edition").prefetch_related(
            "eu_countries",
            "partner_countries",
            "edition__partner_countries",
            "thematic_areas",
            "questions",
            "documents_required",
            "criteria",
        ),
        edition__slug=edition_slug,
        slug=call_slug,
    )


def applications_visible_to(user):
    """The applications ``user`` may read: programme staff every one, a delegate those of
    their city, anyone else none (``twinning.permissions``)."""
    applications = Application.objects.all()
    if is_programme_staff(user):
        return applications
    if is_delegate(user):
        return applications.filter(city_id=user.city_id)
    return applications.none()


def applications_of_reader_in_call(user, call: Call) -> list[Application]:
    """The applications of the reader's city to ``call`` (none for anyone but its delegates)."""
    if not is_delegate(user):
        return []
    return list(
        applications_visible_to(user)
        .filter(call=call)
        .select_related("city", "call__edition")
        .order_by("-id")
    )


def _application_rows():
    return Application.objects.select_related(
        "call__edition", "city__country", "submitted_by"
    ).prefetch_related(
        "thematic_areas",
        "topics",
        "answers",
        Prefetch("partners", queryset=ApplicationPartner.objects.order_by("sector", "name")),
        "documents",
        "call__questions",
        "call__documents_required",
        "call__thematic_areas",
    )


def application_for_page(user, call: Call, pk: int) -> Application:
    """The application ``pk`` of ``call``, with everything its page shows, if ``user`` may
    read it; 404 otherwise (another city's application does not exist for the reader)."""
    visible = applications_visible_to(user).filter(call=call)
    return get_object_or_404(_application_rows().filter(pk__in=visible.values("pk")), pk=pk)


def application_for_completeness(pk: int) -> Application:
    return _application_rows().get(pk=pk)


def application_for_change(user, call: Call, pk: int) -> Application:
    """The application, light, for a write (the service locks and checks it again)."""
    return get_object_or_404(
        applications_visible_to(user).select_related("call__edition", "city"), call=call, pk=pk
    )


@dataclass(frozen=True)
class CompletenessItem:
    key: str
    label: str
    done: bool


@dataclass(frozen=True)
class Completeness:
    items: list[CompletenessItem]

    @property
    def missing(self) -> list[CompletenessItem]:
        return [item for item in self.items if not item.done]

    @property
    def percent(self) -> int:
        if not self.items:
            return 100
        return round(100 * sum(item.done for item in self.items) / len(self.items))


TRIPLE_HELIX = ("government", "research", "business")


def application_completeness(application: Application) -> Completeness:
    """What a complete application holds, item by item: thematic areas, goals, experience,
    a partner of each side of the triple helix (government, research, business), the proposed
    delegation, an answer to each required question and each required document. Reads the
    rows ``_application_rows`` prefetches."""
    sectors = {partner.sector for partner in application.partners.all()}
    answered = {a.question_id for a in application.answers.all() if a.text.strip()}
    uploaded = {d.required_document_id for d in application.documents.all()}
    items = [
        CompletenessItem(
            "thematic_areas", _("Thematic areas"), bool(application.thematic_areas.all())
        ),
        CompletenessItem("goals", _("Goals"), bool(application.goals.strip())),
        CompletenessItem("experience", _("Experience"), bool(application.experience.strip())),
        CompletenessItem(
            "partners",
            _("Triple-helix partners (government, research, business)"),
            all(sector in sectors for sector in TRIPLE_HELIX),
        ),
        CompletenessItem(
            "delegation", _("Proposed delegation"), bool(application.delegation.strip())
        ),
    ]
    for question in application.call.questions.all():
        if question.required:
            items.append(
                CompletenessItem(f"answer_{question.pk}", question.text, question.pk in answered)
            )
    for document in application.call.documents_required.all():
        if document.required:
            items.append(
                CompletenessItem(f"document_{document.pk}", document.name, document.pk in uploaded)
            )
    return Completeness(items)


# --- The review of a call -----------------------------------------------------------------------
@dataclass
class ReviewSummary:
    """The aggregate of an application's submitted reviews. Each review's total is the
    weighted mean of its scores, each taken as a share of its criterion's highest score, in
    per cent (0–100); ``mean`` is the mean of the reviews' totals, ``low``, ``high`` and
    ``deviation`` (the population standard deviation) their spread."""

    totals: list[float] = field(default_factory=list)
    assigned: int = 0
    conflicts: int = 0

    @property
    def reviews(self) -> int:
        return len(self.totals)

    @property
    def mean(self) -> float | None:
        return round(statistics.fmean(self.totals), 1) if self.totals else None

    @property
    def low(self) -> float | None:
        return round(min(self.totals), 1) if self.totals else None

    @property
    def high(self) -> float | None:
        return round(max(self.totals), 1) if self.totals else None

    @property
    def deviation(self) -> float | None:
        return round(statistics.pstdev(self.totals), 1) if self.totals else None


def review_total(scores, criteria) -> float | None:
    """A submitted review's total in per cent: the mean of its scores (each as a share of its
    criterion's highest score) weighted by the criteria's weights (equal weights if they are
    all zero). None if a criterion is not scored."""
    by_criterion = {score.criterion_id: score.value for score in scores}
    if not criteria or any(c.pk not in by_criterion for c in criteria):
        return None
    weights = [float(c.weight) for c in criteria]
    if not sum(weights):
        weights = [1.0] * len(criteria)
    shares = [by_criterion[c.pk] / c.scale_max for c in criteria]
    return 100 * sum(w * s for w, s in zip(weights, shares, strict=True)) / sum(weights)


def review_summary(application, criteria) -> ReviewSummary:
    """``application``'s ``review_summary`` from its prefetched assignments and their scores
    (``_assignments_prefetch``)."""
    summary = ReviewSummary()
    for assignment in application.review_assignments.all():
        if assignment.state == ReviewAssignment.State.CONFLICT:
            summary.conflicts += 1
            continue
        summary.assigned += 1
        if assignment.state == ReviewAssignment.State.SUBMITTED:
            total = review_total(assignment.scores.all(), criteria)
            if total is not None:
                summary.totals.append(total)
    return summary


def _assignments_prefetch():
    return Prefetch(
        "review_assignments",
        queryset=ReviewAssignment.objects.select_related("reviewer")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.order_by("criterion_id")))
        .order_by("assigned_at", "id"),
    )


def review_assignments_of(user):
    """The reviews a person is asked for, with the application's city and call: every state,
    a declared conflict included (shown as withdrawn)."""
    if not user.is_authenticated:
        return ReviewAssignment.objects.none()
    return (
        ReviewAssignment.objects.filter(reviewer=user)
        .select_related("application__city__country", "application__call__edition")
        .order_by("-application__call__closes_at", "application__city__name", "pk")
    )


def review_assignment_for(user, pk: int) -> ReviewAssignment:
    """One of the reviewer's own reviews; anyone else's is a 404, whoever asks."""
    return get_object_or_404(review_assignments_of(user), pk=pk)


def application_for_review(application_id: int):
    """What a reviewer (or staff) reads of an application: its answers with their questions,
    its triple-helix partners, areas, topics and documents, in a fixed number of queries."""
    return (
        Application.objects.select_related("call__edition", "city__country", "submitted_by")
        .prefetch_related(
            "thematic_areas",
            Prefetch("topics", queryset=_topics_queryset()),
            Prefetch("answers", queryset=ApplicationAnswer.objects.select_related("question")),
            "partners",
            Prefetch(
                "documents",
                queryset=ApplicationDocument.objects.select_related("required_document"),
            ),
        )
        .get(pk=application_id)
    )


def review_criteria(call_id: int) -> list[ReviewCriterion]:
    return list(ReviewCriterion.objects.filter(call=call_id).order_by("order", "id"))


def calls_for_review():
    """Every call, newest first, with its counts of submitted, decided and sent applications
    (programme staff's list)."""
    submitted = Q(applications__status=Application.Status.SUBMITTED)
    return (
        Call.objects.select_related("edition")
        .annotate(
            submitted_count=Count("applications", filter=submitted),
            decided_count=Count("applications", filter=submitted & ~Q(applications__decision="")),
            sent_count=Count(
                "applications", filter=submitted & Q(applications__decision_sent_at__isnull=False)
            ),
        )
        .order_by("-closes_at", "title")
    )


def call_for_review(edition_slug: str, call_slug: str) -> Call:
    return get_object_or_404(
        Call.objects.select_related("edition"), edition__slug=edition_slug, slug=call_slug
    )


def call_review_rows(call: Call) -> tuple[list[ReviewCriterion], list]:
    """The call's criteria and its submitted applications, each with ``summary`` (its
    ``ReviewSummary``) and its assignments and scores: five queries however many there are.
    Sorted by weighted mean, best first, those without a review last."""
    criteria = review_criteria(call.pk)
    applications = list(
        Application.objects.filter(call=call, status=Application.Status.SUBMITTED)
        .select_related("city__country", "decided_by")
        .prefetch_related(_assignments_prefetch())
        .order_by("city__name", "pk")
    )
    for application in applications:
        application.summary = review_summary(application, criteria)
    applications.sort(
        key=lambda a: (a.summary.mean is None, -(a.summary.mean or 0), a.city.name, a.pk)
    )
    return criteria, applications


def application_review_rows(call: Call, pk: int):
    """A submitted application of the call for staff's review page: what it says, its
    assignments with their scores, and ``summary``; 404 if it is not submitted to this call."""
    application = get_object_or_404(
        Application.objects.filter(call=call, status=Application.Status.SUBMITTED).only("pk"),
        pk=pk,
    )
    application = application_for_review(application.pk)
    prefetch_related_objects([application], _assignments_prefetch())
    criteria = review_criteria(call.pk)
    application.summary = review_summary(application, criteria)
    for assignment in application.review_assignments.all():
        by_criterion = {score.criterion_id: score for score in assignment.scores.all()}
        assignment.rows = [(criterion, by_criterion.get(criterion.pk)) for criterion in criteria]
        assignment.total = (
            review_total(assignment.scores.all(), criteria)
            if assignment.state == ReviewAssignment.State.SUBMITTED
            else None
        )
    return application, criteria


def call_applications(call: Call):
    """Every application of the call, whatever its status, for programme staff's list, with
    its city and country. In the order of the cities' names until a filter sorts it."""
    return (
        Application.objects.filter(call=call)
        .select_related("city__country")
        .order_by("city__name", "pk")
    )


def with_reviews_count(applications):
    """``applications`` with ``reviews_count``, their submitted reviews, to sort by. Only the
    list sorted by it counts them for every application: the rows shown count their own."""
    return applications.annotate(
        reviews_count=Count(
            "review_assignments",
            filter=Q(review_assignments__state=ReviewAssignment.State.SUBMITTED),
        )
    )


def call_application_rows(call: Call, applications) -> list[Application]:
    """A page of ``call_applications`` with what the list shows of each: ``completeness``
    for a draft, ``submitted_in_zone`` (the call's zone) and ``summary`` (its reviews) for a
    submitted one. A fixed number of queries however many rows and reviews there are."""
    rows = list(applications)
    prefetch_related_objects([call], "questions", "documents_required")
    prefetch_related_objects(
        rows, "thematic_areas", "partners", "answers", "documents", _assignments_prefetch()
    )
    criteria = review_criteria(call.pk)
    for application in rows:
        application.call = call  # its questions and documents are read once for the page
        application.completeness = (
            application_completeness(application) if application.is_draft else None
        )
        application.submitted_in_zone = (
            call.in_zone(application.submitted_at) if application.submitted_at else ""
        )
        application.summary = (
            review_summary(application, criteria)
            if application.status == Application.Status.SUBMITTED
            else None
        )
    return rows


def reviewers_available():
    """Who may be asked to review: active coordinators, outside experts and programme staff."""
    from worldcities.users.models import Role, User

    return User.objects.filter(
        is_active=True, role__in=[Role.COORDINATOR, Role.EXPERT, Role.PROGRAMME_STAFF]
    ).order_by("full_name", "email")


def decisions_waiting(call: Call):
    """The call's decided applications whose decision is not sent yet, with their city."""
    return list(
        Application.objects.filter(
            call=call, status=Application.Status.SUBMITTED, decision_sent_at__isnull=True
        )
        .exclude(decision="")
        .select_related("city__country")
        .order_by("decision", "city__name")
    )


# --- Matchmaking ------------------------------------------------------------------------------
# The suggestions the matchmaking page lists with their reasons (the best first); the
# whole-edition assignment is shown in full.
SUGGESTIONS_SHOWN = 30
CITIES_LIKE_SHOWN = 5


def edition_for_matchmaking(slug: str) -> Edition:
    return get_object_or_404(Edition.objects.all(), slug=slug)


def _normalise_words(words: list[str]) -> dict[str, str]:
    """Each word as the text search stores it (stemmed; "" for a word it leaves out), in one
    query for all of them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, array_to_string(tsvector_to_array(to_tsvector(%s::regconfig, w)), ' ')"
            " FROM unnest(%s::text[]) AS w",
            [textsearch.SEARCH_CONFIG, words],
        )
        return dict(cursor.fetchall())


@dataclass
class Wish:
    """What one city wants from an edition, as matchmaking reads it."""

    city: City
    is_eu: bool = False
    goals: str = ""
    areas: list = dataclass_field(default_factory=list)
    topics: list = dataclass_field(default_factory=list)


def _wish(row, *, is_eu: bool = False) -> Wish:
    """The wish of an ``EditionCity`` row (with ``city__country`` and ``edition`` selected,
    thematic areas and topics prefetched)."""
    return Wish(
        city=row.city,
        is_eu=is_eu,
        goals=row.goals,
        areas=list(row.thematic_areas.all()),
        topics=list(row.topics.all()),
    )


def _profiles(wishes: list[Wish], *, merge_experience: bool = False) -> tuple[list, dict]:
    """Profiles of the wishes, with their experience and their goals' words, and the names
    of the areas and topics they name (for the reasons), in two queries (experience, words)."""
    from .matching import Profile, experience_of, lexemes_of

    names = {"areas": {}, "topics": {}}
    for wish in wishes:
        names["areas"].update((area.pk, area.name) for area in wish.areas)
        names["topics"].update((topic.pk, topic.name) for topic in wish.topics)
    experience = experience_of(wish.city.pk for wish in wishes)
    lexemes = lexemes_of({wish.city.pk: wish.goals for wish in wishes}, _normalise_words)
    profiles = []
    for wish in wishes:
        city = wish.city
        areas = frozenset(area.pk for area in wish.areas)
        topics = frozenset(topic.pk for topic in wish.topics)
        own = experience.get(city.pk)
        if merge_experience and own is not None:
            # Like for like: what a city has done says what it works on, as what it wants.
            areas |= own.areas.keys()
            topics |= own.topics.keys()
            for key, example in own.areas.items():
                names["areas"].setdefault(key, example.label)
            for key, example in own.topics.items():
                names["topics"].setdefault(key, example.label)
            own = None
        profiles.append(
            Profile(
                key=city.pk,
                city_id=city.pk,
                name=city.name,
                url=city.get_absolute_url(),
                is_eu=wish.is_eu,
                kind=city.kind,
                kind_label=city.get_kind_display(),
                population=city.population,
                area_ids=areas,
                topic_ids=topics,
                lexemes=lexemes.get(city.pk, {}),
                **({"experience": own} if own is not None else {}),
            )
        )
    return profiles, names


def _edition_city_rows(**filters):
    return (
        EditionCity.objects.filter(**filters)
        .select_related("city__country", "edition")
        .prefetch_related("thematic_areas", Prefetch("topics", queryset=Topic.objects.order_by()))
        .order_by("city__name", "pk")
    )


def edition_paired_city_ids(edition: Edition) -> set[int]:
    """The cities already in a pairing of the edition (a withdrawn one does not count), as a
    lead or a further member: matchmaking leaves them out."""
    live = Pairing.objects.filter(edition=edition).exclude(status=Pairing.Status.WITHDRAWN)
    ids = set()
    for eu, partner in live.values_list("eu_lead_id", "partner_lead_id"):
        ids.update((eu, partner))
    ids.update(PairingMember.objects.filter(pairing__in=live).values_list("city_id", flat=True))
    return ids


class EditionMatchmaking:
    """The matchmaking of one edition, read in a fixed number of queries however many cities
    take part: the open suggestions (pinned first, then best first), the excluded ones, and
    the whole-edition assignment (pins kept, exclusions avoided)."""

    def __init__(self, edition: Edition, *, shown: int = SUGGESTIONS_SHOWN):
        from . import matching

        self.edition = edition
        rows = list(_edition_city_rows(edition=edition))
        paired = edition_paired_city_ids(edition)
        self.paired = [row.city for row in rows if row.city_id in paired]
        rows = [row for row in rows if row.city_id not in paired]
        profiles, self.names = _profiles([_wish(row, is_eu=row.is_eu_side) for row in rows])
        self.eu = [p for p in profiles if p.is_eu]
        self.partners = [p for p in profiles if not p.is_eu]
        decisions = {
            (d.eu_city_id, d.partner_city_id): d.kind
            for d in MatchDecision.objects.filter(edition=edition)
        }
        row = {p.city_id: i for i, p in enumerate(self.eu)}
        column = {p.city_id: j for j, p in enumerate(self.partners)}
        known = {
            (row[eu], column[partner]): kind
            for (eu, partner), kind in decisions.items()
            if eu in row and partner in column
        }
        pinned = [pair for pair, kind in known.items() if kind == MatchDecision.Kind.PINNED]
        excluded = [pair for pair, kind in known.items() if kind == MatchDecision.Kind.EXCLUDED]
        scores = matching.score_matrix(self.eu, self.partners)
        goals = matching.Goals([*self.eu, *self.partners])
        details = {}

        def detail(pair):
            if pair not in details:
                i, j = pair
                found = matching.score(self.eu[i], self.partners[j], goals)
                found.score = float(scores[i, j])
                found.decision = known.get(pair, "")
                details[pair] = found
            return details[pair]

        # Open suggestions: the pins, then every pair that scores, best first; ties in the
        # order of the names (the rows and columns are in that order, and the sort is stable).
        flat = (-scores).ravel()
        order = flat.argsort(kind="stable")
        width = max(len(self.partners), 1)
        open_count = int((flat < -matching.MIN_SCORE).sum())
        open_count -= sum(1 for (i, j) in excluded if scores[i, j] > matching.MIN_SCORE)
        open_count += sum(1 for (i, j) in pinned if scores[i, j] <= matching.MIN_SCORE)
        self.total = open_count
        chosen = [detail(pair) for pair in sorted(pinned)]
        skip = set(pinned) | set(excluded)
        for k in order:
            if len(chosen) >= shown or flat[k] >= -matching.MIN_SCORE:
                break
            pair = (int(k // width), int(k % width))
            if pair not in skip:
                chosen.append(detail(pair))
        self.suggestions = chosen[:shown]
        self.excluded = [detail(pair) for pair in sorted(excluded)]
        assignment = matching.assign_matrix(scores, pinned=pinned, excluded=excluded)
        self.assignment = sorted(
            (detail(pair) for pair in assignment), key=lambda m: (-m.score, m.a.name)
        )
        self.assignment_total = round(sum(m.score for m in self.assignment), 2)
        for found in details.values():
            found.reasons = matching.reasons(found, self.names)


def edition_matchmaking(edition: Edition, *, shown: int = SUGGESTIONS_SHOWN) -> EditionMatchmaking:
    return EditionMatchmaking(edition, shown=shown)


def cities_like(city: City, *, shown: int = CITIES_LIKE_SHOWN) -> list:
    """The cities that take part in the programme's editions and are most like ``city``: the
    same scoring as matchmaking, like for like (what each wants and what it has done count
    together as what it works on), with the reasons in words. A city that takes part in
    several editions is read from its latest. A fixed number of queries however many cities
    take part."""
    from . import matching

    latest = {}
    for row in _edition_city_rows().order_by("city_id", "-edition__start_date", "-pk"):
        latest.setdefault(row.city_id, row)
    own = latest.pop(city.pk, None)
    wishes = [_wish(own) if own is not None else Wish(city=city)]
    wishes += [_wish(row) for row in sorted(latest.values(), key=lambda row: row.city.name)]
    profiles, names = _profiles(wishes, merge_experience=True)
    mine, others = profiles[0], profiles[1:]
    if not (mine.area_ids or mine.topic_ids or mine.lexemes):
        return []
    goals = matching.Goals(profiles)
    matches = [matching.score(mine, other, goals) for other in others]
    matches = [m for m in matches if m.shared_areas or m.shared_topics or m.shared_words]
    matches.sort(key=lambda m: (-m.score, m.b.name))
    for match in matches[:shown]:
        match.reasons = matching.reasons(match, names)
    return matches[:shown]


# --- Outcomes -----------------------------------------------------------------------------------
def outcomes_of_pairing(pairing: Pairing, user):
    """The pairing's outcomes the user may see, newest first, with what their list shows:
    everyone sees the checked ones; whoever may record them (its member cities' delegates,
    its edition's coordinators, staff) sees those waiting for a check too."""
    outcomes = Outcome.objects.filter(pairing=pairing)
    if not user.has_perm("twinning.record_outcome", pairing):
        outcomes = outcomes.filter(checked_at__isnull=False)
    return outcomes.select_related(
        "city__country", "action", "opportunity", "recorded_by", "checked_by"
    ).order_by("-achieved_on", "-id")


def outcome_of_pairing(pairing: Pairing, user, pk: int) -> Outcome:
    """One outcome of the pairing among those the user may see; 404 otherwise. It gets the
    pairing as loaded, whose members and edition the rules read."""
    outcome = get_object_or_404(outcomes_of_pairing(pairing, user), pk=pk)
    outcome.pairing = pairing
    return outcome


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
        return Pairing.objects.filter(pk__in=pairing_ids_of_city(user.city_id))
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
