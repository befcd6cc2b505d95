"""Times as a meeting's participants need them: in the meeting's own zone and, where it
shows a different clock, in the viewer's."""

import zoneinfo

from django import template
from django.utils import dateformat, timezone

register = template.Library()

DAY = "D j M Y"
TIME = "H:i"


def moment(value, with_zone: bool = False) -> str:
    text = f"{dateformat.format(value, DAY)}, {dateformat.format(value, TIME)}"
    return f"{text} {dateformat.format(value, 'T')}" if with_zone else text


def span(start, end) -> str:
    zone = dateformat.format(end, "T")
    if start.date() == end.date():
        return f"{moment(start)}–{dateformat.format(end, TIME)} {zone}"
    return f"{moment(start)} – {moment(end)} {zone}"


def times(start, end, zone_name: str) -> dict:
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


@register.filter
def in_zone(value, zone_name):
    """A datetime shown in the given zone (e.g. a registration's arrival in the host city)."""
    if not value:
        return ""
    return moment(value.astimezone(zoneinfo.ZoneInfo(zone_name)), with_zone=True)
