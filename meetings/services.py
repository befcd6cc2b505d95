"""Every change to meetings goes through here. Places are counted under a row lock on the
meeting (``select_for_update`` inside ``transaction.atomic``), so simultaneous registrations are
served one after the other and never give more places than the quota and the capacity hold."""

import datetime
import logging

import markdown
import nh3
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, Count, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from twinning.models import Action, Pairing, PairingMember
from twinning.services import action_agreed_create, action_links_changed
from worldcities import machine_translation, versions
from worldcities.formats import date_format, zone_label
from worldcities.pagination import in_batches
from worldcities.users.models import Role, User
from worldcities.users.permissions import is_programme_staff

from . import notices
from .models import (
    MAX_REMINDER_DAYS,
    AgendaItem,
    AgendaSignup,
    CalendarFeedToken,
    DelegationQuota,
    Evaluation,
    Meeting,
    MeetingOutcome,
    MeetingTranslation,
    Registration,
)
from .permissions import can_manage, edition_city_ids, is_edition_delegate

logger = logging.getLogger(__name__)

# The places each delegation gets by default: (side of the pairing, places per city).
DEFAULT_QUOTAS = {
    Meeting.Kind.WORKING: (PairingMember.Side.EU, 5),
    Meeting.Kind.FOLLOW_UP: (PairingMember.Side.PARTNER, 4),
}

STATUS_TRANSITIONS = {
    Meeting.Status.PLANNED: {Meeting.Status.CONFIRMED, Meeting.Status.CANCELLED},
    Meeting.Status.CONFIRMED: {
        Meeting.Status.PLANNED,
        Meeting.Status.HELD,
        Meeting.Status.CANCELLED,
    },
    Meeting.Status.HELD: {Meeting.Status.EVALUATED},
    Meeting.Status.EVALUATED: {Meeting.Status.HELD},
    Meeting.Status.CANCELLED: set(),
}

MEETING_FIELDS = (
    "kind",
    "title",
    "host_city",
    "venue",
    "address",
    "online_url",
    "starts_at",
    "ends_at",
    "description",
    "language",
    "is_public",
    "practical_information",
    "status",
    "registration_opens_at",
    "registration_closes_at",
    "capacity",
    "approval_required",
    "reminder_days",
)

MINUTES_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "ul", "ol", "li", "a", "blockquote",
    "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


def _require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("You may not do this."))


