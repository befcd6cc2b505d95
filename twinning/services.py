import datetime
import logging
import re
from collections import defaultdict
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cities.models import City
from worldcities import versions
from worldcities.markup import render_markdown
from worldcities.pagination import in_batches
from worldcities.uploads import ATTACHMENT_EXTENSIONS, MAX_ATTACHMENT_SIZE, validate_upload
from worldcities.users.models import Role
from worldcities.users.permissions import is_delegate, is_programme_staff

from .models import (
    NOTE_REQUIRED,
    Action,
    ActionProgressUpdate,
    Application,
    ApplicationAnswer,
    ApplicationDocument,
    ApplicationPartner,
    Call,
    CallDocument,
    CallInvitation,
    Document,
    DocumentVersion,
    Edition,
    EditionCity,
    MatchDecision,
    Message,
    Milestone,
    Outcome,
    Pairing,
    PairingStatusChange,
    ReviewAssignment,
    ReviewCriterion,
    Score,
    Thread,
    ThreadRead,
)

logger = logging.getLogger(__name__)

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
        # The pairing and owners are unchanged. ``Action.clean`` checks in Python what the
        # check constraints hold, so they are not checked again by a query each.
        action.full_clean(
            exclude=["pairing", "owner_organisation", "owner_person"], validate_constraints=False
        )
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


# --- Calls for cities and applications ------------------------------------------------------------
# An application's documents are PDFs, checked as practice attachments are
# (``worldcities.uploads``).
APPLICATION_DOCUMENT_EXTENSIONS = ("pdf",)
MAX_APPLICATION_DOCUMENT_SIZE = 10 * 1024 * 1024


def _require_delegate_of(by, city) -> None:
    if not (is_delegate(by) and by.city_id == city.pk):
        raise PermissionDenied(_("Only a delegate of %(city)s may apply for it.") % {"city": city})


def call_window_problem(call: Call, now) -> str | None:
    """Why nothing can be started or handed in to ``call`` at ``now``, or None."""
    if now < call.opens_at:
        return _("The call opens on %(moment)s.") % {"moment": call.opens_in_zone}
    if now >= call.closes_at:
        return _(
            "The call closed on %(moment)s: applications are no longer accepted or changed."
        ) % {"moment": call.closes_in_zone}
    return None


def call_eligibility_problem(*, call: Call, city) -> str | None:
    """Why ``city`` may not apply to ``call`` (its country, size or kind), or None."""
    edition = call.edition
    country = city.country
    if country.is_eu_member_during(edition.start_date, edition.end_date):
        allowed = list(call.eu_countries.all())
    else:
        allowed = list(call.partner_countries.all()) or list(edition.partner_countries.all())
    if allowed and country not in allowed:
        return _("The call is not open to cities of %(country)s.") % {"country": country}
    population = city.population
    if call.min_population is not None and (population is None or population < call.min_population):
        return _("The call is open to cities of at least %(count)s inhabitants.") % {
            "count": f"{call.min_population:,}".replace(",", " ")
        }
    if call.max_population is not None and (population is None or population > call.max_population):
        return _("The call is open to cities of at most %(count)s inhabitants.") % {
            "count": f"{call.max_population:,}".replace(",", " ")
        }
    if city.kind == city.Kind.ALLIANCE and not call.alliances_allowed:
        return _("Alliances of cities may not apply to this call: each city applies on its own.")
    return None


@transaction.atomic
def application_start(*, call: Call, city, by) -> Application:
    """Starts ``city``'s application to ``call`` as a draft, if the call is open, the city is
    eligible and (when the call says so) has not applied already."""
    _require_delegate_of(by, city)
    call = Call.objects.select_for_update().select_related("edition").get(pk=call.pk)
    problem = call_window_problem(call, timezone.now()) or call_eligibility_problem(
        call=call, city=city
    )
    if problem:
        raise ValidationError(problem)
    if call.one_application_per_city and Application.objects.filter(call=call, city=city).exists():
        raise ValidationError(
            _("%(city)s has already applied to this call: a city applies once.") % {"city": city}
        )
    application = Application(call=call, city=city, created_by=by)
    application.full_clean()
    application.save()
    return application


def application_lock_for_change(*, application: Application, by) -> Application:
    """The application, locked, if ``by`` may change it now: a delegate of its city, while it
    is a draft and the call is open. Apps that keep a part of an application (the practices
    attached to it) call it in their own services before they write."""
    if not by.has_perm("twinning.edit_application", application):
        raise PermissionDenied(_("Only a delegate of the city may change its application."))
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call__edition", "city")
        .get(pk=application.pk)
    )
    if locked.status != Application.Status.DRAFT:
        raise ValidationError(
            _("This application is %(status)s: it can no longer be changed.")
            % {"status": locked.get_status_display().lower()}
        )
    problem = call_window_problem(locked.call, timezone.now())
    if problem:
        raise ValidationError(problem)
    return locked


