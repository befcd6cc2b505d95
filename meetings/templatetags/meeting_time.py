"""Times as a meeting's participants need them: in the meeting's own zone and, where it
shows a different clock, in the viewer's; each in the reader's language
(``worldcities.formats``) with the name of its zone."""

import zoneinfo

from django import template
from django.utils import timezone

from worldcities.formats import date_format, zone_label

register = template.Library()


def moment(value, with_zone: bool = False) -> str:
    text = date_format(value, "WEEKDAY_DATETIME_FORMAT")
    return f"{text} {zone_label(value)}" if with_zone else text


def span(start, end) -> str:
    if start == end:
        return moment(start, with_zone=True)
    zone = zone_label(end)
    if start.date() == end.date():
        return f"{moment(start)}–{date_format(end, 'TIME_FORMAT')} {zone}"
    return f"{moment(start)} – {moment(end)} {zone}"


def times(start, end, zone_name: str) -> dict:
    """What ``meetings/includes/times.html`` shows of a span (or of one moment, where ``end``
    is ``start``): in the meeting's zone and, if its clock differs, in the viewer's."""
    zone = zoneinfo.ZoneInfo(zone_name)
    viewer = timezone.get_current_timezone()
    local = (start.astimezone(zone), end.astimezone(zone))
    mine = (start.astimezone(viewer), end.astimezone(viewer))
    differs = any(
        a.replace(tzinfo=None) != b.replace(tzinfo=None) for a, b in zip(local, mine, strict=True)
    )
    return {
        "local": span(*local),
        "zone": zone.key,
        "viewer": span(*mine) if differs else "",
        "viewer_zone": getattr(viewer, "key", str(viewer)),
        "start_iso": start.isoformat(),
        "end_iso": end.isoformat(),
    }


@register.inclusion_tag("meetings/includes/times.html")
def meeting_times(obj, zone_name=None):
    """``{% meeting_times meeting %}`` or ``{% meeting_times item meeting.time_zone %}``."""
    return times(obj.starts_at, obj.ends_at, zone_name or obj.time_zone)


@register.inclusion_tag("meetings/includes/times.html")
def meeting_moment(value, zone_name):
    """One moment of a meeting (e.g. when its registration closes), in the meeting's zone and
    the viewer's: ``{% meeting_moment meeting.registration_closes_at meeting.time_zone %}``."""
    return times(value, value, zone_name)


@register.filter
def in_zone(value, zone_name):
    """A datetime shown in the given zone (e.g. a registration's arrival in the host city)."""
    if not value:
        return ""
    return moment(value.astimezone(zoneinfo.ZoneInfo(zone_name)), with_zone=True)