# --- Meetings -----------------------------------------------------------------------------------
def meeting_slug(meeting: Meeting) -> str:
    """A slug from the title and the local start date, unique among meetings."""
    base = slugify(f"{meeting.title} {meeting.local_starts_at:%Y-%m-%d}")[:200] or "meeting"
    slug, n = base, 2
    while Meeting.objects.filter(slug=slug).exclude(pk=meeting.pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _pairing_cities(pairings, side: str) -> list:
    cities = []
    for pairing in pairings:
        cities.append(pairing.eu_lead if side == PairingMember.Side.EU else pairing.partner_lead)
        cities.extend(m.city for m in pairing.members.all() if m.side == side)
    seen, unique = set(), []
    for city in cities:
        if city.pk not in seen:
            seen.add(city.pk)
            unique.append(city)
    return unique


def meeting_default_quotas(*, meeting: Meeting) -> list[DelegationQuota]:
    """Gives each delegation the kind's default places (five per EU city at a working meeting,
    four per partner city at a follow-up), for the pairings the meeting serves. Existing quotas
    are kept as they are."""
    rule = DEFAULT_QUOTAS.get(meeting.kind)
    if rule is None:
        return []
    side, places = rule
    if meeting.capacity is not None:
        places = min(places, meeting.capacity)
    pairings = meeting.pairings.select_related("eu_lead", "partner_lead").prefetch_related(
        "members__city"
    )
    if not pairings:
        pairings = (
            Pairing.objects.filter(edition=meeting.edition)
            .exclude(status=Pairing.Status.WITHDRAWN)
            .select_related("eu_lead", "partner_lead")
            .prefetch_related("members__city")
        )
    existing = set(meeting.quotas.values_list("city_id", flat=True))
    quotas = [
        DelegationQuota(meeting=meeting, city=city, places=places)
        for city in _pairing_cities(pairings, side)
        if city.pk not in existing
    ]
    created = DelegationQuota.objects.bulk_create(quotas)
    versions.bump(f"meeting:{meeting.pk}")
    return created


@transaction.atomic
def meeting_create(*, edition, by: User | None, pairings=(), **fields) -> Meeting:
    """Schedules a meeting and fills its delegation quotas from the kind's defaults."""
    if by is not None:
        _require(
            can_manage(by, Meeting(edition=edition)),
            _("Only the edition's coordinators schedule its meetings."),
        )
    meeting = Meeting(edition=edition, created_by=by, **fields)
    meeting.full_clean(exclude=["slug"])
    meeting.slug = meeting_slug(meeting)
    meeting.save()
    meeting.pairings.set(pairings)
    meeting_default_quotas(meeting=meeting)
    versions.bump(f"meeting:{meeting.pk}", "meetings")
    return meeting


# A change to any of these is news for everyone on the meeting's list.
MOVING_FIELDS = ("starts_at", "ends_at", "host_city_id", "venue", "address", "online_url")
# What the meeting list (and the home, city and pairing pages' lists of meetings) show of a
# meeting or filter it on, besides its status and the pairings it serves.
LISTED_FIELDS = ("kind", "title", "starts_at", "ends_at", "host_city_id")


@transaction.atomic
def meeting_update(*, meeting: Meeting, by: User, pairings=None, **fields) -> Meeting:
    _require(can_manage(by, meeting))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    before = {name: getattr(meeting, name) for name in {*MOVING_FIELDS, *LISTED_FIELDS}}
    written_in = meeting.language
    for name, value in fields.items():
        if name not in MEETING_FIELDS or name == "status":
            raise TypeError(f"meeting_update() cannot change {name!r}")
        setattr(meeting, name, value)
    meeting.full_clean(exclude=["slug"])
    if (
        written_in != meeting.language
        and meeting.translations.filter(language=meeting.language).exists()
    ):
        raise ValidationError(
            {
                "language": _(
                    "This meeting has a translation into %(language)s: "
                    "it cannot be written in it too."
                )
                % {"language": meeting.get_language_display()}
            }
        )
    if meeting.capacity is not None:
        largest = meeting.quotas.order_by("-places").values_list("places", flat=True).first()
        if largest is not None and largest > meeting.capacity:
            raise ValidationError(
                {
                    "capacity": _(
                        "A delegation already has %(places)s places: the capacity cannot be lower."
                    )
                    % {"places": largest}
                }
            )
    meeting.save()
    listed = any(getattr(meeting, name) != before[name] for name in LISTED_FIELDS)
    if pairings is not None:
        served = set(meeting.pairings.values_list("pk", flat=True))
        listed = listed or served != {p.pk for p in pairings}
        meeting.pairings.set(pairings)
    versions.bump(f"meeting:{meeting.pk}", *(["meetings"] if listed else []))
    if meeting.title != before["title"]:  # the actions decided at it name it
        action_links_changed(actions=Action.objects.filter(meetings=meeting.pk))
    _fill_from_waitlist(meeting)
    if any(getattr(meeting, name) != before[name] for name in MOVING_FIELDS):
        on_the_list = Registration.objects.filter(
            meeting=meeting, status__in=Registration.ACTIVE
        ).select_related("person__city")
        notices.meeting_moved_notice(meeting, [r.person for r in on_the_list])
    return meeting


@transaction.atomic
def meeting_set_status(*, meeting: Meeting, status: str, by: User) -> Meeting:
    """Moves a meeting along planned → confirmed → held → evaluated, or cancels it (and tells
    everyone on its list)."""
    _require(can_manage(by, meeting))
    meeting = Meeting.objects.select_for_update().select_related("host_city").get(pk=meeting.pk)
    if status == meeting.status:
        return meeting
    if status not in STATUS_TRANSITIONS.get(meeting.status, set()):
        raise ValidationError(
            {
                "status": _("A %(from)s meeting cannot become %(to)s.")
                % {
                    "from": Meeting.Status(meeting.status).label.lower(),
                    "to": Meeting.Status(status).label.lower(),
                }
            }
        )
    if status == Meeting.Status.HELD and meeting.starts_at > timezone.now():
        raise ValidationError({"status": _("A meeting is held only once it has started.")})
    meeting.status = status
    meeting.save(update_fields=["status", "updated_at"])
    versions.bump(f"meeting:{meeting.pk}", "meetings")
    if status == Meeting.Status.CANCELLED:
        on_list = Registration.objects.filter(
            meeting=meeting, status__in=Registration.ACTIVE
        ).select_related("person__city")
        notices.meeting_cancelled_notice(meeting, [r.person for r in on_list])
    return meeting


@transaction.atomic
def quotas_update(*, meeting: Meeting, by: User, places: dict) -> list[DelegationQuota]:
    """Sets the places per city (``{city: places}``; ``None`` removes the quota). Nothing is
    saved unless every quota is valid: errors come back per city id."""
    _require(can_manage(by, meeting))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    existing = {q.city_id: q for q in meeting.quotas.select_related("city")}
    errors, saved = {}, []
    for city, value in places.items():
        quota = existing.get(city.pk)
        if value is None:
            if quota is not None:
                quota.delete()
            continue
        quota = quota or DelegationQuota(meeting=meeting, city=city)
        quota.places = value
        try:
            quota.full_clean(validate_unique=False)
        except ValidationError as exc:
            errors[city.pk] = exc.message_dict.get("places", exc.messages)
            continue
        saved.append(quota)
    if errors:
        raise ValidationError(errors)
    for quota in saved:
        quota.save()
    versions.bump(f"meeting:{meeting.pk}")
    _fill_from_waitlist(meeting)
    return saved


# --- Agenda -------------------------------------------------------------------------------------
@transaction.atomic
def agenda_item_create(*, meeting: Meeting, by: User, organisations=(), **fields) -> AgendaItem:
    _require(can_manage(by, meeting))
    item = AgendaItem(meeting=meeting, **fields)
    item.full_clean()
    item.save()
    item.organisations.set(organisations)
    # The list filters on the thematic areas of the agenda.
    versions.bump(f"meeting:{meeting.pk}", *(["meetings"] if item.thematic_area_id else []))
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, by: User, organisations=None, **fields) -> AgendaItem:
    _require(can_manage(by, item.meeting))
    item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    area_before = item.thematic_area_id
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    if item.capacity is not None and item.signups.count() > item.capacity:
        raise ValidationError(
            {
                "capacity": _("%(count)s people have signed up already.")
                % {"count": item.signups.count()}
            }
        )
    item.save()
    if organisations is not None:
        item.organisations.set(organisations)
    listed = item.thematic_area_id != area_before
    versions.bump(f"meeting:{item.meeting_id}", *(["meetings"] if listed else []))
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, by: User) -> None:
    _require(can_manage(by, item.meeting))
    versions.bump(f"meeting:{item.meeting_id}", *(["meetings"] if item.thematic_area_id else []))
    item.delete()


