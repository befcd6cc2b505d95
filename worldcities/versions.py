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

import functools
import hashlib
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control

TIMEOUT = 60 * 60
# The longest a request waits for another that computes the part it needs (``cached``).
WAIT = 5
# A version every cached thing depends on, moved by bulk loads that bypass the services.
EVERYTHING = "all"
CLOCK = "clock:"
CSRF_FIELD = b'name="csrfmiddlewaretoken"'

# Where the code and templates that render what is kept live.
SOURCES = ("worldcities", "cities", "twinning", "practices", "meetings", "templates")

# The names read while a page kept for visitors is rendered (``for_visitors``).
_shown: ContextVar[set | None] = ContextVar("versions_shown", default=None)


def _key(name: str) -> str:
    return f"version:{name}"


@functools.cache
def release() -> str:
    """What renders the kept things: ``RELEASE`` if the deployment names it (a commit), else a
    digest of the platform's code and templates. Every key holds it, so a new release never
    serves what the one before rendered."""
    if settings.RELEASE:
        return settings.RELEASE
    digest = hashlib.sha256()
    for folder in SOURCES:
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts:
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def every(seconds: int, *, spread: str = "") -> str:
    """A name whose version moves on by itself every ``seconds``: for what changes with the
    clock (which meetings are still upcoming). ``spread`` names what is kept under it (an
    address, a city): its steps are then shifted by an amount of its own, still ``seconds``
    apart, so that the many things kept under one clock do not all expire at the same moment
    and have every reader wait while they are computed again together."""
    if not spread:
        return f"{CLOCK}{seconds}"
    shift = int(hashlib.sha256(spread.encode()).hexdigest()[:8], 16) % seconds
    return f"{CLOCK}{seconds}+{shift}"


def _step(name: str, now: float) -> int:
    """The version of a clock name (``every``) at ``now``."""
    seconds, _plus, shift = name[len(CLOCK) :].partition("+")
    return int((now + int(shift or 0)) // int(seconds))


def current(names: Iterable[str]) -> tuple:
    """The current version of each name, in one round trip to the cache (a name never seen
    gets one: if another process sets it meanwhile, theirs wins, so both agree)."""
    names = list(names)
    shown = _shown.get()
    if shown is not None:
        shown.update(names)
    keys = [_key(name) for name in names if not name.startswith(CLOCK)]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, time.time_ns(), None)
            found[key] = cache.get(key)
    now = time.time()
    return tuple(
        _step(name, now) if name.startswith(CLOCK) else found[_key(name)] for name in names
    )


def shows(*names: str) -> None:
    """Says that the page being rendered shows these names' rows, read live (not from a cached
    part, whose names are known already): a page kept for visitors then moves on with them."""
    current(names)


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


@dataclass(frozen=True)
class Part:
    """Something a page keeps (``cached_many``): its name, the names of what it shows, how to
    compute it, and what else it varies on."""

    name: str
    depends_on: Iterable[str]
    compute: Callable
    vary: Iterable = ()
    timeout: int = TIMEOUT


def _part_key(part: Part, versions: dict) -> str:
    """The key of a part: its name, what else it varies on, the active language and time
    zone, and the current versions of the names it depends on (``versions``)."""
    parts = (
        release(),
        tuple(str(v) for v in part.vary),
        tuple(versions[name] for name in [EVERYTHING, *part.depends_on]),
        translation.get_language(),
        timezone.get_current_timezone_name(),
    )
    return f"{part.name}:{_digest(parts)}"


def cache_key(name: str, *, depends_on: Iterable[str], vary: Iterable = ()) -> str:
    """The key something is kept under (``_part_key``), for a caller that keeps it itself."""
    depends_on = list(depends_on)
    versions = dict(zip([EVERYTHING, *depends_on], current([EVERYTHING, *depends_on]), strict=True))
    return _part_key(Part(name, depends_on, compute=None, vary=vary), versions)


def cached_many(parts: Iterable[Part]) -> list:
    """The value of each part, from the cache while the versions of its ``depends_on`` stay
    the same (its ``compute`` runs, and its queries, only when they moved on). The versions
    of all the parts are read in one round trip to the cache and the kept values in another,
    however many parts a page keeps."""
    parts = list(parts)
    names = list(dict.fromkeys(n for part in parts for n in [EVERYTHING, *part.depends_on]))
    versions = dict(zip(names, current(names), strict=True))
    keys = [_part_key(part, versions) for part in parts]
    found = cache.get_many(keys)
    return [
        found[key] if key in found else _computed_once(key, part.compute, part.timeout)
        for part, key in zip(parts, keys, strict=True)
    ]


def cached(
    name: str,
    *,
    depends_on: Iterable[str],
    compute: Callable,
    vary: Iterable = (),
    timeout: int = TIMEOUT,
):
    """One part's value (``cached_many``)."""
    return cached_many([Part(name, list(depends_on), compute, vary, timeout)])[0]


def _computed_once(key: str, compute: Callable, timeout: int):
    """``compute()``'s value, kept under ``key``. While another request computes the same key
    (after a write moved a version, every reader of a popular part misses it at once), this
    one waits up to ``WAIT`` seconds for theirs instead of computing it too."""
    lock = f"computing:{key}"
    if not (owner := cache.add(lock, 1, WAIT)):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            time.sleep(0.01)
            found = cache.get_many([key, lock])
            if key in found:
                return found[key]
            if lock not in found:
                break  # it failed: compute it here
    try:
        value = compute()
        cache.set(key, value, timeout)
    finally:
        if owner:
            cache.delete(lock)
    return value


def for_visitors(view):
    """Keeps the whole page of ``view`` for visitors, with the versions of every name it
    showed (the names its cached parts and ``shows`` read), per host and address, language and
    time zone: served while those versions stay the same. A visitor with a message to read, an htmx
    request or anything but GET gets the page rendered for them. A page is kept only when it
    was rendered under versions read before it: the first rendering of an address learns its
    names, the next one is kept. Each kept page has an ``ETag``: a browser that asks again
    gets ``304 Not Modified``."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            request.method != "GET"
            or request.user.is_authenticated
            or "HX-Request" in request.headers
            or len(messages.get_messages(request))
        ):
            return view(request, *args, **kwargs)
        # The language form reads the token from the cookie: the page itself carries none.
        get_token(request)
        address = (
            release(),
            request.get_host(),
            request.get_full_path(),
            translation.get_language(),
            timezone.get_current_timezone_name(),
        )
        key = "visitor-page:" + _digest(address)
        names, kept_under, content = cache.get(key) or ((), None, None)
        before = current(names) if names else None
        if content is not None and before == kept_under:
            return _visitor_response(request, (address, before), HttpResponse(content))
        shown = {EVERYTHING}
        token = _shown.set(shown)
        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        finally:
            _shown.reset(token)
        if response.status_code != 200 or response.streaming or CSRF_FIELD in response.content:
            return response  # a form with this visitor's token is theirs alone
        if names and shown == set(names):
            cache.set(key, (names, before, response.content), TIMEOUT)
            return _visitor_response(request, (address, before), response)
        cache.set(key, (sorted(shown), None, None), TIMEOUT)
        return response

    return wrapper


def _digest(value) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:40]


def _visitor_response(request, kept_as, response):
    etag = f'"{_digest(kept_as)}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    response["ETag"] = etag
    patch_cache_control(response, no_cache=True)
    return response
