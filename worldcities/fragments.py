"""Parts of pages rendered once and then served from the cache until what they show changes.

A fragment is named, and its key holds what its HTML depends on besides the data:

- ``vary``: the rows it shows and the few reader-specific facts it uses (a permission flag, the
  reader's visibility class), given by the view;
- the active language and time zone (dates and labels are rendered in them).

The data it shows is named by **scopes**. A scope is an app label (``cities``, ``twinning``,
``practices``, ``meetings``, ``users``) with a version number in the cache: any save or delete
of a model of that app, and any change of one of its many-to-many relations, moves the version
on (through the signal receivers below, so a model added later is covered too). A fragment is
kept together with the versions it was rendered under, and served only while they are still
the current ones. Fragment and versions are read in one round trip to the cache.

Writes that send no model signals (``QuerySet.update()``, ``bulk_create()``) call
``scopes_changed()`` themselves. A version moves on at once and again when the transaction
commits, so a page rendered by another request in between (from the data before the commit)
is not kept under the new version.

Fragments are rendered without the request: no context processor runs, so nothing personal
(the user, a CSRF token, messages) can end up in HTML that other readers are served. A template
meant for a fragment gets only what the view passes to it. A fragment with forms (a sign-up
button, a coordinator's delete button) is rendered with ``csrf_placeholder()`` as its token and
kept per reader state (in ``vary``); ``with_csrf_token`` puts the reader's own token in on the
way out, so no reader's token is ever kept.

Visitors who are not logged in all see the same page for the same address and language, so
``cache_page_for_visitors`` keeps the whole response of a public page for them, under the same
versions. A response that sets a cookie (a CSRF token, a message) is never kept.

Pages that depend on the clock (upcoming and past meetings) are kept at most ``TIMEOUT``.
"""

import functools
import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

SCOPES = ("cities", "twinning", "practices", "meetings", "users")
# Scopes of their own that apps move on themselves (see practices.caching).
NAMED_SCOPES = ("practice-facets",)
# Rows that no fragment shows: their writes leave every fragment valid.
IGNORED_MODELS = {
    "practices.follow",
    "meetings.calendarfeedtoken",
}
# Fields whose change no fragment shows (a login stamps ``last_login`` on the user).
IGNORED_UPDATE_FIELDS = {"users.user": {"last_login", "password"}}
TIMEOUT = 10 * 60
_VERSION_KEY = "fragments:version:{}"


# --- Versions -----------------------------------------------------------------------------------
def _version_keys(scopes) -> list[str]:
    return [_VERSION_KEY.format(scope) for scope in scopes]


def _versions_from(keys: list[str], found: dict) -> tuple:
    """The versions among ``found`` (a ``get_many`` result); a scope never seen gets one."""
    for key in keys:
        if key not in found:
            # Another process may set it meanwhile: theirs wins, so both agree.
            cache.add(key, time.time_ns(), None)
            found[key] = cache.get(key)
    return tuple(found[key] for key in keys)


def scope_versions(scopes: Iterable[str]) -> tuple:
    """The current version of each scope, in one round trip to the cache."""
    keys = _version_keys(scopes)
    return _versions_from(keys, cache.get_many(keys))


# --- Values kept per person ---------------------------------------------------------------------
# They are forgotten on every change of the rows they come from (``forget_for_people``); this
# only bounds how long one outlives a change made by hand in the database.
PERSON_TIMEOUT = 24 * 60 * 60


def _person_key(name: str, user_id) -> str:
    return f"{name}:{user_id}"


def kept_for_person(name: str, user_id, load: Callable):
    """A value of one person's that many pages read (``name``: their unread count, what they
    follow), from the cache, else ``load()`` (kept until ``forget_for_people``)."""
    key = _person_key(name, user_id)
    value = cache.get(key)
    if value is None:
        value = load()
        cache.set(key, value, PERSON_TIMEOUT)
    return value


def forget_for_people(name: str, user_ids: Iterable) -> None:
    """Drops these people's ``name`` values at once and again when the current transaction
    commits: a value another request read and kept in between, from the data before the
    change, is dropped too (``docs/caching.md`` says what is left)."""
    keys = [_person_key(name, pk) for pk in set(user_ids) - {None}]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


class KnowsLoadedOwner:
    """For a model whose rows change a value kept per person (their unread count, what they
    follow): remembers the owner's id as the row was read from the database, so that giving
    the row to someone else (in the admin) forgets both people's values. ``owner_field`` names
    the owner's foreign key column."""

    owner_field = "user_id"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.loaded_owner_id = instance.__dict__.get(cls.owner_field)
        return instance