@transaction.atomic
def agenda_signup(*, item: AgendaItem, person: User) -> AgendaSignup:
    """A place on a field or site visit, for someone who holds a place at the meeting."""
    item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    if not item.has_signup:
        raise ValidationError(_("This item needs no sign-up."))
    holds = item.meeting.registrations.filter(
        person=person, status__in=Registration.HOLDING
    ).exists()
    if not holds:
        raise ValidationError(_("Sign up for visits once you have a place at the meeting."))
    if item.signups.filter(person=person).exists():
        raise ValidationError(_("You have already signed up for this visit."))
    if item.signups.count() >= item.capacity:
        raise ValidationError(
            _("The visit “%(title)s” is full (%(places)s places).")
            % {"title": item.title, "places": item.capacity}
        )
    versions.bump(f"meeting:{item.meeting_id}")
    return AgendaSignup.objects.create(item=item, person=person)


@transaction.atomic
def agenda_signup_cancel(*, item: AgendaItem, person: User) -> None:
    if AgendaSignup.objects.filter(item=item, person=person).delete()[0]:
        versions.bump(f"meeting:{item.meeting_id}")


# --- Registrations ------------------------------------------------------------------------------
def _places_taken(meeting: Meeting, city_id=None) -> int:
    qs = Registration.objects.filter(meeting=meeting, status__in=Registration.HOLDING)
    if city_id is not None:
        qs = qs.filter(city_id=city_id)
    return qs.count()


def _room_for(meeting: Meeting, city_id) -> bool:
    """Whether a person of ``city_id`` can get a place now: the places taken at the meeting
    and by the city, and the city's quota, read in one query. Call with the meeting locked."""
    holding = Registration.objects.filter(meeting=OuterRef("pk"), status__in=Registration.HOLDING)

    def counted(registrations):
        return Subquery(
            registrations.order_by().values("meeting_id").annotate(n=Count("pk")).values("n")
        )

    taken, theirs, quota = (
        Meeting.objects.filter(pk=meeting.pk)
        .values_list(
            counted(holding),
            counted(holding.filter(city_id=city_id)),
            Subquery(
                DelegationQuota.objects.filter(meeting=OuterRef("pk"), city_id=city_id)
                .order_by()
                .values("places")[:1]
            ),
        )
        .get()
    )
    if meeting.capacity is not None and (taken or 0) >= meeting.capacity:
        return False
    return quota is None or (theirs or 0) < quota


def _place_status(meeting: Meeting) -> str:
    if meeting.approval_required:
        return Registration.Status.REGISTERED
    return Registration.Status.CONFIRMED


def _tell_later(registrations, *, promoted: bool = False) -> None:
    """Tells the people of ``registrations`` where they stand, by a worker once the change
    commits (``registration_notices_send``): the request that registers, confirms or frees a
    place renders no e-mail and writes no notification, however many people a freed place
    moves up. If the broker is away, they are told here, after the commit, instead."""
    ids = [registration.pk for registration in registrations]
    if ids:
        transaction.on_commit(lambda: _tell_enqueue(ids, promoted))


def _tell_enqueue(ids: list[int], promoted: bool) -> None:
    from .tasks import tell_registrations

    try:
        tell_registrations.delay(ids, promoted=promoted)
    except Exception as exc:  # the broker's client raises many kinds of connection error
        logger.warning("could not enqueue registration notices (%s); telling them now", exc)
        registration_notices_send(registration_ids=ids, promoted=promoted)


@transaction.atomic
def registration_notices_send(*, registration_ids: list[int], promoted: bool = False) -> int:
    """Tells each person of these registrations where theirs stands now (``_tell_later``): a
    fixed number of queries however many they are. Safe to repeat: a notice names the change
    it reports (``notices.registration_notices``), so each change is told once; a place
    given up meanwhile is no longer reported as promoted."""
    registrations = list(
        Registration.objects.filter(pk__in=registration_ids).select_related(
            "meeting__host_city", "person__city"
        )
    )
    if promoted:
        registrations = [r for r in registrations if r.holds_place]
    return notices.registration_notices(registrations, promoted=promoted)


def _in_meeting_zone(meeting: Meeting, value) -> str:
    local = value.astimezone(meeting.zone)
    return f"{date_format(local, 'DATETIME_FORMAT')} {zone_label(local)}"


def _check_window(meeting: Meeting) -> None:
    if meeting.status not in (Meeting.Status.PLANNED, Meeting.Status.CONFIRMED):
        raise ValidationError(
            _("Registration is closed: the meeting is %(status)s.")
            % {"status": meeting.get_status_display().lower()}
        )
    now = timezone.now()
    opens = meeting.registration_opens_at
    if opens and now < opens:
        raise ValidationError(
            _("Registration opens on %(when)s.") % {"when": _in_meeting_zone(meeting, opens)}
        )
    closes = meeting.registration_closes_at or meeting.starts_at
    if now >= closes:
        raise ValidationError(
            _("Registration closed on %(when)s.") % {"when": _in_meeting_zone(meeting, closes)}
        )


