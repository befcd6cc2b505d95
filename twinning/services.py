import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cities.models import City
from worldcities import versions
from worldcities.pagination import in_batches

from .models import (
    NOTE_REQUIRED,
    Action,
    ActionProgressUpdate,
    Edition,
    EditionCity,
    MatchDecision,
    Milestone,
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
    from django.utils import timezone

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


# --- Matchmaking --------------------------------------------------------------------------------
MATCH_NOTE = "Accepted from the edition's matchmaking"


@transaction.atomic
def pairing_create(
    *,
    edition: Edition,
    eu_lead,
    partner_lead,
    by,
    thematic_areas=(),
    topics=(),
    objectives: str = "",
    note: str = "",
) -> Pairing:
    """A new pairing of the edition, proposed: its address made from its cities and years,
    its thematic areas and topics set, its first status recorded (who, when, why) and the
    lists that show pairings moved on."""
    pairing = Pairing(
        edition=edition,
        eu_lead=eu_lead,
        partner_lead=partner_lead,
        objectives=objectives,
        slug=pairing_slug_new(edition=edition, eu_lead=eu_lead, partner_lead=partner_lead),
    )
    pairing.full_clean()
    pairing._history_user = by
    pairing.save()
    pairing.thematic_areas.set(thematic_areas)
    pairing.topics.set(topics)
    PairingStatusChange.objects.create(
        pairing=pairing, from_status="", to_status=pairing.status, changed_by=by, note=note
    )
    versions.bump(*pairing_versions(pairing.pk), *edition_versions(edition.pk))
    return pairing


def _require_matchmaking(user, edition: Edition) -> None:
    if user is None or not user.has_perm("twinning.match_edition", edition):
        raise PermissionDenied(
            _("Only programme staff and the edition's coordinators match its cities.")
        )


def _participants(edition: Edition, eu_city, partner_city) -> dict:
    """The two cities' rows of the edition (``{city id: EditionCity}``), after checking that
    each takes part, on its side, and is in no pairing of the edition yet."""
    from .selectors import edition_paired_city_ids

    rows = {
        row.city_id: row
        for row in EditionCity.objects.filter(
            edition=edition, city_id__in=[eu_city.pk, partner_city.pk]
        )
        .select_related("city__country", "edition")
        .prefetch_related("thematic_areas", "topics")
    }
    for city in (eu_city, partner_city):
        if city.pk not in rows:
            raise ValidationError(
                _("%(city)s does not take part in %(edition)s.")
                % {"city": city, "edition": edition}
            )
    if not rows[eu_city.pk].is_eu_side:
        raise ValidationError(_("%(city)s is not on the EU side.") % {"city": eu_city})
    if rows[partner_city.pk].is_eu_side:
        raise ValidationError(_("%(city)s is not on the partner side.") % {"city": partner_city})
    paired = edition_paired_city_ids(edition)
    for city in (eu_city, partner_city):
        if city.pk in paired:
            raise ValidationError(
                _("%(city)s is already in a pairing of this edition.") % {"city": city}
            )
    return rows


@transaction.atomic
def match_decide(*, edition: Edition, eu_city, partner_city, kind: str, by) -> MatchDecision:
    """Pins a suggested pairing (the whole-edition assignment keeps it) or excludes it (it is
    no longer suggested). A city is pinned to one city at most: pinning it elsewhere is
    refused until that pin is removed."""
    _require_matchmaking(by, edition)
    if kind not in MatchDecision.Kind.values:
        raise ValidationError(_("Pin or exclude a suggestion."))
    _participants(edition, eu_city, partner_city)
    if kind == MatchDecision.Kind.PINNED:
        others = MatchDecision.objects.filter(edition=edition, kind=kind).exclude(
            eu_city=eu_city, partner_city=partner_city
        )
        clash = (
            others.filter(Q(eu_city=eu_city) | Q(partner_city=partner_city))
            .select_related("eu_city", "partner_city")
            .first()
        )
        if clash is not None:
            raise ValidationError(
                _(
                    "%(eu)s and %(partner)s are pinned together already: remove that pin "
                    "before pinning either city elsewhere."
                )
                % {"eu": clash.eu_city, "partner": clash.partner_city}
            )
    decision = (
        MatchDecision.objects.select_for_update()
        .filter(edition=edition, eu_city=eu_city, partner_city=partner_city)
        .first()
    ) or MatchDecision(edition=edition, eu_city=eu_city, partner_city=partner_city)
    decision.kind = kind
    decision.decided_by = by
    decision.full_clean(validate_constraints=False)
    decision.save()
    return decision


@transaction.atomic
def match_undo(*, edition: Edition, eu_city, partner_city, by) -> None:
    """Removes the pin or the exclusion of a pair: it is a plain suggestion again."""
    _require_matchmaking(by, edition)
    MatchDecision.objects.filter(
        edition=edition, eu_city=eu_city, partner_city=partner_city
    ).delete()


def _shared_or_all(first, second) -> list:
    shared = [item for item in first if item in second]
    return shared or list({item.pk: item for item in [*first, *second]}.values())


@transaction.atomic
def match_accept(*, edition: Edition, eu_city, partner_city, by) -> Pairing:
    """Makes a suggestion a pairing of the edition (proposed), with the thematic areas and
    topics both cities want (all that either wants when they share none); their
    decisions go, as the cities are now paired."""
    _require_matchmaking(by, edition)
    rows = _participants(edition, eu_city, partner_city)
    eu_row, partner_row = rows[eu_city.pk], rows[partner_city.pk]
    pairing = pairing_create(
        edition=edition,
        eu_lead=eu_row.city,
        partner_lead=partner_row.city,
        by=by,
        thematic_areas=_shared_or_all(
            list(eu_row.thematic_areas.all()), list(partner_row.thematic_areas.all())
        ),
        topics=_shared_or_all(list(eu_row.topics.all()), list(partner_row.topics.all())),
        note=MATCH_NOTE,
    )
    MatchDecision.objects.filter(edition=edition).filter(
        Q(eu_city=eu_city) | Q(partner_city=partner_city)
    ).delete()
    return pairing


@transaction.atomic
def match_assignment_accept(*, edition: Edition, by) -> list[Pairing]:
    """Accepts the whole-edition assignment as it stands: one pairing for each of its pairs,
    all or none."""
    from .selectors import edition_matchmaking

    _require_matchmaking(by, edition)
    # One at a time per edition: a second click waits and then finds the cities paired.
    Edition.objects.select_for_update().filter(pk=edition.pk).first()
    matchmaking = edition_matchmaking(edition, shown=0)
    if not matchmaking.assignment:
        raise ValidationError(_("There is no pairing to accept: no two unpaired cities match."))
    cities = {p.city_id: p for p in [*matchmaking.eu, *matchmaking.partners]}
    loaded = City.objects.in_bulk(cities)
    return [
        match_accept(
            edition=edition,
            eu_city=loaded[match.a.city_id],
            partner_city=loaded[match.b.city_id],
            by=by,
        )
        for match in matchmaking.assignment
    ]
