"""What meetings tell people, through the platform's notifications (``notify``): the facts of
the meeting in each message, in the meeting's time zone and, where it differs, the reader's.

Every call names a stable ``occasion``, so the same notice about the same thing reaches a person
once, however often the change or the periodic task that causes it runs. Call these helpers
inside the transaction of the change they report."""

import base64
import zoneinfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from worldcities.formats import date_format
from worldcities.notifications.models import Kind
from worldcities.notifications.services import Notice, notify, notify_each, notify_many

from . import ical
from .models import Meeting, MeetingTranslation, Registration


def _language(person) -> str:
    return getattr(person, "language", None) or settings.LANGUAGE_CODE


def with_titles(meetings) -> None:
    """Reads the titles of the meetings' translations, in one query, for ``title_in``."""
    meetings = [m for m in meetings if not hasattr(m, "titles_by_language")]
    if not meetings:
        return
    found: dict[int, dict[str, str]] = {}
    rows = MeetingTranslation.objects.filter(meeting_id__in={m.pk for m in meetings})
    for meeting_id, language, title in rows.values_list("meeting_id", "language", "title"):
        found.setdefault(meeting_id, {})[language] = title
    for meeting in meetings:
        meeting.titles_by_language = found.get(meeting.pk, {})


def title_in(meeting: Meeting, language: str) -> str:
    """The meeting's title as a reader of ``language`` sees it on its page: its translation's
    where it has one, else its own."""
    if language == meeting.language:
        return meeting.title
    with_titles([meeting])
    return meeting.titles_by_language.get(language, meeting.title)


def _span(meeting: Meeting, zone_name: str) -> str:
    zone = zoneinfo.ZoneInfo(zone_name)
    starts = meeting.starts_at.astimezone(zone)
    ends = meeting.ends_at.astimezone(zone)
    end_format = "TIME_FORMAT" if starts.date() == ends.date() else "WEEKDAY_DATETIME_FORMAT"
    start_text = date_format(starts, "WEEKDAY_DATETIME_FORMAT")
    end_text = date_format(ends, end_format)
    return f"{start_text} – {end_text} ({zone_name})"


def _place(meeting: Meeting) -> str:
    parts = [meeting.venue, meeting.address, f"{meeting.host_city}"]
    place = ", ".join(p for p in parts if p)
    if meeting.online_url:
        place = f"{place} · {meeting.online_url}" if meeting.venue else meeting.online_url
    return place


def meeting_facts(meeting: Meeting, person) -> str:
    """When and where, in the meeting's zone and the person's own, and the agenda's address.
    Needs ``meeting.host_city`` and, for a person without a zone, ``person.city`` loaded."""
    lines = [_("When: %(when)s") % {"when": _span(meeting, meeting.time_zone)}]
    own = person.effective_time_zone
    if own != meeting.time_zone:
        lines.append(_("In your time zone: %(when)s") % {"when": _span(meeting, own)})
    lines.append(_("Where: %(place)s") % {"place": _place(meeting)})
    agenda = settings.SITE_URL.rstrip("/") + meeting.get_absolute_url() + "#agenda-heading"
    lines.append(_("Agenda: %(url)s") % {"url": agenda})
    return "\n".join(lines)


def ics_attachment(meeting: Meeting, agenda=()) -> dict:
    content = ical.calendar_bytes(
        meeting.title, ical.meeting_events(meeting, details=True, agenda=agenda)
    )
    return {
        "filename": f"meeting-{meeting.pk}.ics",
        "mimetype": "text/calendar",
        "content": base64.b64encode(content).decode("ascii"),
    }


def stamp(value) -> str:
    return value.strftime("%Y%m%dT%H%M%S.%f") if value else "-"


# --- Registrations ------------------------------------------------------------------------------
def _registration_notice(registration: Registration, *, promoted: bool) -> tuple | None:
    """What a person is told of where their registration stands: (occasion, notice)."""
    meeting, person = registration.meeting, registration.person
    status = registration.status
    with translation.override(_language(person)):
        if promoted:
            notice, title = "promoted", _("A place came free for you: %(title)s")
        elif status == Registration.Status.CONFIRMED:
            notice, title = "confirmed", _("Your place is confirmed: %(title)s")
        elif status == Registration.Status.REGISTERED:
            notice, title = "registered", _("Registration received: %(title)s")
        elif status == Registration.Status.WAITLISTED:
            notice, title = "waitlisted", _("On the waiting list: %(title)s")
        else:
            return None
        leads = {
            "promoted": _("You have a place at this meeting."),
            "confirmed": _("Your place at this meeting is confirmed."),
            "registered": _("The coordinators will confirm your place."),
            "waitlisted": _("You are on the waiting list; we will tell you if a place comes free."),
        }
        return (
            f"{notice}:{stamp(registration.updated_at)}",
            Notice(
                recipient=person,
                title=title % {"title": title_in(meeting, _language(person))},
                body=f"{leads[notice]}\n\n{meeting_facts(meeting, person)}",
                url=meeting.get_absolute_url(),
            ),
        )


