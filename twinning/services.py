import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from worldcities import versions
from worldcities.pagination import in_batches

from .models import (
    NOTE_REQUIRED,
    Action,
    ActionProgressUpdate,
    Edition,
    Milestone,
    Outcome,
    Pairing,
    PairingStatusChange,
)

# The cycle of one edition (see the programme text): (kind, title, start offset, length) in
# days from the edition's start. Dates are a first draft, editable one by one.
MILESTONE_TEMPLATE = [
    (Milestone.Kind.SELECTION, "Selection of EU and partner cities", 0, 60),
    (Milestone.Kind.LAUNCH, "Launch meeting", 72, 1),
    (
        Milestone.Kind.WORKING_MEETING,
        "Working meeting and field visits in the partner country",
        73,
        5,
    ),
    (Milestone.Kind.COOPERATION, "Decentralised cooperation on specific topics", 80, 182),
    (Milestone.Kind.FOLLOW_UP, "Follow-up working meetings and field visits in the EU", 275, 7),
    (Milestone.Kind.CLOSING, "Closing meetings in the partner country", 390, 3),
]


def pairing_versions(pairing_id: int, *, listed: bool = True) -> list[str]:
    """The versions (``worldcities.versions``) a change of a pairing moves: its page's
    (``pairing:<pk>``) and, if ``listed``, that of what lists pairings (``pairings``: the
    pairing list, the city list's counts, the city pages' pairings, the home page). An
    action shows on its pairing's page only."""
    return [f"pairing:{pairing_id}", *(["pairings"] if listed else [])]


# The titles and descriptions of the actions, which a search of the pairing list reads.
ACTION_TEXTS = "actions"


def action_versions(pairing_id: int) -> list[str]:
    """The versions a new, edited or deleted action moves: its pairing's page, and what
    searches the actions' texts (the pairing list searched for words)."""
    return [*pairing_versions(pairing_id, listed=False), ACTION_TEXTS]


def edition_versions(edition_id: int) -> list[str]:
    """The versions a change of an edition moves: its pairings' pages show its name and cycle
    (``edition:<pk>``); the lists, their filters and the home page show editions."""
    return [f"edition:{edition_id}", "pairings"]


def action_links_changed(*, actions) -> None:
    """Says that something these actions link to (``twinning.links``: a practice, a meeting)
    was published, renamed, withdrawn or deleted, or that the links themselves changed: their
    pairings' pages list the links. ``actions`` is a queryset of actions, read at once (so,
    for a delete or a change of links, call it before as well as after)."""
    pairing_ids = set(actions.order_by().values_list("pairing_id", flat=True))
    versions.bump(*(f"pairing:{pk}" for pk in pairing_ids))


# Which status may follow which.
PAIRING_TRANSITIONS = {
    Pairing.Status.PROPOSED: {Pairing.Status.SELECTED, Pairing.Status.WITHDRAWN},
    Pairing.Status.SELECTED: {Pairing.Status.ACTIVE, Pairing.Status.WITHDRAWN},
    Pairing.Status.ACTIVE: {Pairing.Status.CLOSED, Pairing.Status.WITHDRAWN},
    Pairing.Status.CLOSED: {Pairing.Status.ACTIVE},
    Pairing.Status.WITHDRAWN: {Pairing.Status.PROPOSED},
}


def edition_milestones_create(*, edition: Edition) -> list[Milestone]:
    """Lays out the programme's cycle for a new edition from the template."""
    milestones = []
    for order, (kind, title, offset, length) in enumerate(MILESTONE_TEMPLATE):
        start = edition.start_date + datetime.timedelta(days=offset)
        end = start + datetime.timedelta(days=length - 1) if length > 1 else None
        milestones.append(
            Milestone(
                edition=edition, kind=kind, title=title, start_date=start, end_date=end, order=order
            )
        )
    created = Milestone.objects.bulk_create(milestones)
    versions.bump(*edition_versions(edition.pk))
    return created