def owners_of(instance) -> set:
    """The ids of the person a row (``KnowsLoadedOwner``) belongs to now and of the one it was
    loaded with; from then on, the current one counts as loaded."""
    current = getattr(instance, instance.owner_field)
    owners = {current, getattr(instance, "loaded_owner_id", None)} - {None}
    instance.loaded_owner_id = current
    return owners


def _move_on(scopes) -> None:
    now = time.time_ns()
    cache.set_many({_VERSION_KEY.format(scope): now for scope in scopes}, None)


class _OnCommit:
    """The scopes changed in the current transaction, moved on once when it commits."""

    def __init__(self):
        self.scopes: set[str] = set()

    def __call__(self):
        _move_on(self.scopes)


def scopes_changed(*scopes: str) -> None:
    """Says that data of these scopes changed: fragments showing it are rendered anew."""
    scopes = tuple(s for s in scopes if s in SCOPES or s in NAMED_SCOPES)
    if not scopes:
        return
    _move_on(scopes)
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        pending = next(
            (func for _sids, func, _robust in connection.run_on_commit if type(func) is _OnCommit),
            None,
        )
        if pending is None:
            pending = _OnCommit()
            transaction.on_commit(pending)
        pending.scopes.update(scopes)


def everything_changed() -> None:
    """Every cached part and page is rendered anew (after bulk loads, which send no signals)."""
    scopes_changed(*SCOPES, *NAMED_SCOPES)


# --- Signals: every model of a scope's app --------------------------------------------------------
def _scope_of(model) -> str | None:
    meta = model._meta
    if meta.label_lower in IGNORED_MODELS or meta.app_label not in SCOPES:
        return None
    return meta.app_label


def _saved(sender, update_fields=None, raw=False, **_kwargs):
    scope = _scope_of(sender)
    if scope is None or raw:
        return
    ignored = IGNORED_UPDATE_FIELDS.get(sender._meta.label_lower)
    if update_fields and ignored and set(update_fields) <= ignored:
        return
    scopes_changed(scope)


def _deleted(sender, **_kwargs):
    scope = _scope_of(sender)
    if scope is not None:
        scopes_changed(scope)


def _m2m_changed(sender, action, instance, **_kwargs):
    if not action.startswith("post_"):
        return
    scopes_changed(*{s for s in (_scope_of(sender), _scope_of(type(instance))) if s})


def connect() -> None:
    """Listens to every model of the scopes' apps (their many-to-many tables and history
    included), and only to them: other models keep Django's fast bulk delete, which any
    listener of theirs would turn off."""
    from django.apps import apps

    for model in apps.get_models(include_auto_created=True):
        if _scope_of(model) is None:
            continue
        uid = f"fragments-{model._meta.label_lower}"
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}-delete")
        m2m_changed.connect(_m2m_changed, sender=model, dispatch_uid=f"{uid}-m2m")


# --- Kept values ----------------------------------------------------------------------------------
def fragment_key(name: str, vary: Iterable) -> str:
    parts = (
        tuple(str(v) for v in vary),
        translation.get_language(),
        timezone.get_current_timezone_name(),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:40]
    return f"fragments:{name}:{digest}"


def query_vary(params, *, leave_out=()) -> list[tuple[str, tuple[str, ...]]]:
    """A query string as a fragment's ``vary``: the same whatever the order of its parameters
    (a list filtered by the same choices is the same list), but not of one parameter's values
    (where a filter reads one value, it reads the last)."""
    return sorted((key, tuple(params.getlist(key))) for key in params if key not in leave_out)


@dataclass(frozen=True)
class Fragment:
    """One cached piece of HTML: see the module's docstring. ``context`` is called only when
    the piece must be rendered."""

    name: str
    vary: tuple
    scopes: tuple
    template: str
    context: Callable[[], dict]


def cached_fragments(fragments: list[Fragment], timeout: int = TIMEOUT) -> list[SafeString]:
    """The HTML of each fragment, from the cache where it is there under the current versions
    of its scopes, else rendered (and kept): all looked up in one round trip to the cache."""
    if not fragments:
        return []
    keys = [fragment_key(f.name, f.vary) for f in fragments]
    looked_up = _lookup({key: f.scopes for key, f in zip(keys, fragments, strict=True)})
    result, rendered = [], {}
    for fragment, key in zip(fragments, keys, strict=True):
        versions, html = looked_up[key]
        if html is None:
            html = render_to_string(fragment.template, fragment.context())
            rendered[key] = (versions, html)
        result.append(mark_safe(html))
    if rendered:
        cache.set_many(rendered, timeout)
    return result


