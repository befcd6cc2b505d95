"""The time zone each reader sees times in. Logged-in people have theirs in their profile (or
their city's, ``User.effective_time_zone``). A visitor's browser tells theirs once
(``static/js/time-zone.js``) and a cookie keeps it; the visitor may choose another on the time
zone page. A cookie naming no zone (mistyped, forged, or from a newer zone database) counts as
none: the site's zone (``TIME_ZONE``), without an error.

The zone activated here is part of every cached page's key (``worldcities.versions``), so a
visitor in New York is never served the page kept for one in Brussels."""

import functools
import zoneinfo
from collections import defaultdict

from django.conf import settings


@functools.cache
def known_zones() -> frozenset[str]:
    """The names of every zone of the zone database (read from disk once per process)."""
    return frozenset(zoneinfo.available_timezones())


def zone_named(name: str | None) -> zoneinfo.ZoneInfo | None:
    if name and name in known_zones():
        return zoneinfo.ZoneInfo(name)
    return None


def visitor_zone(request) -> zoneinfo.ZoneInfo | None:
    """The zone a visitor's cookie names, or None (then the site's zone applies)."""
    return zone_named(request.COOKIES.get(settings.TIME_ZONE_COOKIE_NAME))


def remember_zone(response, *, request, zone: str) -> None:
    """Keeps the visitor's chosen zone in their cookie (an empty zone forgets it: their
    browser's is then read again)."""
    name = settings.TIME_ZONE_COOKIE_NAME
    if not zone:
        response.delete_cookie(name, samesite="Lax")
        return
    response.set_cookie(
        name,
        zone,
        max_age=settings.TIME_ZONE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
    )


# The regions of the zone database whose zones are places; the others are old aliases.
REGIONS = (
    "Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe",
    "Indian", "Pacific",
)  # fmt: skip


def zone_choices() -> list:
    """Every zone of a place, grouped by its region ("Asia": Seoul, Tokyo…), then UTC, for a
    select box."""
    regions = defaultdict(list)
    for name in sorted(known_zones()):
        region, _slash, place = name.partition("/")
        if region in REGIONS and place:
            regions[region].append((name, place.replace("_", " ").replace("/", " – ")))
    return [*((region, regions[region]) for region in REGIONS), ("UTC", "UTC")]