@transaction.atomic
def application_save_draft(
    *,
    application: Application,
    by,
    thematic_areas,
    topics,
    goals: str,
    experience: str,
    delegation: str,
    answers: dict[int, str],
) -> Application:
    """Saves what the applicant filled in so far (every sitting, and every autosave): the
    thematic areas and topics, the texts and the answers to the call's questions. Either all
    of it is saved or, on an error, none of it."""
    application = application_lock_for_change(application=application, by=by)
    call = application.call
    errors = {}
    offered = set(call.thematic_areas.values_list("pk", flat=True))
    areas = list(thematic_areas)
    if offered:
        outside = [area.name for area in areas if area.pk not in offered]
        if outside:
            errors["thematic_areas"] = _("Not a thematic area of this call: %(areas)s.") % {
                "areas": ", ".join(outside)
            }
    area_ids = {area.pk for area in areas}
    topics = list(topics)
    stray = [topic.name for topic in topics if topic.area_id not in area_ids]
    if stray:
        errors["topics"] = _(
            "Tick the thematic area of each topic you choose (missing for: %(topics)s)."
        ) % {"topics": ", ".join(stray)}
    questions = {question.pk: question for question in call.questions.all()}
    for question_id, text in answers.items():
        question = questions.get(question_id)
        if question is None:
            errors["__all__"] = _("An answer was sent for a question this call does not ask.")
        elif len(text) > question.max_length:
            errors[f"answer_{question_id}"] = _(
                "Keep this answer to %(limit)s characters (it has %(count)s)."
            ) % {"limit": question.max_length, "count": len(text)}
    application.goals = goals
    application.experience = experience
    application.delegation = delegation
    try:
        application.full_clean(exclude=["call", "city", "created_by"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    application.save(update_fields=["goals", "experience", "delegation", "updated_at"])
    application.thematic_areas.set(areas)
    application.topics.set(topics)
    existing = {answer.question_id: answer for answer in application.answers.all()}
    new, changed = [], []
    for question_id, text in answers.items():
        answer = existing.get(question_id)
        if answer is None:
            new.append(
                ApplicationAnswer(application=application, question_id=question_id, text=text)
            )
        elif answer.text != text:
            answer.text = text
            changed.append(answer)
    ApplicationAnswer.objects.bulk_create(new)
    ApplicationAnswer.objects.bulk_update(changed, ["text", "updated_at"])
    return application


@transaction.atomic
def application_partner_add(
    *, application: Application, by, sector: str, name: str, role: str = ""
) -> ApplicationPartner:
    """Adds an organisation of the city's triple helix to the application."""
    application = application_lock_for_change(application=application, by=by)
    partner = ApplicationPartner(
        application=application, sector=sector, name=name.strip(), role=role.strip()
    )
    partner.full_clean()
    partner.save()
    Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())
    return partner


@transaction.atomic
def application_partner_remove(*, partner: ApplicationPartner, by) -> None:
    application_lock_for_change(application=partner.application, by=by)
    partner.delete()


@transaction.atomic
def application_document_upload(
    *, application: Application, required_document: CallDocument, upload, by
) -> ApplicationDocument:
    """Keeps a PDF for one of the documents the call asks for, in place of the one uploaded
    before (whose file is removed once the change is committed)."""
    application = application_lock_for_change(application=application, by=by)
    if required_document.call_id != application.call_id:
        raise ValidationError(_("This call does not ask for that document."))
    validate_upload(
        upload,
        allowed=APPLICATION_DOCUMENT_EXTENSIONS,
        max_size=MAX_APPLICATION_DOCUMENT_SIZE,
    )
    previous = ApplicationDocument.objects.filter(
        application=application, required_document=required_document
    ).first()
    document = ApplicationDocument(
        application=application,
        required_document=required_document,
        original_name=PurePath(upload.name).name[:255],
        size=upload.size,
        uploaded_by=by,
    )
    document.file.save(upload.name, upload, save=False)
    if previous is not None:
        old_file = previous.file
        previous.delete()
        transaction.on_commit(lambda: old_file.delete(save=False))
    stored = document.file
    try:
        document.full_clean(exclude=["file"])
        document.save()
    except Exception:
        stored.delete(save=False)
        raise
    return document


@transaction.atomic
def application_submit(*, application: Application, by) -> Application:
    """Hands the application in, complete and before the call closes (the time is the
    server's, the deadline the call's, shown in its zone); the submitter gets a receipt."""
    from .selectors import application_completeness, application_for_completeness

    if not by.has_perm("twinning.edit_application", application):
        raise PermissionDenied(_("Only a delegate of the city may submit its application."))
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call__edition", "city")
        .get(pk=application.pk)
    )
    if locked.status == Application.Status.SUBMITTED:
        raise ValidationError(_("This application was already submitted."))
    if locked.status == Application.Status.WITHDRAWN:
        raise ValidationError(_("This application was withdrawn: it cannot be submitted."))
    now = timezone.now()
    if now >= locked.call.closes_at:
        raise ValidationError(
            _("The call closed on %(moment)s: late applications are not accepted.")
            % {"moment": locked.call.closes_in_zone}
        )
    problem = call_window_problem(locked.call, now)
    if problem:
        raise ValidationError(problem)
    completeness = application_completeness(application_for_completeness(locked.pk))
    if completeness.missing:
        raise ValidationError(
            _("Complete the application before you submit it. Still missing: %(missing)s.")
            % {"missing": "; ".join(str(item.label) for item in completeness.missing)}
        )
    locked.status = Application.Status.SUBMITTED
    locked.submitted_at = now
    locked.submitted_by = by
    locked.full_clean(exclude=["call", "city", "created_by"])
    locked.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    _application_receipt_send(application=locked, to=by)
    return locked