def _lookup(wanted: dict[str, tuple]) -> dict[str, tuple]:
    """For each key (→ the scopes its value depends on): the current versions of those scopes
    and the value kept under the key for these versions, or None. One round trip to the
    cache, for the values and the versions together."""
    scopes = sorted({scope for key_scopes in wanted.values() for scope in key_scopes})
    version_keys = _version_keys(scopes)
    found = cache.get_many([*wanted, *version_keys])
    current = dict(zip(scopes, _versions_from(version_keys, found), strict=True))
    result = {}
    for key, key_scopes in wanted.items():
        versions = tuple(current[scope] for scope in key_scopes)
        value = found.get(key)
        result[key] = (versions, value[1] if value is not None and value[0] == versions else None)
    return result


def cached_parts(
    name: str,
    *,
    vary: Iterable,
    scopes: Iterable[str],
    templates: dict[str, str],
    context: Callable[[], dict],
    timeout: int = TIMEOUT,
) -> dict[str, SafeString]:
    """The HTML of each part (part name → template), from the cache where it is there.

    ``context`` is called only when a part must be rendered, once for all of them, so a page
    whose parts are all cached runs none of the queries they need."""
    parts = part_fragments(name, vary=vary, scopes=scopes, templates=templates, context=context)
    return dict(zip(templates, cached_fragments(parts, timeout), strict=True))


def part_fragments(
    name: str,
    *,
    vary: Iterable,
    scopes: Iterable[str],
    templates: dict[str, str],
    context: Callable[[], dict],
) -> list[Fragment]:
    """The fragments of ``cached_parts``, for a page that looks them up in one round trip
    together with others (``cached_fragments``)."""
    data = functools.cache(context)  # one context for every part that must be rendered
    vary, scopes = tuple(vary), tuple(scopes)
    return [Fragment(f"{name}:{part}", vary, scopes, t, data) for part, t in templates.items()]


def cached_html(
    name: str,
    *,
    vary: Iterable,
    scopes: Iterable[str],
    template: str,
    context: Callable[[], dict],
    timeout: int = TIMEOUT,
) -> SafeString:
    """The HTML of one fragment: see ``cached_parts``."""
    return cached_parts(
        name,
        vary=vary,
        scopes=scopes,
        templates={"html": template},
        context=context,
        timeout=timeout,
    )["html"]


def cached_object(
    name: str,
    *,
    vary: Iterable,
    scopes: Iterable[str],
    load: Callable,
    timeout: int = TIMEOUT,
):
    """A row (or any picklable value) that every reader gets alike, e.g. a public pairing with
    its leads: ``load()`` runs only when the cache does not hold it under the current versions
    of ``scopes``. ``load`` may return None (nothing found): that is not kept."""
    key = fragment_key(name, vary)
    versions, value = _lookup({key: tuple(scopes)})[key]
    if value is not None:
        return value
    value = load()
    if value is not None:
        cache.set(key, (versions, value), timeout)
    return value


# --- Forms in fragments ---------------------------------------------------------------------------
@functools.cache
def csrf_placeholder() -> str:
    """The CSRF token a fragment with forms is rendered with (``{"csrf_token": ...}`` in its
    context): derived from the secret key, so no text written by a user can contain it."""
    return "csrf-" + salted_hmac("worldcities.fragments.csrf", "placeholder").hexdigest()[:32]


def with_csrf_token(request, html: str) -> SafeString:
    """The fragment's HTML with the reader's own CSRF token where it was rendered with the
    placeholder."""
    placeholder = csrf_placeholder()
    if placeholder not in html:
        return mark_safe(html)
    return mark_safe(html.replace(placeholder, get_token(request)))


# --- Whole pages for visitors ---------------------------------------------------------------------
# Cookies a visitor may carry that change nothing on a public page (the language is in the key).
_NEUTRAL_COOKIES = {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}


def _visitor_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and set(request.COOKIES) <= _NEUTRAL_COOKIES
        and not request.user.is_authenticated
    )


def _page_key(request) -> str:
    htmx = getattr(request, "htmx", None)
    vary = (
        request.path,
        request.META.get("QUERY_STRING", ""),
        bool(htmx) and not htmx.boosted,
        htmx.target if htmx else None,
    )
    return fragment_key("page", vary)


def _keepable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(getattr(request, "_messages", None), "_queued_messages", None)
    )


def cache_page_for_visitors(*, scopes: Iterable[str], timeout: int = TIMEOUT):
    """Serves a public page to visitors who are not logged in from the cache, until data of
    ``scopes`` changes (or ``timeout`` seconds pass, for pages that depend on the clock)."""
    scopes = tuple(scopes)

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _visitor_request(request):
                return view(request, *args, **kwargs)
            key = _page_key(request)
            versions, page = _lookup({key: scopes})[key]
            if page is not None:
                content_type, content = page
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            if _keepable(request, response):
                page = (response["Content-Type"], response.content)
                cache.set(key, (versions, page), timeout)
            return response

        return wrapped

    return decorator