@transaction.atomic
def edition_create(
    *,
    name: str,
    slug: str,
    start_date: datetime.date,
    end_date: datetime.date,
    partner_countries=(),
    implementing_partners=(),
    status: str = Edition.Status.PLANNED,
    description: str = "",
) -> Edition:
    edition = Edition(
        name=name,
        slug=slug,
        start_date=start_date,
        end_date=end_date,
        status=status,
        description=description,
    )
    edition.full_clean()
    edition.save()
    edition.partner_countries.set(partner_countries)
    edition.implementing_partners.set(implementing_partners)
    edition_milestones_create(edition=edition)
    return edition


def pairing_slug_new(*, edition: Edition | None, eu_lead, partner_lead) -> str:
    """A free address for a new pairing, made of its cities and its edition's years, the way
    the programme names them: ``busan-barcelona-2017-2018``."""
    parts = [partner_lead.name, eu_lead.name]
    if edition is not None:
        parts += [str(edition.start_date.year), str(edition.end_date.year)]
    base = slugify("-".join(parts))[:190].strip("-") or "pairing"
    slug, n = base, 1
    while Pairing.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def pairing_set_status(*, pairing: Pairing, status: str, by=None, note: str = "") -> Pairing:
    """Moves a pairing along its lifecycle and records who did it, when and why."""
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if status == pairing.status:
        return pairing
    if status not in PAIRING_TRANSITIONS.get(pairing.status, set()):
        raise ValidationError(
            _("A %(from)s pairing cannot become %(to)s.")
            % {
                "from": Pairing.Status(pairing.status).label.lower(),
                "to": Pairing.Status(status).label.lower(),
            }
        )
    PairingStatusChange.objects.create(
        pairing=pairing, from_status=pairing.status, to_status=status, changed_by=by, note=note
    )
    pairing.status = status
    pairing.save(update_fields=["status", "updated_at"])
    versions.bump(*pairing_versions(pairing.pk))
    return pairing


def pairings_set_status(*, pairings, status: str, by=None, note: str = "") -> tuple[list, list]:
    """Moves several pairings to ``status``, each in its own transaction. Returns the pairings
    that moved and, for the others, (pairing, reason) pairs."""
    moved, refused = [], []
    for pairing in pairings:
        try:
            moved.append(pairing_set_status(pairing=pairing, status=status, by=by, note=note))
        except ValidationError as exc:
            refused.append((pairing, " ".join(exc.messages)))
    return moved, refused


# --- Action plans -------------------------------------------------------------------------------
# What a coordinator plans; status and progress move only through ``action_progress_update``,
# which keeps a note of what was done.
ACTION_FIELDS = ("title", "description", "owner_organisation", "owner_person", "due_date")


def _require(user, perm: str, pairing: Pairing) -> None:
    if user is None or not user.has_perm(perm, pairing):
        raise PermissionDenied(_("You may not change this pairing's action plan."))