def _application_receipt_send(*, application: Application, to) -> None:
    """E-mails the submitter (once per application) that the application was received, with
    the link to its PDF receipt."""
    from worldcities.notifications.services import email_queue

    url = settings.SITE_URL.rstrip("/") + reverse(
        "twinning:application_receipt",
        kwargs={
            "slug": application.call.edition.slug,
            "call": application.call.slug,
            "pk": application.pk,
        },
    )
    with translation.override(to.language or settings.LANGUAGE_CODE):
        subject = _("Application %(reference)s received: %(call)s") % {
            "reference": application.reference,
            "call": application.call,
        }
        submitted = application.call.in_zone(application.submitted_at)
    email_queue(
        key=f"application-submitted:{application.pk}",
        kind="application_submitted",
        recipient=to,
        template="twinning/email/application_submitted",
        context={"application": application, "url": url, "submitted": submitted},
        subject=subject,
    )


@transaction.atomic
def application_withdraw(*, application: Application, by, reason: str = "") -> Application:
    """Withdraws a draft or a submitted application, until a decision is made on it."""
    if not by.has_perm("twinning.edit_application", application):
        raise PermissionDenied(_("Only a delegate of the city may withdraw its application."))
    locked = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if locked.status == Application.Status.WITHDRAWN:
        raise ValidationError(_("This application was already withdrawn."))
    if locked.decision:
        raise ValidationError(
            _("A decision was made on this application: it can no longer be withdrawn.")
        )
    locked.status = Application.Status.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.withdrawal_reason = reason.strip()[:500]
    locked.save(update_fields=["status", "withdrawn_at", "withdrawal_reason", "updated_at"])
    return locked


def call_invitation_check(*, call: Call, city, email: str) -> None:
    """Raises a ValidationError (per field) if ``email`` may not be invited to apply for
    ``city``: a closed call, a city the call is not open to, an address invited already or
    one of an account that is not a delegate of the city."""
    from worldcities.users.models import User

    if timezone.now() >= call.closes_at:
        raise ValidationError(_("The call has closed: nobody can apply any more."))
    problem = call_eligibility_problem(call=call, city=city)
    if problem:
        raise ValidationError({"city": problem})
    if CallInvitation.objects.filter(call=call, email__iexact=email).exists():
        raise ValidationError({"email": _("This address was already invited to this call.")})
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and not (user.role == Role.DELEGATE and user.city_id == city.pk):
        raise ValidationError(
            {
                "email": _(
                    "This address belongs to an account that is not a delegate of %(city)s: "
                    "invite another address, or change the account first."
                )
                % {"city": city}
            }
        )