@transaction.atomic
def registration_register(
    *, meeting: Meeting, person: User, by: User | None = None
) -> Registration:
    """Registers ``person`` (by themselves, or by a coordinator as ``by``). They get a place if
    their delegation's quota and the meeting's capacity have room, else the waiting list."""
    by = by or person
    # Read again, locked, into the same object: the cities taking part that the view's rule
    # has read with it are not read twice.
    meeting.refresh_from_db(from_queryset=Meeting.objects.select_for_update())
    manager = can_manage(by, meeting)
    existing = Registration.objects.filter(meeting=meeting, person=person).first()
    if not manager:
        _require(by == person, _("You may register only yourself."))
        invited = existing is not None and existing.status == Registration.Status.INVITED
        if not (invited or is_edition_delegate(person, meeting)):
            raise PermissionDenied(_("Only delegates of the edition's cities register."))
        _check_window(meeting)
    elif meeting.status not in (Meeting.Status.PLANNED, Meeting.Status.CONFIRMED):
        raise ValidationError(_("Registration is closed for this meeting."))
    if existing is not None and existing.status in (
        *Registration.HOLDING,
        Registration.Status.WAITLISTED,
    ):
        raise ValidationError(
            _("%(person)s is already on the list (%(status)s).")
            % {"person": person, "status": existing.get_status_display().lower()}
        )
    registration = existing or Registration(meeting=meeting, person=person)
    registration.city_id = person.city_id or registration.city_id
    if _room_for(meeting, registration.city_id):
        registration.status = _place_status(meeting)
        registration.waitlisted_at = None
    else:
        registration.status = Registration.Status.WAITLISTED
        registration.waitlisted_at = timezone.now()
    # The meeting was locked above and the person and city are theirs: no query is needed to
    # know that they exist.
    registration.full_clean(
        exclude=["meeting", "person", "city", "invited_by"],
        validate_constraints=False,
        validate_unique=False,
    )
    registration.save()
    versions.bump(f"meeting:{meeting.pk}")
    _tell_later([registration])
    return registration


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != Registration.Status.WAITLISTED:
        return None
    return (
        Registration.objects.filter(
            meeting_id=registration.meeting_id,
            city_id=registration.city_id,
            status=Registration.Status.WAITLISTED,
            waitlisted_at__lt=registration.waitlisted_at,
        ).count()
        + 1
    )


def registration_message(registration: Registration) -> str:
    """What the person is told right after registering."""
    if registration.status == Registration.Status.CONFIRMED:
        return _("You are registered: your place is confirmed.")
    if registration.status == Registration.Status.REGISTERED:
        return _("You are registered: the coordinators will confirm your place.")
    meeting = registration.meeting
    quota = DelegationQuota.objects.filter(meeting=meeting, city_id=registration.city_id).first()
    position = waitlist_position(registration)
    if quota is not None and _places_taken(meeting, registration.city_id) >= quota.places:
        reason = _("The delegation of %(city)s is full (%(places)s places).") % {
            "city": quota.city,
            "places": quota.places,
        }
    else:
        reason = _("The meeting is full (%(places)s places).") % {"places": meeting.capacity}
    return _(
        "%(reason)s You are number %(position)s on the waiting list; we will e-mail you if a "
        "place comes free."
    ) % {"reason": reason, "position": position}


def _fill_from_waitlist(meeting: Meeting, prefer_city_id=None) -> list[Registration]:
    """Gives free places to the waiting list, first come first served: the freed city's
    waiting list first, then any city whose quota has room. Call with the meeting locked.
    A fixed number of queries however long the list and however many are promoted."""
    waiting = list(
        Registration.objects.select_for_update(of=("self",))
        .filter(meeting=meeting, status=Registration.Status.WAITLISTED)
        .select_related("person__city")
        .order_by("waitlisted_at", "id")
    )
    if not waiting:
        return []
    if prefer_city_id is not None:
        waiting.sort(key=lambda r: r.city_id != prefer_city_id)
    taken = dict(
        Registration.objects.filter(meeting=meeting, status__in=Registration.HOLDING)
        .order_by()
        .values("city_id")
        .annotate(n=Count("id"))
        .values_list("city_id", "n")
    )
    total = sum(taken.values())
    quotas = dict(meeting.quotas.order_by().values_list("city_id", "places"))
    promoted = []
    for registration in waiting:
        if meeting.capacity is not None and total >= meeting.capacity:
            break
        city_id = registration.city_id
        if city_id in quotas and taken.get(city_id, 0) >= quotas[city_id]:
            continue
        taken[city_id] = taken.get(city_id, 0) + 1
        total += 1
        promoted.append(registration)
    if not promoted:
        return []
    status, now = _place_status(meeting), timezone.now()
    Registration.objects.filter(pk__in=[r.pk for r in promoted]).update(
        status=status, updated_at=now
    )
    for registration in promoted:
        registration.status, registration.updated_at = status, now
        registration.meeting = meeting
    versions.bump(f"meeting:{meeting.pk}")
    _tell_later(promoted, promoted=True)
    return promoted


