"""Times that say which clock they are read on: ``{{ value|moment }}`` gives
"14 Mar 2017, 10:30 CET" in the reader's time zone (the one the request activated), so a time
kept in a shared page part, or read by someone in another zone, never misleads."""

from django import template
from django.utils import dateformat, timezone

register = template.Library()

FORMAT = "j M Y, H:i"


def zone_label(value) -> str:
    """The zone's abbreviation ("CET", "KST"), or its offset from UTC where it has none."""
    name = dateformat.format(value, "T")
    return f"UTC{name}" if name[:1] in "+-" else name


@register.filter
def moment(value) -> str:
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{dateformat.format(local, FORMAT)} {zone_label(local)}"