@transaction.atomic
def call_invitation_send(*, call: Call, city, email: str, by) -> CallInvitation:
    """Invites a person to apply for ``city``: an account is made for them (a delegate of
    the city) unless they have one, and they are e-mailed the call with, for a new account,
    the link to choose a password."""
    from worldcities.notifications.services import email_queue
    from worldcities.users.models import User
    from worldcities.users.services import password_set_url, user_create

    if not is_programme_staff(by):
        raise PermissionDenied(_("Only programme staff invite cities to apply."))
    email = User.objects.normalize_email(email).strip()
    call_invitation_check(call=call, city=city, email=email)
    user = User.objects.filter(email__iexact=email).first()
    new_account = user is None
    if user is None:
        user = user_create(email=email, role=Role.DELEGATE, city=city, send_invitation=False)
    invitation = CallInvitation(call=call, city=city, email=email, user=user, invited_by=by)
    invitation.full_clean()
    invitation.save()
    context = {
        "call": call,
        "city": city,
        "user": user,
        "call_url": settings.SITE_URL.rstrip("/") + call.get_absolute_url(),
        "password_url": password_set_url(user) if new_account else "",
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _("Apply for %(city)s: %(call)s") % {"city": city, "call": call}
        context["closes"] = call.closes_in_zone
    email_queue(
        key=f"call-invitation:{invitation.pk}",
        kind="call_invitation",
        recipient=user,
        template="twinning/email/call_invitation",
        context=context,
        subject=subject,
    )
    return invitation


# --- The review of a call -----------------------------------------------------------------------
# Programme staff assign reviewers to submitted applications; each reviewer declares whether
# they have a conflict of interest (a conflict withdraws them), then scores every criterion;
# staff decide with a reason and send the decisions, which makes the selected cities join the
# edition. The rules are in ``twinning.permissions``; every service checks them again.
DECISION_REASON_REQUIRED = gettext_lazy(
    "Give the reason for this decision: the city reads it in the e-mail that tells it."
)


def _require_staff(user, message=None) -> None:
    if user is None or not user.has_perm("twinning.manage_review"):
        raise PermissionDenied(message or _("Only programme staff manage the review of a call."))


def _may_review(user) -> bool:
    """Coordinators, outside experts and programme staff review; a delegate never does."""
    from worldcities.users.models import Role

    return bool(user.is_active and user.role != Role.DELEGATE)


@transaction.atomic
def review_assign(*, application: Application, reviewer, by) -> ReviewAssignment:
    """Asks ``reviewer`` (a coordinator, an expert or programme staff) to review a submitted
    application. A delegate of the applying city is refused; so is a second assignment."""
    _require_staff(by)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted application is reviewed."))
    if not _may_review(reviewer):
        raise ValidationError(
            {
                "reviewer": _("%(person)s cannot review: choose a coordinator or an expert.")
                % {"person": reviewer}
            }
        )
    assignment = ReviewAssignment(application=application, reviewer=reviewer, assigned_by=by)
    assignment.full_clean()
    assignment.save()
    review_assignment_notify(assignment=assignment)
    return assignment


def review_assignment_notify(*, assignment: ReviewAssignment):
    """Tells the reviewer, in their language, that they are asked for this review: the call,
    the city, the dates that bound the review and the link to it. A notification and (as they
    chose) an e-mail, written with the assignment and sent once it is committed; told once,
    however often this runs. A reviewer assigned in place of one who declared a conflict is
    a new assignment, hence told too."""
    from worldcities.notifications.models import Kind
    from worldcities.notifications.services import notify

    assignment = ReviewAssignment.objects.select_related(
        "reviewer", "application__city", "application__call__edition"
    ).get(pk=assignment.pk)
    reviewer, application = assignment.reviewer, assignment.application
    call = application.call
    selection = (
        Milestone.objects.filter(edition=call.edition, kind=Milestone.Kind.SELECTION)
        .order_by("order", "start_date")
        .first()
    )
    with translation.override(getattr(reviewer, "language", None) or settings.LANGUAGE_CODE):
        facts = {"city": application.city.name, "call": call.title}
        lines = [
            _("Programme staff ask you to review the application of %(city)s to “%(call)s”.")
            % facts,
            _("The call closed on %(moment)s.") % {"moment": call.closes_in_zone}
            if call.closes_at <= timezone.now()
            else _("The call closes on %(moment)s.") % {"moment": call.closes_in_zone},
        ]
        if selection is not None:
            lines.append(
                _("The cities are selected by %(date)s: please review before then.")
                % {"date": date_format(selection.end_date or selection.start_date, "DATE_FORMAT")}
            )
        lines.append(
            _(
                "First declare whether anything links you to the city or its application; "
                "then read it and score it."
            )
        )
        return notify(
            recipient=reviewer,
            kind=Kind.REVIEW_ASSIGNED,
            target=assignment,
            title=_("Please review the application of %(city)s") % facts,
            body="\n\n".join(str(line) for line in lines),
            url=reverse("twinning:review_assignment", kwargs={"pk": assignment.pk}),
            occasion="assigned",
        )


@transaction.atomic
def review_declare(
    *, assignment: ReviewAssignment, by, conflict: bool, note: str = ""
) -> ReviewAssignment:
    """Records the reviewer's declaration: no conflict opens the scoring; a conflict (said in
    ``note``) withdraws them from this review for good."""
    assignment = (
        ReviewAssignment.objects.select_for_update()
        .select_related("application")
        .get(pk=assignment.pk)
    )
    if by is None or not by.has_perm("twinning.declare_conflict", assignment):
        raise PermissionDenied(_("You are not assigned to review this application."))
    if assignment.conflict_of_interest is not None:
        raise ValidationError(_("You already declared whether you have a conflict of interest."))
    note = (note or "").strip()
    if conflict and not note:
        raise ValidationError(
            {
                "conflict_note": _(
                    "Say what the conflict is: staff read it to find another reviewer."
                )
            }
        )
    assignment.conflict_of_interest = conflict
    assignment.conflict_note = note if conflict else ""
    assignment.conflict_declared_at = timezone.now()
    assignment.state = (
        ReviewAssignment.State.CONFLICT if conflict else ReviewAssignment.State.IN_PROGRESS
    )
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def review_score(
    *, assignment: ReviewAssignment, by, scores: dict, comment: str = ""
) -> ReviewAssignment:
    """Saves the reviewer's scores, one per criterion of the call (``scores``: criterion id →
    (value, comment)), and submits the review. Every criterion is scored, each within its
    scale; otherwise nothing is saved. Scores change until the application is decided."""
    assignment = (
        ReviewAssignment.objects.select_for_update()
        .select_related("application__call")
        .get(pk=assignment.pk)
    )
    if by is None or not by.has_perm("twinning.declare_conflict", assignment):
        raise PermissionDenied(_("You are not assigned to review this application."))
    if assignment.conflict_of_interest is None:
        raise ValidationError(_("Declare first whether you have a conflict of interest."))
    if not by.has_perm("twinning.score_application", assignment):
        raise PermissionDenied(
            _("You declared a conflict of interest: you no longer review this application.")
        )
    application = assignment.application
    if application.decision:
        raise ValidationError(_("The application is decided: its scores no longer change."))
    existing = {score.criterion_id: score for score in assignment.scores.all()}
    errors, rows = {}, []
    for criterion in ReviewCriterion.objects.filter(call=application.call_id):
        field = f"score_{criterion.pk}"
        value, note = scores.get(criterion.pk, (None, ""))
        if value is None or value == "":
            errors[field] = [
                _("Score “%(criterion)s” from 0 to %(max)s.")
                % {"criterion": criterion.name, "max": criterion.scale_max}
            ]
            continue
        score = existing.get(criterion.pk) or Score(assignment=assignment, criterion=criterion)
        score.criterion = criterion
        score.assignment = assignment
        score.value = value
        score.comment = (note or "").strip()
        try:
            if not isinstance(value, int) or value < 0:
                raise ValidationError(
                    {
                        "value": _("A score for “%(criterion)s” is between 0 and %(max)s.")
                        % {"criterion": criterion.name, "max": criterion.scale_max}
                    }
                )
            score.full_clean(exclude=["assignment", "criterion"])
        except ValidationError as exc:
            errors[field] = exc.message_dict.get("value") or exc.messages
            continue
        rows.append(score)
    if errors:
        raise ValidationError(errors)
    for score in rows:
        score.save()
    assignment.comment = (comment or "").strip()
    assignment.state = ReviewAssignment.State.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["comment", "state", "submitted_at"])
    return assignment