@transaction.atomic
def registration_cancel(*, registration: Registration, by: User) -> Registration:
    """Cancels a registration (or declines an invitation); a freed place goes to the first on
    the waiting list of the same city, who is told by e-mail."""
    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    _require(by.pk == registration.person_id or can_manage(by, meeting))
    held = registration.holds_place
    if registration.status == Registration.Status.INVITED:
        registration.status = Registration.Status.DECLINED
    elif registration.status in (*Registration.HOLDING, Registration.Status.WAITLISTED):
        registration.status = Registration.Status.CANCELLED
    else:
        raise ValidationError(_("This registration is already cancelled."))
    registration.save(update_fields=["status", "updated_at"])
    versions.bump(f"meeting:{meeting.pk}")
    AgendaSignup.objects.filter(item__meeting=meeting, person_id=registration.person_id).delete()
    if held and meeting.status in (Meeting.Status.PLANNED, Meeting.Status.CONFIRMED):
        _fill_from_waitlist(meeting, prefer_city_id=registration.city_id)
    return registration


@transaction.atomic
def registration_confirm(*, registration: Registration, by: User) -> Registration:
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    _require(can_manage(by, registration.meeting))
    if registration.status != Registration.Status.REGISTERED:
        raise ValidationError(_("Only a registration awaiting confirmation can be confirmed."))
    registration.status = Registration.Status.CONFIRMED
    registration.save(update_fields=["status", "updated_at"])
    versions.bump(f"meeting:{registration.meeting_id}")
    _tell_later([registration])
    return registration


@transaction.atomic
def registration_invite(
    *,
    meeting: Meeting,
    email: str,
    by: User,
    full_name: str = "",
    city=None,
    register: bool = False,
) -> Registration:
    """Invites someone by e-mail. A person without an account gets one (and an e-mail to set
    their password); with ``register`` the coordinator registers them at once."""
    _require(can_manage(by, meeting))
    email = User.objects.normalize_email(email).strip()
    person = User.objects.filter(email__iexact=email).first()
    if person is None:
        from worldcities.users.services import user_create

        if city is None:
            raise ValidationError({"city": _("Give the city of someone who has no account yet.")})
        # A new delegate account acts for its city everywhere on the platform: coordinators may
        # create one only for a city of their own edition's pairings.
        if not is_programme_staff(by) and city.pk not in edition_city_ids(meeting.edition_id):
            raise ValidationError(
                {"city": _("Choose a city of this edition's pairings for a new account.")}
            )
        person = user_create(email=email, full_name=full_name, role=Role.DELEGATE, city=city)
    existing = Registration.objects.filter(meeting=meeting, person=person).first()
    if existing is not None and existing.status in Registration.ACTIVE:
        raise ValidationError(
            {
                "email": _("%(person)s is already on the list (%(status)s).")
                % {"person": person, "status": existing.get_status_display().lower()}
            }
        )
    if register:
        return registration_register(meeting=meeting, person=person, by=by)
    registration = existing or Registration(meeting=meeting, person=person)
    registration.status = Registration.Status.INVITED
    registration.city = person.city or city
    registration.invited_by = by
    registration.invited_at = timezone.now()
    registration.save()
    versions.bump(f"meeting:{meeting.pk}")
    registration.meeting = meeting
    notices.invitation_notice(registration)
    return registration


@transaction.atomic
def registration_update_logistics(
    *,
    registration: Registration,
    by: User,
    arrival_at: datetime.datetime | None,
    departure_at: datetime.datetime | None,
    dietary_needs: str,
    needs_visa_letter: bool,
) -> Registration:
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    _require(by.pk == registration.person_id or can_manage(by, registration.meeting))
    registration.arrival_at = arrival_at
    registration.departure_at = departure_at
    registration.dietary_needs = dietary_needs
    registration.needs_visa_letter = needs_visa_letter
    registration.full_clean(validate_constraints=False, validate_unique=False)
    registration.save()
    versions.bump(f"meeting:{registration.meeting_id}")
    return registration


# --- After the meeting --------------------------------------------------------------------------
def render_minutes(text: str) -> str:
    """Markdown to HTML, then sanitized: only plain formatting and safe links survive."""
    html = markdown.markdown(text or "", extensions=["extra", "sane_lists"])
    return nh3.clean(
        html,
        tags=MINUTES_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
    )


@transaction.atomic
def minutes_record(*, meeting: Meeting, minutes: str, by: User) -> Meeting:
    _require(can_manage(by, meeting))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.minutes = minutes
    meeting.minutes_html = render_minutes(minutes)
    meeting.minutes_updated_at = timezone.now()
    meeting.save(update_fields=["minutes", "minutes_html", "minutes_updated_at", "updated_at"])
    versions.bump(f"meeting:{meeting.pk}")
    return meeting


@transaction.atomic
def attendance_record(*, meeting: Meeting, attended_ids, by: User) -> int:
    """Marks who came among those who held a place; the meeting counts as held from then on."""
    _require(can_manage(by, meeting))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Attendance is recorded once the meeting has started."))
    if meeting.is_cancelled:
        raise ValidationError(_("A cancelled meeting has no attendance."))
    attended_ids = {int(pk) for pk in attended_ids}
    holders = Registration.objects.filter(meeting=meeting, status__in=Registration.HOLDING)
    holders.filter(pk__in=attended_ids).update(attended=True, updated_at=timezone.now())
    holders.exclude(pk__in=attended_ids).update(attended=False, updated_at=timezone.now())
    held = meeting.status in (Meeting.Status.PLANNED, Meeting.Status.CONFIRMED)
    if held:
        meeting.status = Meeting.Status.HELD
        meeting.save(update_fields=["status", "updated_at"])
    versions.bump(f"meeting:{meeting.pk}", *(["meetings"] if held else []))
    attendees = list(holders.filter(attended=True).select_related("person"))
    notices.evaluation_request(meeting, [r.person for r in attendees])
    return len(attendees)


