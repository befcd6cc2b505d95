"""Dates and times as each language writes them (``FORMAT_MODULE_PATH``).

Every language of the platform has a module ``worldcities.formats.<code>.formats`` that sets
Django's own names where Django's defaults read wrong (``DATE_FORMAT``, ``DATETIME_FORMAT``,
``TIME_FORMAT``, ``YEAR_MONTH_FORMAT``) and every name of ``PLATFORM_FORMATS``. Templates and
code never spell a format out: they name one (``{{ value|local_date:"COMPACT_DATE_FORMAT" }}``,
``date_format(value, "WEEKDAY_DATE_FORMAT")``). ``docs/dates-and-times.md`` shows each name in
each language.
"""

from django.conf import settings
from django.utils import dateformat, formats

# The names of the platform's own formats (besides Django's), each set by every language.
PLATFORM_FORMATS = (
    "COMPACT_DATE_FORMAT",  # a date where room is short: tables, lists
    "COMPACT_YEAR_MONTH_FORMAT",  # a month where room is short
    "WEEKDAY_FORMAT",  # a weekday alone: the month calendar's columns
    "WEEKDAY_DATE_FORMAT",  # a date with its weekday: meetings
    "WEEKDAY_DATETIME_FORMAT",  # a date with its weekday and a time: meetings
)
# Django's names that every language sets too (Django's defaults read wrong in several).
DJANGO_FORMATS = ("DATE_FORMAT", "DATETIME_FORMAT", "TIME_FORMAT", "YEAR_MONTH_FORMAT")


class _DateFormat(dateformat.DateFormat):
    def D(self):
        """The weekday as the language abbreviates it in a date: a module's ``SHORT_WEEKDAYS``
        where Django's abbreviation is not the one readers write (Korean writes 화, not 화요일),
        Django's otherwise."""
        names = formats.get_format("SHORT_WEEKDAYS")
        if isinstance(names, list | tuple):
            return names[self.data.weekday()]
        return super().D()


def get_format(name: str) -> str:
    """The active language's format of that name; for a language without a module of the
    platform, the default language's (never the name itself, which Django would return)."""
    value = formats.get_format(name)
    if value == name and name in PLATFORM_FORMATS:
        value = formats.get_format(name, lang=settings.LANGUAGE_CODE)
    return value


def zone_label(value) -> str:
    """The zone of a datetime by its abbreviation ("CET", "KST"), or by its offset from UTC
    where it has none ("UTC+07")."""
    name = dateformat.format(value, "T")
    return f"UTC{name}" if name[:1] in "+-" else name


def date_format(value, name: str) -> str:
    """``value`` (a date, or a datetime already in the zone to show) in the active language's
    format of that name."""
    return _DateFormat(value).format(get_format(name))