@transaction.atomic
def application_decide(
    *, application: Application, by, decision: str, reason: str = ""
) -> Application:
    """Records staff's decision on a submitted application: selected, reserve list or not
    selected, with the reason the city will read (required unless selected). A decision sent
    to the city no longer changes, except a city on the reserve list that is later selected
    or not."""
    _require_staff(by, _("Only programme staff decide on applications."))
    application = Application.objects.select_for_update().get(pk=application.pk)
    reason = (reason or "").strip()
    errors = {}
    if application.status != Application.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted application is decided on."))
    if decision not in Application.Decision.values:
        errors["decision"] = [_("Choose selected, reserve list or not selected.")]
    elif decision != Application.Decision.SELECTED and not reason:
        errors["decision_reason"] = [DECISION_REASON_REQUIRED]
    if application.decision_sent_at and application.decision != Application.Decision.RESERVE:
        errors.setdefault("decision", []).append(
            _("The decision was already sent to the city: it no longer changes.")
        )
    if errors:
        raise ValidationError(errors)
    if decision == application.decision and reason == application.decision_reason:
        return application
    application.decision = decision
    application.decision_reason = reason
    application.decided_by = by
    application.decided_at = timezone.now()
    application.decision_sent_at = None
    application.full_clean(exclude=["call", "city"])
    application._history_user = by
    application.save()
    return application


@transaction.atomic
def edition_city_join(*, application: Application) -> EditionCity:
    """Makes the city of a selected application take part in the call's edition, with the
    thematic areas, topics and goals it applied with. A city staff had already added keeps
    its row, which then names the application and gains what the city applied with."""
    application = Application.objects.select_related("call__edition", "city").get(pk=application.pk)
    if application.decision != Application.Decision.SELECTED:
        raise ValidationError(_("Only a selected city joins the edition."))
    edition = application.call.edition
    joined = (
        EditionCity.objects.select_for_update()
        .filter(edition=edition, city=application.city)
        .first()
    )
    if joined is None:
        joined = EditionCity(edition=edition, city=application.city)
    joined.application = application
    joined.goals = application.goals or joined.goals
    joined.full_clean()
    joined.save()
    joined.thematic_areas.add(*application.thematic_areas.all())
    joined.topics.add(*application.topics.all())
    # What the edition's cities want is read by matchmaking and "cities like yours".
    versions.bump(*edition_versions(edition.pk))
    return joined


