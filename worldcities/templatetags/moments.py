"""Dates and times as the reader's language writes them, and times that say which clock they
are read on: ``{{ value|moment }}`` gives "14 Mar 2017, 10:30 CET" in the reader's time zone
(the one the request activated), so a time kept in a shared page part, or read by someone in
another zone, never misleads. ``{{ value|local_date:"COMPACT_DATE_FORMAT" }}`` shows a date in
one of the named formats of ``worldcities.formats``."""

from django import template
from django.utils import timezone

from worldcities.formats import date_format, zone_label

register = template.Library()


@register.filter
def moment(value) -> str:
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{date_format(local, 'DATETIME_FORMAT')} {zone_label(local)}"


@register.filter(expects_localtime=True)
def local_date(value, name: str) -> str:
    """``value`` in the active language's format of that name (a date, or a time in the
    reader's zone)."""
    if value in (None, ""):
        return ""
    return date_format(value, name)
