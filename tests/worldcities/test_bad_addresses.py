"""Addresses no one should send: NUL characters, overlong UTF-8, lone surrogates and other
undecodable bytes, in every GET page's path and query string and in every admin filter. The
platform answers 400 or 404, never 5xx."""

import re
from html import unescape
from urllib.parse import parse_qsl

import pytest
from django.test import Client

from tests.conftest import rows_for_the_module
from worldcities import datagen
from worldcities.users.models import User

from .test_query_guard import (
    FOREIGN_MODULES,
    NOT_COVERED,
    OUR_MODULES,
    _admin_changelists,
    _fill,
    _objects,
    _routes,
)

pytestmark = pytest.mark.django_db

# Percent-encoded as a client would send them: NUL, an overlong "/" (C0 AF), a lone surrogate
# (ED A0 80) and a lone continuation byte.
BAD = ["a%00b", "%C0%AF", "%ED%A0%80", "%80x"]
PARAMETERS = ["q", "page", "sort", "area", "country", "edition", "status", "year", "kind"]


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """A generated programme, made once for the module's tests, which only read it."""
    with rows_for_the_module(django_db_blocker):
        datagen.generate(scale=0.0005, seed=3, counts={"registrations": 10, "meetings": 5})
        yield User.objects.get(email=f"staff@{datagen.GENERATED_DOMAIN}").pk


@pytest.fixture
def staff(generated, db):
    return User.objects.get(pk=generated)


def _pages() -> list[str]:
    """Every GET page of the platform, filled from the rows in the database."""
    paths, objects = [], _objects()
    for route, name, module in _routes():
        if route.startswith("admin/") or module.startswith(FOREIGN_MODULES):
            continue
        if (
            module.startswith(OUR_MODULES)
            and name not in NOT_COVERED
            and (path := _fill(route, objects))
        ):
            paths.append(path)
    return paths


def _mangled(path: str):
    """The path with bad bytes in its query string, then in each of its segments."""
    for bad in BAD:
        yield f"{path}?" + "&".join(f"{name}={bad}" for name in PARAMETERS)
    parts = path.strip("/").split("/")
    for i in range(len(parts)):
        for bad in BAD:
            yield "/" + "/".join([*parts[:i], bad, *parts[i + 1 :]]) + "/"


@pytest.mark.parametrize("logged_in", [False, True], ids=["visitor", "staff"])
def test_no_page_answers_5xx_to_bad_bytes(staff, logged_in):
    failures = []
    client = Client(raise_request_exception=False)
    if logged_in:
        client.force_login(staff)
    for path in _pages():
        for mangled in _mangled(path):
            if (status := client.get(mangled).status_code) >= 500:
                failures.append((mangled, status))
    assert not failures, failures[:20]


def test_no_admin_filter_answers_5xx_to_bad_bytes(staff):
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    failures = []
    for changelist in _admin_changelists():
        html = client.get(changelist).content.decode()
        queries = {unescape(q) for q in re.findall(r'href="\?([^"#]+)"', html)}
        names = {name for query in queries for name, _value in parse_qsl(query)}
        for bad in BAD:
            query = "&".join(f"{name}={bad}" for name in sorted(names | {"q", "o", "p"}))
            if (status := client.get(f"{changelist}?{query}").status_code) >= 500:
                failures.append((changelist, query, status))
    assert not failures, failures[:20]


def test_a_nul_in_the_address_is_a_400_on_the_site_s_page(client):
    response = client.get("/meetings/feed/%00.ics")
    assert response.status_code == 400
    assert "400.html" in [t.name for t in response.templates]
    assert client.get("/admin/practices/practice/?status=%00").status_code == 400