@transaction.atomic
def outcome_create(
    *,
    meeting: Meeting,
    pairing: Pairing,
    title: str,
    by: User,
    description: str = "",
    owner_person: User | None = None,
    owner_organisation=None,
    due_date: datetime.date | None = None,
) -> MeetingOutcome:
    """Turns an outcome of the meeting into an action of the pairing's action plan."""
    _require(can_manage(by, meeting))
    served = meeting.pairings.all() or Pairing.objects.filter(edition=meeting.edition)
    if not served.filter(pk=pairing.pk).exists():
        raise ValidationError({"pairing": _("This meeting does not serve that pairing.")})
    action = action_agreed_create(
        pairing=pairing,
        by=by,
        title=title,
        description=description,
        owner_person=owner_person,
        owner_organisation=owner_organisation,
        due_date=due_date,
    )
    versions.bump(f"meeting:{meeting.pk}")
    return MeetingOutcome.objects.create(meeting=meeting, action=action, recorded_by=by)


def evaluation_open(meeting: Meeting) -> bool:
    return meeting.status in (Meeting.Status.HELD, Meeting.Status.EVALUATED)


def evaluation_submit(
    *,
    meeting: Meeting,
    person: User,
    overall: int,
    content: int,
    organisation: int,
    usefulness: int,
    comments: str = "",
) -> Evaluation:
    """One answer per attendee; a second is refused (by the database too)."""
    if not meeting.registrations.filter(person=person, attended=True).exists():
        raise PermissionDenied(_("Only those who attended evaluate a meeting."))
    if not evaluation_open(meeting):
        raise ValidationError(_("The evaluation opens once the meeting has been held."))
    if Evaluation.objects.filter(meeting=meeting, person=person).exists():
        raise ValidationError(_("You have already evaluated this meeting."))
    evaluation = Evaluation(
        meeting=meeting,
        person=person,
        overall=overall,
        content=content,
        organisation=organisation,
        usefulness=usefulness,
        comments=comments.strip(),
    )
    evaluation.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError as exc:
        raise ValidationError(_("You have already evaluated this meeting.")) from exc
    versions.bump(f"meeting:{meeting.pk}")
    return evaluation


# --- Calendar feed ------------------------------------------------------------------------------
def feed_token_for(*, user: User) -> CalendarFeedToken:
    token, _created = CalendarFeedToken.objects.get_or_create(user=user)
    return token


@transaction.atomic
def feed_token_reset(*, user: User) -> CalendarFeedToken:
    """A new secret address; the old one stops working at once."""
    CalendarFeedToken.objects.filter(user=user).delete()
    return CalendarFeedToken.objects.create(user=user)


# --- Reminders (periodic tasks and on demand) ---------------------------------------------------
INVITATION_REMINDER_AFTER = datetime.timedelta(days=7)
EVALUATION_REMINDER_AFTER = datetime.timedelta(days=3)
REMINDER_BATCH = 500


def _due_reminder_days(meeting: Meeting, now: datetime.datetime) -> int | None:
    """The reminder now due for ``meeting``: the closest to its start whose time has come.
    An earlier one that was missed (the meeting was scheduled late) is not sent any more."""
    starts = meeting.starts_at
    due = [d for d in meeting.reminder_days if starts - datetime.timedelta(days=d) <= now]
    return min(due) if due else None


def _not_yet_told(queryset, *, kind: str, target, occasion: str, person_field: str):
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Exists, OuterRef

    from worldcities.notifications.models import Notification

    told = Notification.objects.filter(
        kind=kind,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        occasion=occasion,
        recipient_id=OuterRef(person_field),
    )
    return queryset.exclude(Exists(told))


def meeting_reminders_send(
    *, now: datetime.datetime | None = None, batch_size: int = REMINDER_BATCH
) -> int:
    """Sends the reminders that are due to everyone holding a place: the meeting's facts in
    both time zones, the agenda link and the calendar file. Each (meeting, offset, person) is
    told once, whoever runs this and however often; the lookups cost a fixed number of queries
    per meeting and per batch of people."""
    from worldcities.notifications.models import Kind
    from worldcities.notifications.services import notify_many

    now = now or timezone.now()
    upcoming = (
        Meeting.objects.filter(
            status__in=(Meeting.Status.PLANNED, Meeting.Status.CONFIRMED),
            starts_at__gt=now,
            starts_at__lte=now + datetime.timedelta(days=MAX_REMINDER_DAYS),
        )
        .select_related("host_city__country")
        .order_by("starts_at", "pk")
    )
    sent = 0
    for meeting in upcoming:
        days = _due_reminder_days(meeting, now)
        if days is None:
            continue
        occasion = notices.reminder_occasion(days)
        holders = _not_yet_told(
            Registration.objects.filter(meeting=meeting, status__in=Registration.HOLDING),
            kind=Kind.MEETING_REMINDER,
            target=meeting,
            occasion=occasion,
            person_field="person_id",
        ).select_related("person__city")
        attachment = None
        for batch in in_batches(holders, batch_size):
            if attachment is None:
                agenda = list(meeting.agenda_items.order_by("starts_at", "pk"))
                attachment = notices.ics_attachment(meeting, agenda)
            with transaction.atomic():
                sent += notify_many(
                    kind=Kind.MEETING_REMINDER,
                    target=meeting,
                    occasion=occasion,
                    notices=[
                        notices.meeting_reminder(meeting, r.person, attachment=attachment)
                        for r in batch
                    ],
                )
    return sent