def registration_notices(registrations, *, promoted: bool = False) -> int:
    """Tells each person of ``registrations`` (those promoted from a waiting list at once,
    say) where theirs stands, once per change, in a fixed number of queries. Returns how
    many were told now."""
    registrations = list(registrations)
    with_titles([registration.meeting for registration in registrations])
    occasions = []
    for registration in registrations:
        told = _registration_notice(registration, promoted=promoted)
        if told is not None:
            occasions.append((registration, told[0], [told[1]]))
    return notify_each(kind=Kind.REGISTRATION, occasions=occasions)


def invitation_notice(registration: Registration) -> None:
    meeting, person = registration.meeting, registration.person
    with translation.override(_language(person)):
        body = "\n\n".join(
            [
                _("You are invited to this meeting. Register or decline on its page."),
                meeting_facts(meeting, person),
            ]
        )
        notify(
            recipient=person,
            kind=Kind.INVITATION,
            target=registration,
            title=_("Invitation: %(title)s") % {"title": title_in(meeting, _language(person))},
            body=body,
            url=meeting.get_absolute_url(),
            occasion=f"invited:{stamp(registration.invited_at)}",
        )


def invitation_reminder(
    registration: Registration, *, occasion: str, subject: str = "", message: str = ""
) -> bool:
    """Reminds someone of an invitation they have not answered. True if it is new."""
    meeting, person = registration.meeting, registration.person
    before = timezone.now()
    with translation.override(_language(person)):
        shown = title_in(meeting, _language(person))
        title = subject or _("Reminder: you are invited to %(title)s") % {"title": shown}
        parts = [message.strip()] if message.strip() else []
        parts.append(_("You have not yet answered the invitation to %(title)s.") % {"title": shown})
        parts.append(meeting_facts(meeting, person))
        notification = notify(
            recipient=person,
            kind=Kind.INVITATION,
            target=registration,
            title=title,
            body="\n\n".join(parts),
            url=meeting.get_absolute_url(),
            occasion=f"reminder:{occasion}",
        )
    return notification.created_at >= before


# --- The meeting as a whole ---------------------------------------------------------------------
def meeting_cancelled_notice(meeting: Meeting, people) -> int:
    """Tells everyone on the list that the meeting will not take place (once)."""
    items = []
    for person in people:
        with translation.override(_language(person)):
            body = "\n\n".join(
                [_("This meeting will not take place."), meeting_facts(meeting, person)]
            )
            title = _("Cancelled: %(title)s") % {"title": title_in(meeting, _language(person))}
        items.append(
            Notice(recipient=person, title=title, body=body, url=meeting.get_absolute_url())
        )
    return notify_many(
        kind=Kind.MEETING_CHANGED, target=meeting, occasion="cancelled", notices=items
    )


def meeting_moved_notice(meeting: Meeting, people) -> int:
    """Tells everyone on the list that the meeting's date, time or place changed, with the new
    facts and calendar file (once per change)."""
    attachment = ics_attachment(meeting, list(meeting.agenda_items.order_by("starts_at", "pk")))
    items = []
    for person in people:
        with translation.override(_language(person)):
            body = "\n\n".join(
                [
                    _("The date, time or place of this meeting changed. Here is what holds now."),
                    meeting_facts(meeting, person),
                ]
            )
            title = _("Changed: %(title)s") % {"title": title_in(meeting, _language(person))}
        items.append(
            Notice(
                recipient=person,
                title=title,
                body=body,
                url=meeting.get_absolute_url(),
                attachments=[attachment],
            )
        )
    return notify_many(
        kind=Kind.MEETING_CHANGED,
        target=meeting,
        occasion=f"changed:{stamp(meeting.updated_at)}",
        notices=items,
    )


def meeting_reminder(meeting: Meeting, person, *, attachment: dict) -> Notice:
    """The reminder one person gets (sent in batches through ``notify_many``)."""
    with translation.override(_language(person)):
        body = "\n\n".join(
            [
                _("You hold a place at this meeting. The calendar file is attached."),
                meeting_facts(meeting, person),
            ]
        )
        title = _("Reminder: %(title)s starts %(date)s") % {
            "title": title_in(meeting, _language(person)),
            "date": date_format(meeting.local_starts_at, "COMPACT_DATE_FORMAT"),
        }
    return Notice(
        recipient=person,
        title=title,
        body=body,
        url=meeting.get_absolute_url(),
        attachments=[attachment],
    )


def reminder_occasion(days: int) -> str:
    return f"reminder:{days}d"


EVALUATION_REQUEST = "evaluation"
EVALUATION_REMINDER = "evaluation-reminder"


def evaluation_request(meeting: Meeting, people, *, reminder: bool = False) -> int:
    """Asks those who attended for their evaluation (or reminds them), once each."""
    url = reverse("meetings:evaluation", args=[meeting.pk])
    items = []
    for person in people:
        with translation.override(_language(person)):
            if reminder:
                title = _("Reminder, your evaluation: %(title)s")
                lead = _("You have not yet evaluated this meeting. It takes two minutes.")
            else:
                title = _("Your evaluation: %(title)s")
                lead = _("Thank you for coming. Please tell us how the meeting went.")
            items.append(
                Notice(
                    recipient=person,
                    title=title % {"title": title_in(meeting, _language(person))},
                    body=f"{lead}\n{settings.SITE_URL.rstrip('/')}{url}",
                    url=url,
                )
            )
    return notify_many(
        kind=Kind.EVALUATION,
        target=meeting,
        occasion=EVALUATION_REMINDER if reminder else EVALUATION_REQUEST,
        notices=items,
    )