@transaction.atomic
def call_decisions_send(*, call: Call, by) -> list[int]:
    """Sends every decision of the call not yet sent: the selected cities join the edition
    (``edition_city_join``), and the people of each city are told in the background, each in
    their language, once (``application_decisions_notify``). Returns the applications told."""
    _require_staff(by, _("Only programme staff send the decisions."))
    waiting = list(
        Application.objects.select_for_update()
        .filter(call=call, status=Application.Status.SUBMITTED, decision_sent_at__isnull=True)
        .exclude(decision="")
        .order_by("pk")
    )
    if not waiting:
        raise ValidationError(_("No decision is waiting to be sent."))
    now = timezone.now()
    for application in waiting:
        if application.decision == Application.Decision.SELECTED:
            edition_city_join(application=application)
    ids = [application.pk for application in waiting]
    Application.objects.filter(pk__in=ids).update(decision_sent_at=now)
    transaction.on_commit(lambda: _decisions_enqueue(ids))
    return ids


def _decisions_enqueue(application_ids: list[int]) -> None:
    """Hands the telling of the decisions to a worker. If the broker is away, staff's request
    still succeeds: the notices are made here instead, and their e-mails wait in the outbox
    for its sweep."""
    from .tasks import send_application_decisions

    try:
        send_application_decisions.delay(application_ids)
    except Exception as exc:  # the broker's client raises many kinds of connection error
        logger.warning("could not enqueue the decisions (%s); telling the cities now", exc)
        with transaction.atomic():
            application_decisions_notify(application_ids=application_ids)