def invitation_reminders_send(
    *,
    meeting: Meeting,
    registrations,
    by: User,
    token: str,
    subject: str = "",
    message: str = "",
) -> int:
    """A coordinator reminds the chosen people of the invitation they have not answered.
    ``token`` comes from the form, so submitting it twice sends nothing more. Returns how
    many were reminded now."""
    _require(can_manage(by, meeting))
    chosen = [r.pk for r in registrations]
    if not chosen:
        raise ValidationError({"recipients": _("Choose at least one person.")})
    with transaction.atomic():
        unanswered = (
            Registration.objects.filter(
                meeting=meeting, pk__in=chosen, status=Registration.Status.INVITED
            )
            .select_related("person__city", "meeting__host_city")
            .order_by("pk")
        )
        return sum(
            notices.invitation_reminder(
                registration, occasion=f"manual:{token}", subject=subject, message=message
            )
            for registration in unanswered
        )


def invitation_reminders_auto(
    *, now: datetime.datetime | None = None, batch_size: int = REMINDER_BATCH
) -> int:
    """Reminds, once, those who have not answered an invitation a week after it went out,
    while the meeting is still open for registration."""
    now = now or timezone.now()
    waiting = (
        Registration.objects.filter(
            status=Registration.Status.INVITED,
            invited_at__lte=now - INVITATION_REMINDER_AFTER,
            meeting__status__in=(Meeting.Status.PLANNED, Meeting.Status.CONFIRMED),
            meeting__starts_at__gt=now,
        )
        .exclude(meeting__registration_closes_at__lte=now)
        .select_related("person__city", "meeting__host_city")
    )
    sent = 0
    for batch in in_batches(waiting, batch_size):
        with transaction.atomic():
            for registration in batch:
                sent += notices.invitation_reminder(
                    registration, occasion=f"auto:{notices.stamp(registration.invited_at)}"
                )
    return sent


def evaluation_reminders_send(
    *, now: datetime.datetime | None = None, batch_size: int = REMINDER_BATCH
) -> int:
    """One reminder, a few days after the request, to attendees who have not evaluated."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Exists, OuterRef

    from worldcities.notifications.models import Kind, Notification

    now = now or timezone.now()
    meeting_type = ContentType.objects.get_for_model(Meeting)
    asked = Notification.objects.filter(
        kind=Kind.EVALUATION,
        target_type=meeting_type,
        target_id=Cast(OuterRef("meeting_id"), CharField()),
        recipient_id=OuterRef("person_id"),
    )
    pending = (
        Registration.objects.filter(
            attended=True,
            meeting__status__in=(Meeting.Status.HELD, Meeting.Status.EVALUATED),
        )
        .filter(
            Exists(
                asked.filter(
                    occasion=notices.EVALUATION_REQUEST,
                    created_at__lte=now - EVALUATION_REMINDER_AFTER,
                )
            )
        )
        .exclude(Exists(asked.filter(occasion=notices.EVALUATION_REMINDER)))
        .exclude(
            Exists(
                Evaluation.objects.filter(
                    meeting_id=OuterRef("meeting_id"), person_id=OuterRef("person_id")
                )
            )
        )
        .select_related("person", "meeting")
    )
    sent = 0
    for batch in in_batches(pending, batch_size):
        by_meeting = {}
        for registration in batch:
            by_meeting.setdefault(registration.meeting_id, (registration.meeting, []))[1].append(
                registration.person
            )
        with transaction.atomic():
            for meeting, people in by_meeting.values():
                notices.evaluation_request(meeting, people, reminder=True)
        sent += len(batch)
    return sent


# --- Personal data kept no longer than needed ---------------------------------------------------
def travel_details_purge(*, now=None) -> int:
    """Forgets the dietary needs and visa-letter requests of the registrations of meetings that
    ended more than ``TRAVEL_DETAILS_KEEP_DAYS`` ago: one update, whatever their number.
    Returns how many registrations it cleared (none the second time)."""
    now = now or timezone.now()
    ended_before = now - datetime.timedelta(days=settings.TRAVEL_DETAILS_KEEP_DAYS)
    held = Q(dietary_needs__gt="") | Q(needs_visa_letter=True)
    return (
        Registration.objects.filter(meeting__ends_at__lt=ended_before)
        .filter(held)
        .update(dietary_needs="", needs_visa_letter=False, updated_at=now)
    )


# --- Translations -------------------------------------------------------------------------------
def meeting_translation_language_check(*, meeting: Meeting, language: str) -> None:
    """Refuses a translation into a language the platform does not offer, into the meeting's
    own language, or into one it has a translation into already."""
    offered = dict(settings.LANGUAGES)
    if language not in offered:
        raise ValidationError(
            {"language": _("The platform does not offer “%(language)s”.") % {"language": language}}
        )
    if language == meeting.language:
        raise ValidationError(
            {
                "language": _(
                    "This meeting is written in %(language)s: "
                    "a translation is into another language."
                )
                % {"language": offered[language]}
            }
        )
    if MeetingTranslation.objects.filter(meeting=meeting, language=language).exists():
        raise ValidationError(
            {
                "language": _(
                    "This meeting already has a translation into %(language)s: edit that one."
                )
                % {"language": offered[language]}
            }
        )


def _translation_shown_changed(meeting: Meeting) -> None:
    """A translation's title shows on the meeting's page, the lists and the action plans
    that link to the meeting: they move on."""
    versions.bump(f"meeting:{meeting.pk}", "meetings")
    action_links_changed(actions=Action.objects.filter(meetings=meeting.pk))


@transaction.atomic
def meeting_translation_save(
    *,
    meeting: Meeting,
    by: User,
    title: str,
    description: str,
    language: str | None = None,
    translation: MeetingTranslation | None = None,
) -> MeetingTranslation:
    """Adds a translation of the meeting's title and public description into ``language``,
    or changes ``translation`` (which then waits for a check again); the meeting's page and
    the lists that show it move on."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require(can_manage(by, meeting), _("Only the edition's coordinators translate its meetings."))
    if translation is None:
        meeting_translation_language_check(meeting=meeting, language=language)
        translation = MeetingTranslation(meeting=meeting, language=language)
    elif translation.meeting_id != meeting.pk:
        raise PermissionDenied
    translation.title, translation.description = title, description
    translation.written_by = by
    translation.machine = False
    translation.checked_by, translation.checked_at = None, None
    translation.full_clean(exclude=["meeting"])
    translation.save()
    _translation_shown_changed(meeting)
    return translation


