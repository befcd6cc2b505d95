"""Who may do what with a meeting. Selectors narrow querysets with the same rules
(``meetings.selectors``) and services check again before any change."""

import rules

from worldcities.users.permissions import (
    is_coordinator,
    is_delegate,
    is_member,
    is_programme_staff,
)


def edition_city_ids(edition_id: int) -> set[int]:
    """Every city taking part in an edition's pairings (lead cities and further members)."""
    from twinning.models import Pairing, PairingMember

    pairings = Pairing.objects.filter(edition_id=edition_id).exclude(
        status=Pairing.Status.WITHDRAWN
    )
    ids = set()
    for eu, partner in pairings.values_list("eu_lead_id", "partner_lead_id"):
        ids.update((eu, partner))
    ids.update(PairingMember.objects.filter(pairing__in=pairings).values_list("city_id", flat=True))
    return ids


def meeting_city_ids(meeting) -> set[int]:
    """The cities whose delegates take part in a meeting: the edition's, the host, and any city
    given a quota. One query, computed once per meeting object."""
    cached = getattr(meeting, "_city_ids", None)
    if cached is None:
        from twinning.models import Pairing, PairingMember

        from .models import DelegationQuota

        pairings = (
            Pairing.objects.filter(edition_id=meeting.edition_id)
            .exclude(status=Pairing.Status.WITHDRAWN)
            .order_by()
        )
        ids = (
            pairings.values_list("eu_lead_id")
            .union(
                pairings.values_list("partner_lead_id"),
                PairingMember.objects.filter(pairing__in=pairings)
                .order_by()
                .values_list("city_id"),
                DelegationQuota.objects.filter(meeting_id=meeting.pk)
                .order_by()
                .values_list("city_id"),
            )
            .order_by()
        )
        cached = {city_id for (city_id,) in ids}
        cached.add(meeting.host_city_id)
        meeting._city_ids = cached
    return cached


def coordinated_edition_ids(user) -> set[int]:
    cached = getattr(user, "_coordinated_edition_ids", None)
    if cached is None:
        cached = set(user.coordinated_editions.values_list("pk", flat=True))
        user._coordinated_edition_ids = cached
    return cached


@rules.predicate
def is_edition_coordinator(user, meeting) -> bool:
    return bool(
        meeting is not None
        and is_coordinator(user)
        and meeting.edition_id in coordinated_edition_ids(user)
    )


@rules.predicate
def coordinates_an_edition(user) -> bool:
    return bool(is_coordinator(user) and coordinated_edition_ids(user))


@rules.predicate
def is_edition_delegate(user, meeting) -> bool:
    return bool(
        meeting is not None and is_delegate(user) and user.city_id in meeting_city_ids(meeting)
    )


def registration_of(meeting, user):
    """The person's registration for the meeting, or None (one at most): looked up once per
    meeting object, for the rules below and the page alike."""
    if not is_member(user):
        return None
    known = meeting.__dict__.setdefault("_registration_of", {})
    if user.pk not in known:
        known[user.pk] = meeting.registrations.filter(person=user).order_by("pk").first()
    return known[user.pk]


def registration_read(meeting, user):
    """The person's registration if it was looked up with the meeting already
    (``registration_of``, ``selectors.meeting_get``), else None: no query."""
    return meeting.__dict__.get("_registration_of", {}).get(user.pk)


@rules.predicate
def is_on_list(user, meeting) -> bool:
    """Invited, registered or waitlisted (anyone with a registration still in play)."""
    from .models import Registration

    if meeting is None:
        return False
    registration = registration_of(meeting, user)
    return registration is not None and registration.status in Registration.ACTIVE


@rules.predicate
def is_attendee(user, meeting) -> bool:
    if meeting is None:
        return False
    registration = registration_of(meeting, user)
    return registration is not None and registration.attended


@rules.predicate
def is_own_registration(user, registration) -> bool:
    return bool(registration is not None and is_member(user) and registration.person_id == user.pk)


@rules.predicate
def manages_registration(user, registration) -> bool:
    return bool(
        registration is not None
        and (is_programme_staff(user) or is_edition_coordinator(user, registration.meeting))
    )


@rules.predicate
def is_public_meeting(user, meeting) -> bool:
    """A meeting the programme announces to everyone: its agenda is open to visitors too."""
    return bool(meeting is not None and meeting.is_public)


can_manage = is_programme_staff | is_edition_coordinator
can_view_details = can_manage | is_edition_delegate | is_on_list
# The agenda of a public meeting is open to all; of the others, to those who see the details.
can_view_agenda = can_view_details | is_public_meeting

rules.add_perm("meetings.create_meeting", is_programme_staff | coordinates_an_edition)
rules.add_perm("meetings.manage_meeting", can_manage)
rules.add_perm("meetings.view_meeting_details", can_view_details)
rules.add_perm("meetings.view_agenda", can_view_agenda)
rules.add_perm("meetings.register", is_edition_delegate | is_on_list)
rules.add_perm("meetings.evaluate", is_attendee)
rules.add_perm("meetings.view_evaluation_summary", can_manage)
rules.add_perm("meetings.view_logistics", manages_registration | is_own_registration)
rules.add_perm("meetings.change_registration", manages_registration | is_own_registration)