def _decision_notice(application: Application, person):
    """What one person of the city is told of the decision, in their language."""
    from worldcities.notifications.services import Notice

    language = getattr(person, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        return Notice(
            recipient=person,
            title=_("Decision on the application of %(city)s: %(decision)s")
            % {
                "city": application.city.name,
                "decision": Application.Decision(application.decision).label.lower(),
            },
            body=_decision_text(application),
            url=application.get_absolute_url(),
        )


def _decision_text(application: Application) -> str:
    """The decision and its reason, in the active language."""
    texts = {
        Application.Decision.SELECTED: _(
            "%(city)s is selected for %(edition)s. Welcome to the programme: the coordinators "
            "will be in touch about the next steps."
        ),
        Application.Decision.RESERVE: _(
            "%(city)s is on the reserve list of %(edition)s. We will tell you if a place comes "
            "free."
        ),
        Application.Decision.NOT_SELECTED: _(
            "%(city)s is not selected for %(edition)s. Thank you for applying."
        ),
    }
    facts = {"city": application.city.name, "edition": application.call.edition.name}
    body = texts[Application.Decision(application.decision)] % facts
    if application.decision_reason:
        body += "\n\n" + _("The reason: %(reason)s") % {"reason": application.decision_reason}
    return body


def application_decisions_notify(*, application_ids: list[int]) -> int:
    """Tells the people of each city (its delegates, and whoever submitted the application)
    the decision sent, each in their language: a fixed number of queries however many. Safe
    to run again: whoever was told of a decision is not told of it twice."""
    from worldcities.notifications.models import Kind
    from worldcities.notifications.services import notify_each
    from worldcities.users.models import Role, User

    applications = list(
        Application.objects.filter(
            pk__in=application_ids,
            decision_sent_at__isnull=False,
            status=Application.Status.SUBMITTED,
        )
        .exclude(decision="")
        .select_related("call__edition", "city", "submitted_by")
        .order_by("pk")
    )
    city_ids = {application.city_id for application in applications}
    people = defaultdict(dict)
    for person in User.objects.filter(
        city__in=city_ids, role=Role.DELEGATE, is_active=True
    ).order_by("pk"):
        people[person.city_id][person.pk] = person
    occasions = []
    for application in applications:
        recipients = dict(people[application.city_id])
        if application.submitted_by is not None and application.submitted_by.is_active:
            recipients.setdefault(application.submitted_by_id, application.submitted_by)
        notices = [_decision_notice(application, person) for person in recipients.values()]
        occasions.append((application, f"decision:{application.decision}", notices))
    return notify_each(kind=Kind.APPLICATION_DECISION, occasions=occasions)


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


# --- Outcomes -----------------------------------------------------------------------------------
# What shows the checked outcomes of every pairing: the home page's impact figures and charts.
OUTCOMES = "outcomes"
OUTCOME_FIELDS = (
    "kind",
    "title",
    "description",
    "city",
    "action",
    "opportunity",
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


# --- Workspaces and the community ----------------------------------------------------------------
# A mention: "@" at the start of the text or after a space or an opening bracket, then the
# person's name as it is shown (the first words of what follows; the longest name that fits).
MENTION_START = re.compile(r"(?:^|(?<=[\s(\[]))@(?=\w)")
MENTION_WORD = re.compile(r"\w[\w.'’-]*")


def _space_check(*, by, pairing: Pairing | None, thematic_area) -> None:
    """Refuses a write in a space the person may not write in, with a message they can read."""
    if pairing is not None:
        if not by.has_perm("twinning.use_workspace", pairing):
            raise ValidationError(
                _("You are not a member of this pairing's workspace: you cannot write in it.")
            )
    elif not by.has_perm("twinning.use_community"):
        raise ValidationError(
            _("The community spaces are for city delegates, coordinators and programme staff.")
        )


def _members_of(*, pairing: Pairing | None):
    from .selectors import community_members, workspace_members

    return workspace_members(pairing) if pairing is not None else community_members()


def mentions_in(body: str, *, pairing: Pairing | None):
    """The people ``body`` mentions (``@Name``), all members of the space (the pairing's
    workspace, or the community when ``pairing`` is None); a mention of anyone else (or of a
    name nobody in the space has) raises ValidationError naming it. One query."""
    starts = [match.end() for match in MENTION_START.finditer(body or "")]
    if not starts:
        return []
    tails = [body[start : start + 200] for start in starts]
    first_words = {MENTION_WORD.match(tail).group(0) for tail in tails}
    wanted = Q()
    for word in first_words:
        wanted |= Q(full_name__istartswith=word)
    candidates = sorted(
        _members_of(pairing=pairing).filter(wanted).exclude(full_name=""),
        key=lambda person: -len(person.full_name),
    )
    found, unknown = {}, []
    for tail in tails:
        folded = tail.casefold()
        for person in candidates:
            name = person.full_name.casefold()
            after = folded[len(name) : len(name) + 1]
            if folded.startswith(name) and not (after.isalnum() or after == "_"):
                found[person.pk] = person
                break
        else:
            words = MENTION_WORD.findall(tail.split("\n", 1)[0])[:2]
            unknown.append("@" + " ".join(words))
    if unknown:
        where = _("this pairing's workspace") if pairing is not None else _("the community spaces")
        raise ValidationError(
            _(
                "%(names)s cannot be mentioned: only members of %(where)s can. "
                "Choose a name from the list of members."
            )
            % {"names": ", ".join(dict.fromkeys(unknown)), "where": where},
            code="mention_outside",
        )
    return list(found.values())


def _message_new(*, thread: Thread, by, body: str) -> Message:
    message = Message(thread=thread, author=by, body=body, body_html=render_markdown(body))
    message.full_clean(exclude=["thread"])
    message.save()
    return message


def _tell(*, kind: str, target, recipients, title: str, url: str, body: str = "") -> None:
    """The notices of a discussion or document, made in the background once the change is
    committed, each person told once (``worldcities.notifications``)."""
    from worldcities.notifications.services import notify_people_later

    notify_people_later(
        kind=kind, target=target, recipients=recipients, title=title, body=body, url=url
    )


def _excerpt(text: str, limit: int = 280) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@transaction.atomic
def thread_start(
    *, by, title: str, body: str, pairing: Pairing | None = None, thematic_area=None
) -> Thread:
    """Opens a discussion in a pairing's workspace or in a thematic area's community space,
    with its first message. Those it mentions are told so; in a workspace, its other members
    are told of the new thread."""
    from worldcities.notifications.models import Kind

    if (pairing is None) == (thematic_area is None):
        raise ValidationError(_("Choose a workspace or a thematic area for the discussion."))
    _space_check(by=by, pairing=pairing, thematic_area=thematic_area)
    mentioned = mentions_in(body, pairing=pairing)
    thread = Thread(pairing=pairing, thematic_area=thematic_area, title=title.strip(), author=by)
    thread.full_clean()
    thread.save()
    message = _message_new(thread=thread, by=by, body=body)
    message.mentions.set(mentioned)
    Thread.objects.filter(pk=thread.pk).update(message_count=1, last_posted_at=message.created_at)
    thread_mark_read(thread=thread, user=by, message_id=message.pk)
    url = thread.get_absolute_url()
    told = {by.pk, *(person.pk for person in mentioned)}
    if mentioned:
        _tell(
            kind=Kind.MENTION,
            target=message,
            recipients=_members_of(pairing=pairing).filter(pk__in=told - {by.pk}),
            title=_("%(person)s mentioned you in “%(thread)s”")
            % {"person": by, "thread": thread.title},
            body=_excerpt(body),
            url=url,
        )
    if pairing is not None:
        _tell(
            kind=Kind.WORKSPACE_THREAD,
            target=thread,
            recipients=_members_of(pairing=pairing).exclude(pk__in=told),
            title=_("New thread in the %(pairing)s workspace: “%(thread)s”")
            % {"pairing": pairing, "thread": thread.title},
            body=_excerpt(body),
            url=url,
        )
    return thread


@transaction.atomic
def message_post(*, thread: Thread, by, body: str) -> Message:
    """A reply in a thread. Those it mentions are told so; everyone else who wrote in the
    thread is told of the reply (each once)."""
    from worldcities.notifications.models import Kind

    pairing = thread.pairing if thread.pairing_id else None
    _space_check(by=by, pairing=pairing, thematic_area=thread.thematic_area_id)
    mentioned = mentions_in(body, pairing=pairing)
    # One reply at a time per thread: the count and the latest time stay true.
    Thread.objects.select_for_update().filter(pk=thread.pk).first()
    message = _message_new(thread=thread, by=by, body=body)
    message.mentions.set(mentioned)
    Thread.objects.filter(pk=thread.pk).update(
        message_count=F("message_count") + 1, last_posted_at=message.created_at
    )
    thread_mark_read(thread=thread, user=by, message_id=message.pk)
    url = f"{thread.get_absolute_url()}?page=last#message-{message.pk}"
    told = {by.pk, *(person.pk for person in mentioned)}
    if mentioned:
        _tell(
            kind=Kind.MENTION,
            target=message,
            recipients=_members_of(pairing=pairing).filter(pk__in=told - {by.pk}),
            title=_("%(person)s mentioned you in “%(thread)s”")
            % {"person": by, "thread": thread.title},
            body=_excerpt(body),
            url=url,
        )
    writers = Message.objects.filter(thread=thread).values("author")
    _tell(
        kind=Kind.DISCUSSION_REPLY,
        target=message,
        recipients=_members_of(pairing=pairing).filter(pk__in=writers).exclude(pk__in=told),
        title=_("%(person)s replied in “%(thread)s”") % {"person": by, "thread": thread.title},
        body=_excerpt(body),
        url=url,
    )
    return message


def thread_mark_read(*, thread: Thread, user, message_id: int) -> None:
    """Records that ``user`` has seen ``thread`` up to ``message_id`` (never backwards), in
    one statement."""
    if not message_id:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {ThreadRead._meta.db_table} (thread_id, user_id, last_read_message_id)
            VALUES (%s, %s, %s)
            ON CONFLICT (user_id, thread_id) DO UPDATE
            SET last_read_message_id = GREATEST(
                {ThreadRead._meta.db_table}.last_read_message_id,
                EXCLUDED.last_read_message_id
            )
            """,  # noqa: S608  (names from the model, values as parameters)
            [thread.pk, user.pk, message_id],
        )


def _checked_file(upload) -> str:
    """The content type of an upload that passes the practice attachments' checks."""
    if upload is None:
        raise ValidationError({"file": _("Choose a file to upload.")})
    try:
        return validate_upload(upload, allowed=ATTACHMENT_EXTENSIONS, max_size=MAX_ATTACHMENT_SIZE)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc


def _version_new(*, document: Document, number: int, upload, content_type: str, by, note: str):
    version = DocumentVersion(
        document=document,
        number=number,
        file=upload,
        original_name=(upload.name or "")[-255:],
        content_type=content_type,
        size=upload.size,
        note=note,
        uploaded_by=by,
    )
    version.full_clean(exclude=["document"])
    version.save()
    Document.objects.filter(pk=document.pk).update(
        latest_version=version, updated_at=version.uploaded_at
    )
    document.latest_version = version
    document.updated_at = version.uploaded_at
    return version


def _tell_version(version: DocumentVersion, *, by, new: bool) -> None:
    from worldcities.notifications.models import Kind

    document = version.document
    pairing = document.pairing
    title = (
        _("New document in the %(pairing)s workspace: “%(document)s”")
        if new
        else _("Version %(number)s of “%(document)s” in the %(pairing)s workspace")
    ) % {"pairing": pairing, "document": document.title, "number": version.number}
    _tell(
        kind=Kind.DOCUMENT_VERSION,
        target=version,
        recipients=_members_of(pairing=pairing).exclude(pk=by.pk),
        title=title,
        body=version.note,
        url=reverse_document(document),
    )


def reverse_document(document: Document) -> str:
    from django.urls import reverse

    return reverse(
        "twinning:document_detail",
        kwargs={"slug": document.pairing.slug, "document_pk": document.pk},
    )


@transaction.atomic
def document_add(
    *, pairing: Pairing, by, title: str, upload, description: str = "", note: str = ""
) -> Document:
    """A new document in the pairing's library, with its first version. The file is checked
    as practice attachments are; the workspace's members are told."""
    _space_check(by=by, pairing=pairing, thematic_area=None)
    content_type = _checked_file(upload)
    document = Document(
        pairing=pairing, title=title.strip(), description=description.strip(), created_by=by
    )
    document.full_clean()
    document.save()
    version = _version_new(
        document=document, number=1, upload=upload, content_type=content_type, by=by, note=note
    )
    _tell_version(version, by=by, new=True)
    return document


@transaction.atomic
def document_version_add(*, document: Document, by, upload, note: str = "") -> DocumentVersion:
    """A new version of a document: the earlier ones stay downloadable. Checked as practice
    attachments are; the workspace's members are told."""
    pairing = document.pairing
    _space_check(by=by, pairing=pairing, thematic_area=None)
    content_type = _checked_file(upload)
    locked = Document.objects.select_for_update().get(pk=document.pk)
    last = locked.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = _version_new(
        document=document,
        number=last + 1,
        upload=upload,
        content_type=content_type,
        by=by,
        note=note.strip(),
    )
    _tell_version(version, by=by, new=False)
    return version
