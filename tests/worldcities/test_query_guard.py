"""The query-count guard: every GET page of the platform, walked from the URL configuration,
makes as many SQL queries over a small data set as over a larger one. A page added later is
covered without anyone listing it; a page whose URL cannot be filled from generated rows must be
listed in ``NOT_COVERED`` with the reason, or this test fails."""

import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from cities.models import City, Opportunity, Organisation, ThematicArea, Topic
from meetings.models import AgendaItem, Meeting, Registration
from practices.models import Practice
from twinning.models import (
    Action,
    Application,
    ApplicationPartner,
    Document,
    Edition,
    Pairing,
    ReviewAssignment,
    Thread,
)
from worldcities import datagen
from worldcities.users.models import User

pytestmark = pytest.mark.django_db

OUR_MODULES = ("worldcities.", "cities.", "twinning.", "practices.", "meetings.")

# Pages the guard cannot request from generated rows, and why.
NOT_COVERED = {
    "reports:detail": "a report exists only once a worker built it (tests/reports cover it)",
    "reports:download": "a report file exists only once a worker built it",
    "practices:attachment": "generated practices have no uploaded files",
    "practices:version": "generated practices have no published versions",
    "meetings:feed_ics": "the URL holds a personal feed token, not a row's id",
    "practices:translation_edit": "generated practices have no translations "
    "(tests/practices/test_translations.py holds the translations page flat)",
    "practices:translation_check": "a form's target: it answers POST only",
    "meetings:translation_edit": "generated meetings have no translations "
    "(tests/meetings/test_translations.py holds the translations page flat)",
    "meetings:translation_check": "a form's target: it answers POST only",
    "media": "serves uploaded files in development only",
    "cities:opportunity_confirm": "a form's target: it answers POST only",
    "twinning:document_download": "serves a stored file under a policy of its own "
    "(tests/twinning/test_workspace.py downloads each version)",
    "opendata:download": "serves a built file and reads no row (tests/opendata cover it)",
    "twinning:outcome_evidence": "generated outcomes have no uploaded evidence "
    "(tests/twinning/test_outcomes.py covers it)",
    "twinning:outcome_check": "a form's target: it answers POST only",
}
# Views from other packages: their queries do not depend on our data.
FOREIGN_MODULES = ("allauth.", "django.views.")

SMALL = {"scale": 0.0005, "counts": {"registrations": 10, "meetings": 5}}
LARGE = {"scale": 0.003, "counts": {"registrations": 240, "meetings": 30}}