@transaction.atomic
def meeting_translation_delete(*, translation: MeetingTranslation, by: User) -> None:
    """Removes a meeting's translation: its page and the lists that show it move on."""
    meeting = Meeting.objects.select_for_update().get(pk=translation.meeting_id)
    _require(can_manage(by, meeting), _("Only the edition's coordinators translate its meetings."))
    MeetingTranslation.objects.filter(pk=translation.pk).delete()
    _translation_shown_changed(meeting)


@transaction.atomic
def meeting_translation_check(*, translation: MeetingTranslation, by: User) -> MeetingTranslation:
    """Marks a meeting's translation as checked by ``by``, one of those who manage it."""
    translation = (
        MeetingTranslation.objects.select_for_update()
        .select_related("meeting")
        .get(pk=translation.pk)
    )
    _require(can_manage(by, translation.meeting), _("Only the edition's coordinators check it."))
    translation.checked_by, translation.checked_at = by, timezone.now()
    translation.save(update_fields=["checked_by", "checked_at", "updated_at"])
    versions.bump(f"meeting:{translation.meeting_id}")
    return translation


MACHINE_KIND = "meeting"


@transaction.atomic
def meeting_translation_draft_request(*, meeting: Meeting, language: str, by: User) -> None:
    """Asks machine translation for a draft of the meeting's title and public description in
    ``language``, made in the background (``tasks.draft_meeting_translation``) once this
    transaction commits and stored as an unchecked translation. Refused when machine
    translation is not configured."""
    from .tasks import draft_meeting_translation

    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require(can_manage(by, meeting), _("Only the edition's coordinators translate its meetings."))
    if not machine_translation.enabled():
        raise ValidationError(_("Machine translation is not set up on this platform."))
    meeting_translation_language_check(meeting=meeting, language=language)
    transaction.on_commit(lambda: draft_meeting_translation.delay(meeting.pk, language, by.pk))


def meeting_translation_draft_make(*, meeting_id: int, language: str, by_id: int | None) -> bool:
    """Drafts the translation the task was asked for, unless the meeting has one into that
    language by now: safe to repeat. Returns whether it stored one (a provider that answers
    later hands the texts to ``meeting_translation_draft_store``). The texts are sent before
    the row is locked, so that a slow answer holds no lock."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None or meeting.translations.filter(language=language).exists():
        return False
    texts = machine_translation.draft(
        [meeting.title, meeting.description],
        source=meeting.language,
        target=language,
        kind=MACHINE_KIND,
        object_id=meeting_id,
        by_id=by_id,
    )
    if texts is None:
        return False
    return meeting_translation_draft_store(
        object_id=meeting_id, language=language, texts=texts, by_id=by_id
    )


@transaction.atomic
def meeting_translation_draft_store(
    *, object_id: int, language: str, texts: list[str], by_id: int | None
) -> bool:
    """Stores machine-translated ``texts`` (title, description) of a meeting as its unchecked
    translation into ``language``, unless the meeting is gone or has one by now."""
    meeting = Meeting.objects.select_for_update().filter(pk=object_id).first()
    if meeting is None or meeting.translations.filter(language=language).exists():
        return False
    title, description = texts
    translation = MeetingTranslation(
        meeting=meeting,
        language=language,
        title=title[:200],
        description=description,
        machine=True,
        written_by=User.objects.filter(pk=by_id).first() if by_id else None,
    )
    translation.full_clean(exclude=["meeting"])
    translation.save()
    _translation_shown_changed(meeting)
    return True
