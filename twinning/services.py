import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from worldcities import versions
from worldcities.markup import render_markdown
from worldcities.pagination import in_batches
from worldcities.uploads import ATTACHMENT_EXTENSIONS, MAX_ATTACHMENT_SIZE, validate_upload

from .models import (
    NOTE_REQUIRED,
    Action,
    ActionProgressUpdate,
    Document,
    DocumentVersion,
    Edition,
    Message,
    Milestone,
    Pairing,
    PairingStatusChange,
    Thread,
    ThreadRead,
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
