"""iCalendar files: every time carries its zone (TZID, with the VTIMEZONE it refers to), so a
calendar shows it right on both sides of a daylight-saving change."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event

from .models import Meeting

ICAL_STATUS = {
    Meeting.Status.PLANNED: "TENTATIVE",
    Meeting.Status.CONFIRMED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.EVALUATED: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
}


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "worldcities.invalid"


def subscription(request, url: str) -> dict:
    """A feed's address for a calendar application (``webcal://``, which opens it) and as a
    plain address to copy."""
    address = request.build_absolute_uri(url)
    return {"https": address, "webcal": "webcal://" + address.split("://", 1)[1]}


def _location(meeting: Meeting, details: bool) -> str:
    parts = [meeting.venue, meeting.address] if details else []
    parts.append(f"{meeting.host_city}, {meeting.host_city.country}")
    return ", ".join(p for p in parts if p)


def meeting_events(meeting: Meeting, *, details: bool, agenda=()) -> list[Event]:
    """The meeting as an event and each agenda item given (those the reader may see: pass none
    otherwise) as another. Without ``details`` the venue and online link stay out."""
    zone = meeting.zone
    url = settings.SITE_URL.rstrip("/") + reverse("meetings:detail", args=[meeting.pk])
    stamp = (meeting.updated_at or datetime.datetime.now(datetime.UTC)).astimezone(datetime.UTC)
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{_domain()}")
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", meeting.title)
    event.add("location", _location(meeting, details))
    description = meeting.description
    if details and meeting.online_url:
        description = f"{description}\n\n{meeting.online_url}".strip()
    event.add("description", description)
    event.add("url", url)
    event.add("status", ICAL_STATUS[meeting.status])
    event.add("categories", [meeting.get_kind_display()])
    events = [event]
    for item in agenda:
        sub = Event()
        sub.add("uid", f"agenda-item-{item.pk}@{_domain()}")
        sub.add("dtstamp", stamp)
        sub.add("dtstart", item.starts_at.astimezone(zone))
        sub.add("dtend", item.ends_at.astimezone(zone))
        sub.add("summary", f"{meeting.title}: {item.title}")
        sub.add("location", item.place or _location(meeting, details))
        text = [item.get_kind_display()]
        if item.speakers:
            text.append(item.speakers)
        if item.description:
            text.append(item.description)
        sub.add("description", "\n".join(str(t) for t in text))
        sub.add("related-to", f"meeting-{meeting.pk}@{_domain()}")
        sub.add("url", url)
        sub.add("status", ICAL_STATUS[meeting.status])
        events.append(sub)
    return events


def calendar_bytes(name: str, events: list[Event]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//World Cities Exchange//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    if events:
        starts = [e.decoded("dtstart") for e in events]
        ends = [e.decoded("dtend") for e in events]
        calendar.add_missing_timezones(
            first_date=min(starts).date() - datetime.timedelta(days=366),
            last_date=max(ends).date() + datetime.timedelta(days=366),
        )
    return calendar.to_ical()