def _routes(patterns=None, prefix="", namespace=None):
    """(route, url name, view module, converters) for every pattern, includes flattened."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            full = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), full)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
            yield prefix + str(pattern.pattern), name, pattern.callback.__module__


def _params(route: str) -> list[str]:
    return [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)]


def _objects() -> dict[str, dict]:
    """The rows that fill the routes' parameters, by route prefix, in the current data set
    (read once per walk: the pages a walk requests do not change them)."""
    practice = Practice.objects.published().order_by("pk").first()
    pairing = Pairing.objects.order_by("pk").first()
    meeting = Meeting.objects.order_by("pk").first()
    application = Application.objects.select_related("call").order_by("pk").first()
    review = (
        ReviewAssignment.objects.filter(reviewer__email=f"staff@{datagen.GENERATED_DOMAIN}")
        .select_related("application__call__edition")
        .order_by("pk")
        .first()
    )
    document = Document.objects.filter(pairing=pairing).order_by("pk").first()
    community = Thread.objects.filter(thematic_area__isnull=False).order_by("pk").first()
    return {
        "practices/": {"slug": practice.slug},
        "cities/": {"slug": City.objects.order_by("pk").first().slug},
        "pairings/": {
            "slug": pairing.slug,
            "pk": Action.objects.filter(pairing=pairing).order_by("pk").first().pk,
            # The pairing's workspace: a thread, a document and its first version.
            "thread_pk": Thread.objects.filter(pairing=pairing).order_by("pk").first().pk,
            "document_pk": document.pk,
            "number": 1,
        },
        "editions/": {
            "slug": Edition.objects.order_by("pk").first().slug,
            "call": application.call.slug,
            "pk": application.pk,
            "document": application.call.documents_required.order_by("pk").first().pk,
            "partner": ApplicationPartner.objects.filter(application=application).first().pk,
        },
        "practices/applications/": {"application": application.pk},
        # The review: programme staff's own review of the first submitted application (the
        # generated data makes them one of its reviewers), and the call's pages.
        "review/assignments/": {"pk": review.pk},
        "review/calls/": {
            "slug": review.application.call.edition.slug,
            "call": review.application.call.slug,
            "pk": review.application_id,
        },
        "community/": {"area": community.thematic_area.slug, "thread_pk": community.pk},
        "meetings/editions/": {"slug": Edition.objects.order_by("pk").first().slug},
        "practices/areas/": {"slug": ThematicArea.objects.order_by("pk").first().slug},
        "practices/cities/": {"slug": City.objects.order_by("pk").first().slug},
        "people/": {
            "pk": User.objects.filter(in_directory=True, is_active=True).order_by("pk").first().pk
        },
        "opportunities/": {"pk": Opportunity.objects.order_by("pk").first().pk},
        # The read API (``worldcities.api_urls``): each resource by its slug or id.
        "api/v1/cities/": {"slug": City.objects.order_by("pk").first().slug},
        "api/v1/organisations/": {"pk": Organisation.objects.order_by("pk").first().pk},
        "api/v1/thematic-areas/": {"slug": ThematicArea.objects.order_by("pk").first().slug},
        "api/v1/topics/": {"pk": Topic.objects.order_by("pk").first().pk},
        "api/v1/editions/": {"slug": Edition.objects.order_by("pk").first().slug},
        "api/v1/pairings/": {"slug": pairing.slug},
        "api/v1/practices/": {"slug": practice.slug},
        "api/v1/meetings/": {"slug": meeting.slug},
        "meetings/": {
            "pk": meeting.pk,
            "item_pk": AgendaItem.objects.filter(meeting=meeting).order_by("pk").first().pk,
            "registration_pk": Registration.objects.filter(meeting=meeting)
            .order_by("pk")
            .first()
            .pk,
            "year": meeting.starts_at.year,
            "month": meeting.starts_at.month,
        },
    }


def _fill(route: str, objects: dict[str, dict]):
    """The path of ``route`` for the rows in ``objects`` (from ``_objects()``), or None."""
    params = _params(route)
    if not params:
        return "/" + route
    prefix = max((p for p in objects if route.startswith(p)), key=len, default=None)
    if prefix is None or not set(params) <= set(objects[prefix]):
        return None
    path = route
    for param in params:
        path = re.sub(rf"<(?:\w+:)?{param}>", str(objects[prefix][param]), path)
    return "/" + path


def _admin_changelists() -> list[str]:
    from django.contrib import admin

    return [f"/admin/{m._meta.app_label}/{m._meta.model_name}/" for m in admin.site._registry]


def _measure(client, staff) -> dict:
    """Queries per (user, page) over the data set in the database now."""
    counts, unfilled = {}, []
    objects = _objects()
    for route, name, module in _routes():
        if route.startswith("admin/") or module.startswith(FOREIGN_MODULES):
            continue
        if not module.startswith(OUR_MODULES) or name in NOT_COVERED:
            continue
        path = _fill(route, objects)
        if path is None:
            unfilled.append(name)
            continue
        assert resolve(path.split("?")[0]).url_name == name.split(":")[-1], path
        for who in ("anonymous", "staff"):
            counts[(who, path)] = _queries(client, staff if who == "staff" else None, path)
    for path in _admin_changelists():
        counts[("staff", path)] = _queries(client, staff, path)
    return counts, unfilled


def _queries(client, user, path) -> tuple[int, int]:
    client.logout()
    if user is not None:
        client.force_login(user)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response.status_code, len(captured)


def _with_data(client, size) -> tuple[dict, list]:
    with transaction.atomic():
        datagen.generate(scale=size["scale"], seed=7, counts=size["counts"])
        staff = User.objects.get(email=f"staff@{datagen.GENERATED_DOMAIN}")
        result = _measure(client, staff)
        transaction.set_rollback(True)
    return result


def _key(path: str) -> str:
    """Paths name rows by id or slug, which differ between the two data sets."""
    return resolve(path.split("?")[0]).route


def test_every_page_makes_the_same_number_of_queries_over_more_data(client):
    (small, unfilled), (large, _unfilled) = _with_data(client, SMALL), _with_data(client, LARGE)
    assert not unfilled, (
        f"Pages whose URL the guard cannot fill: {unfilled}. Teach `_fill` their parameters or "
        "list them in NOT_COVERED with the reason."
    )
    small_by_route = {(who, _key(path)): value for (who, path), value in small.items()}
    large_by_route = {(who, _key(path)): value for (who, path), value in large.items()}
    assert small_by_route.keys() == large_by_route.keys()
    grown = {
        key: (small_by_route[key], large_by_route[key])
        for key in small_by_route
        if small_by_route[key] != large_by_route[key]
    }
    assert not grown, "(status, queries) small → large: " + "; ".join(
        f"{who} {route}: {a} → {b}" for (who, route), (a, b) in sorted(grown.items())
    )
    pages = {route for _who, route in small_by_route}
    assert {"practices/", "practices/<slug:slug>/", "pairings/<slug:slug>/"} <= pages
