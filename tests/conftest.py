"""Fixtures shared by the whole suite: people in each role, a real Celery worker on Redis, and
the rules that skip what needs Redis or Chromium when they are absent (never in CI)."""

import os
import shutil
import subprocess
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection, transaction

from tests.cities.factories import CityFactory, PartnerCityFactory
from tests.twinning.factories import EditionFactory
from tests.users.factories import (
    CoordinatorFactory,
    DelegateFactory,
    ProgrammeStaffFactory,
)

# Playwright drives the browser from an event loop in this thread; live_server tests also use
# the ORM directly, which Django would otherwise refuse in an async context.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    redis = settings.TEST_REDIS_URL or "unreachable: Redis tests are skipped"
    return [
        f"database: PostgreSQL {db.get('HOST') or ''} {db.get('NAME')}",
        f"redis: {redis}",
        f"CI: {CI}",
    ]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_configure(config):
    """Builds the .mo files the site reads from the catalogues that changed (they are not
    committed), once, before any test process starts."""
    if hasattr(config, "workerinput"):
        return
    for po in sorted((settings.BASE_DIR / "locale").glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)


def pytest_collection_modifyitems(config, items):
    reasons = {
        "redis": None if settings.TEST_REDIS_URL else "needs Redis (unreachable)",
        "browser": None if chromium_path() else "needs Chromium (`apt-get install chromium`)",
    }
    for marker, reason in reasons.items():
        if reason is None:
            continue
        if CI:
            raise pytest.UsageError(f"CI=true and a test {reason}.")
        for item in items:
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@contextmanager
def rows_for_the_module(django_db_blocker):
    """Opens a transaction for rows that a module-scoped fixture makes once for all the
    module's tests: each test runs in a savepoint inside it (what a test writes goes with its
    own rollback), and the rollback at the end of the module removes the shared rows. Only
    for modules whose tests do not need a database without those rows."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language_and_time_zone():
    """Each test starts in the default language and time zone: a request served in the test's
    thread (a language cookie, a logged-in reader's zone) leaves them active there, and code a
    test then calls directly would render in them."""
    from django.utils import timezone, translation

    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with nothing cached (page parts, counts, sessions, rate limits)."""
    from django.core.cache import cache

    cache.clear()


# --- People -------------------------------------------------------------------------------------
@pytest.fixture
def edition(db):
    return EditionFactory()


@pytest.fixture
def eu_city(db):
    return CityFactory(name="Tampere", slug="tampere", time_zone="Europe/Helsinki")


@pytest.fixture
def partner_city(db):
    return PartnerCityFactory(name="Gwangju", slug="gwangju")


@pytest.fixture
def programme_staff(db):
    return ProgrammeStaffFactory(email="staff@example.org", full_name="Programme Staff")


@pytest.fixture
def coordinator(db, edition):
    user = CoordinatorFactory(email="coordinator@example.org", full_name="Edition Coordinator")
    edition.coordinators.add(user)
    return user


@pytest.fixture
def delegate(db, eu_city):
    return DelegateFactory(email="delegate@example.org", full_name="Eu Delegate", city=eu_city)


@pytest.fixture
def partner_delegate(db, partner_city):
    return DelegateFactory(
        email="partner.delegate@example.org", full_name="Partner Delegate", city=partner_city
    )


@pytest.fixture
def other_coordinator(db):
    """A coordinator, but of no edition the tests use."""
    return CoordinatorFactory(email="other.coordinator@example.org", full_name="Other Coordinator")


@pytest.fixture
def client_for(client):
    def login(user):
        if user is not None:
            client.force_login(user)
        return client

    return login


# --- A real Celery worker on the real Redis -----------------------------------------------------
def _redis_url_for_this_process() -> str:
    """Each pytest-xdist process gets its own Redis database (the configured one plus 1, 2, …),
    so that one process's worker never takes another's tasks."""
    base, _, number = settings.TEST_REDIS_URL.rpartition("/")
    first = int(number) if number.isdigit() else 0
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return f"{base}/{first + 1 + int(worker.removeprefix('gw') or 0)}"


@pytest.fixture(scope="session")
def _celery_worker_thread(django_db_blocker):
    """Starts a worker thread in this process, on this process's Redis database, for the
    session. It keeps the connection it starts with; the app's producers are pointed at Redis
    only while a test that asks for ``celery_worker_on_redis`` runs."""
    from celery.contrib.testing.worker import start_worker

    from worldcities.celery import app

    url = _redis_url_for_this_process()
    with _sending_to(app, url):
        app.loader.import_task_module("celery.contrib.testing.tasks")
        app.control.purge()
        worker = start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=10)
        worker.__enter__()
    with django_db_blocker.unblock():
        yield app, url
        worker.__exit__(None, None, None)


@pytest.fixture
def celery_worker_on_redis(_celery_worker_thread):
    """The app, sending its tasks to a real worker on the real Redis for this test only.

    The worker shares this process, so Celery's guard against waiting for a result inside a
    task can trip in the test thread: tests wait with ``get(..., disable_sync_subtasks=False)``.
    Other tests send to the in-memory broker, so that what they commit never reaches the
    worker (a test that makes a send fail on purpose would make the worker's send fail too).
    """
    app, url = _celery_worker_thread
    with _sending_to(app, url):
        app.control.purge()
        yield app


@contextmanager
def _sending_to(app, url):
    saved = {
        key: app.conf[key] for key in ("broker_url", "result_backend", "broker_transport_options")
    }
    _reconnect(app, broker_url=url, result_backend=url, broker_transport_options={})
    try:
        yield
    finally:
        _reconnect(app, **saved)


def _reconnect(app, **conf):
    """Points the app's producers at another broker (the worker keeps its own connection)."""
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    pools.reset()
    app.conf.update(conf)
    app.amqp._producer_pool = None
    if hasattr(app._local, "backend"):
        del app._local.backend


@pytest.fixture
def assert_flat_queries(django_assert_num_queries):
    """``assert_flat_queries(make_rows, fetch)`` checks that ``fetch()`` uses the same number
    of queries with a few rows as with many (``make_rows(n)`` adds n rows). Both are measured
    with nothing cached (no page part, no session), as the worst case."""

    def check(make_rows, fetch, small=1, large=30):
        from django.core.cache import cache
        from django.test.utils import CaptureQueriesContext

        make_rows(small)
        cache.clear()
        with CaptureQueriesContext(connection) as few:
            fetch()
        make_rows(large - small)
        cache.clear()
        with django_assert_num_queries(len(few.captured_queries)):
            fetch()
        return len(few.captured_queries)

    return check


@pytest.fixture
def moved(monkeypatch):
    """The names (``worldcities.versions``) that the calls of ``versions.bump`` moved, in
    order: clear it after the factories' own writes, then make the write under test."""
    from worldcities import versions

    names: list[str] = []
    bump = versions.bump

    def recording(*moving):
        names.extend(moving)
        bump(*moving)

    monkeypatch.setattr(versions, "bump", recording)
    return names