def _apply(action: Action, fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"fields not allowed here: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(action, name, value)


@transaction.atomic
def action_create(*, pairing: Pairing, by, **fields) -> Action:
    """Adds an action to a pairing's action plan (coordinators of its edition, staff); it
    starts planned, at 0 %."""
    _require(by, "twinning.manage_action_plan", pairing)
    action = Action(pairing=pairing)
    _apply(action, fields, ACTION_FIELDS)
    action.full_clean()
    action._history_user = by
    action.save()
    versions.bump(*action_versions(pairing.pk))
    return action


@transaction.atomic
def action_update(*, action: Action, by, **fields) -> Action:
    """Edits what an action plans: title, description, owners, due date (coordinators of its
    edition, staff)."""
    _require(by, "twinning.manage_action_plan", action.pairing)
    action = Action.objects.select_for_update().select_related("pairing__edition").get(pk=action.pk)
    _apply(action, fields, ACTION_FIELDS)
    action.full_clean()
    action._history_user = by
    action.save()
    versions.bump(*action_versions(action.pairing_id))
    return action


@transaction.atomic
def action_progress_update(
    *, action: Action, by, status: str, progress: int, note: str
) -> ActionProgressUpdate:
    """Updates the status and progress of an action, and nothing else, with a note on what
    was done, kept as a row of the action's progress history (delegates of the pairing's
    member cities, coordinators, staff). Status and percentage must go together
    (``twinning.models.status_matches_progress``)."""
    _require(by, "twinning.update_action_progress", action.pairing)
    action = Action.objects.select_for_update().select_related("pairing__edition").get(pk=action.pk)
    action.status = status
    action.progress = progress
    update = ActionProgressUpdate(
        action=action, status=status, progress=progress, note=(note or "").strip(), author=by
    )
    errors = {}
    try:
        action.full_clean(exclude=["pairing", "owner_organisation", "owner_person"])  # unchanged
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not update.note:
        errors["note"] = [NOTE_REQUIRED]
    else:
        try:
            update.full_clean(exclude=["action", "author", "status", "progress"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    action._history_user = by
    action.save(update_fields=["status", "progress", "updated_at"])
    update.save()
    versions.bump(*pairing_versions(action.pairing_id, listed=False))
    return update


@transaction.atomic
def action_delete(*, action: Action, by) -> None:
    """Removes an action from its plan (coordinators of its edition, staff); its history stays."""
    _require(by, "twinning.manage_action_plan", action.pairing)
    action._history_user = by
    action.delete()
    versions.bump(*action_versions(action.pairing_id))


DUE_SOON_DAYS = 7
REMINDER_BATCH = 500


def action_reminders_send(
    *, today: datetime.date | None = None, batch_size: int = REMINDER_BATCH
) -> dict[str, int]:
    """Reminds owners of actions due within a week, and of overdue ones (copied to the
    edition's coordinators). Each reminder goes once per due date: moving the date re-arms it.
    Everyone told about a batch of actions is told in one go (a fixed number of queries per
    batch, however many actions and people it holds)."""
    from worldcities.notifications.models import Kind
    from worldcities.notifications.services import Notice, notify_each

    today = today or timezone.localdate()
    open_actions = (
        Action.objects.filter(status__in=[Action.Status.PLANNED, Action.Status.IN_PROGRESS])
        .exclude(due_date__isnull=True)
        .select_related(
            "pairing__edition", "pairing__eu_lead", "pairing__partner_lead", "owner_person"
        )
        .prefetch_related("pairing__edition__coordinators")
    )
    counts = {"due_soon": 0, "overdue": 0}
    due_soon = open_actions.filter(
        due_date__gte=today, due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)
    ).exclude(owner_person__isnull=True)
    overdue = open_actions.filter(due_date__lt=today)
    for phase, actions in (("due_soon", due_soon), ("overdue", overdue)):
        title = (
            _("Overdue since %(date)s: %(action)s")
            if phase == "overdue"
            else _("Due on %(date)s: %(action)s")
        )
        for batch in in_batches(actions, batch_size):
            occasions = []
            for action in batch:
                people = [action.owner_person] if action.owner_person_id else []
                if phase == "overdue":
                    people += [
                        u
                        for u in action.pairing.edition.coordinators.all()
                        if u.pk != action.owner_person_id
                    ]
                notice = {
                    "title": title % {"date": action.due_date, "action": action},
                    "body": _("%(pairing)s · %(progress)s %% done")
                    % {"pairing": action.pairing, "progress": action.progress},
                    "url": action.pairing.get_absolute_url(),
                }
                occasion = f"{phase.replace('_', '-')}:{action.due_date}"
                occasions.append(
                    (action, occasion, [Notice(recipient=p, **notice) for p in people])
                )
            with transaction.atomic():
                notify_each(kind=Kind.ACTION_DUE, occasions=occasions)
            counts[phase] += len(batch)
    return counts


@transaction.atomic
def action_agreed_create(*, pairing: Pairing, by, **fields) -> Action:
    """An action agreed elsewhere (an outcome of a meeting) added to the pairing's plan: the
    plan's own fields only, so it starts planned, at 0 %, and the same check, validation and
    history as ``action_create``. Other apps add actions through this, never by hand."""
    return action_create(pairing=pairing, by=by, **fields)


# --- Outcomes -----------------------------------------------------------------------------------
# What shows the checked outcomes of every pairing: the home page's impact figures and charts.
OUTCOMES = "outcomes"
OUTCOME_FIELDS = (
    "kind",
    "title",
    "description",
    "city",
    "action",
    "quantity",
    "amount",
    "currency",
    "funder",
    "achieved_on",
    "source",
    "evidence_url",
)


def outcome_versions(pairing_id: int) -> list[str]:
    """The versions a checked outcome moves (one not yet checked shows on no cached page): its
    pairing's page, and the programme's impact figures (``outcomes``)."""
    return [f"pairing:{pairing_id}", OUTCOMES]


@transaction.atomic
def outcome_record(*, pairing: Pairing, by, evidence_file=None, **fields) -> Outcome:
    """Records an outcome of a pairing (delegates of its member cities, coordinators of its
    edition, staff), with evidence as a link or a file (checked as practice attachments are).
    It waits for a coordinator's check before it counts; the edition's coordinators are told,
    in the background."""
    from worldcities.notifications.models import Kind
    from worldcities.notifications.services import notify_people_later
    from worldcities.uploads import ATTACHMENT_EXTENSIONS, MAX_ATTACHMENT_SIZE, validate_upload

    if by is None or not by.has_perm("twinning.record_outcome", pairing):
        raise PermissionDenied(
            _(
                "Only delegates of the pairing's cities, its edition's coordinators and "
                "programme staff record its outcomes."
            )
        )
    outcome = Outcome(pairing=pairing, recorded_by=by)
    _apply(outcome, fields, OUTCOME_FIELDS)
    outcome.currency = (outcome.currency or "").strip().upper()
    if evidence_file:
        try:
            content_type = validate_upload(
                evidence_file, allowed=ATTACHMENT_EXTENSIONS, max_size=MAX_ATTACHMENT_SIZE
            )
        except ValidationError as exc:
            raise ValidationError({"evidence_file": exc.messages}) from exc
        outcome.evidence_file = evidence_file
        outcome.evidence_name = (evidence_file.name or "")[:255]
        outcome.evidence_content_type = content_type
    outcome.full_clean()
    outcome._history_user = by
    outcome.save()
    coordinators = pairing.edition.coordinators.exclude(pk=by.pk).filter(is_active=True)
    notify_people_later(
        kind=Kind.OUTCOME_RECORDED,
        target=outcome,
        recipients=coordinators,
        title=_("Outcome to check: %(outcome)s") % {"outcome": outcome.title},
        body=_("%(pairing)s · %(kind)s, recorded by %(person)s")
        % {"pairing": pairing, "kind": outcome.get_kind_display(), "person": by},
        url=reverse("twinning:outcome_list", kwargs={"slug": pairing.slug}),
        occasion="recorded",
    )
    return outcome


@transaction.atomic
def outcome_check(*, outcome: Outcome, by) -> Outcome:
    """A coordinator of the pairing's edition (or staff) checks an outcome against its
    evidence: from then on it counts in the programme's figures."""
    if by is None or not by.has_perm("twinning.check_outcome", outcome.pairing):
        raise PermissionDenied(
            _("Only the coordinators of the pairing's edition and programme staff check outcomes.")
        )
    locked = (
        Outcome.objects.select_for_update(of=("self",))
        .select_related("checked_by")
        .get(pk=outcome.pk)
    )
    if locked.is_checked:
        raise ValidationError(
            _("%(person)s already checked this outcome on %(date)s.")
            % {
                "person": locked.checked_by or _("Someone"),
                "date": date_format(timezone.localtime(locked.checked_at), "DATE_FORMAT"),
            }
        )
    locked.checked_by = by
    locked.checked_at = timezone.now()
    locked._history_user = by
    locked.save(update_fields=["checked_by", "checked_at"])
    versions.bump(*outcome_versions(locked.pairing_id))
    return locked
