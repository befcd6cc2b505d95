"""Cached HTML and values keyed on the version of exactly what they show.

A version is a number in the cache under a name the app chooses for one thing or one set of
things: ``practice:42`` for one practice, ``practices:published`` for the set the public list
shows. Something cached is kept under a key that holds the current versions of the names it
depends on, so it is never served after one of them moved on; the old entry simply expires.

The service that writes moves the versions of what it changed (``bump``), inside its
transaction: at once and again when the transaction commits, so a page another request renders
in between, from the rows before the commit, is not kept under the new version. Nothing moves
a version by itself: no signal, no ORM hook. A write that shows nowhere cached (a follow, a
draft save) moves nothing. ``docs/caching.md`` lists the names and who moves them.
"""

import hashlib
import time
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

TIMEOUT = 60 * 60
# A version every cached thing depends on, moved by bulk loads that bypass the services.
EVERYTHING = "all"


def _key(name: str) -> str:
    return f"version:{name}"


def current(names: Iterable[str]) -> tuple:
    """The current version of each name, in one round trip to the cache (a name never seen
    gets one: if another process sets it meanwhile, theirs wins, so both agree)."""
    keys = [_key(name) for name in names]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, time.time_ns(), None)
            found[key] = cache.get(key)
    return tuple(found[key] for key in keys)


def bump(*names: str) -> None:
    """Says that what these names stand for changed: called by the service that writes."""
    if not names:
        return

    def move_on():
        now = time.time_ns()
        cache.set_many({_key(name): now for name in names}, None)

    move_on()
    transaction.on_commit(move_on)


def everything_changed() -> None:
    """After a bulk load written past the services (seeds, generated data)."""
    bump(EVERYTHING)


def cache_key(name: str, *, depends_on: Iterable[str], vary: Iterable = ()) -> str:
    """The key of something cached: its name, what else it varies on, the active language and
    time zone, and the current versions of the names it depends on."""
    parts = (
        tuple(str(v) for v in vary),
        current([EVERYTHING, *depends_on]),
        translation.get_language(),
        timezone.get_current_timezone_name(),
    )
    return f"{name}:{hashlib.sha256(repr(parts).encode()).hexdigest()[:40]}"


def cached(
    name: str,
    *,
    depends_on: Iterable[str],
    compute: Callable,
    vary: Iterable = (),
    timeout: int = TIMEOUT,
):
    """``compute()``'s value, from the cache while the versions of ``depends_on`` stay the
    same (``compute`` runs, and its queries, only when they moved on)."""
    key = cache_key(name, depends_on=depends_on, vary=vary)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value
