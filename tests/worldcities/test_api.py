"""What every resource of the read API shares: conditional GET (ETag, Last-Modified, 304),
rate limits with 429 and Retry-After, the entry point, and the reader's own registrations."""

import pytest
from django.core.cache import cache

from meetings.models import Registration
from tests.api import api_get, token_for
from tests.cities.factories import CityFactory
from tests.meetings.factories import MeetingFactory, RegistrationFactory
from worldcities import versions

pytestmark = pytest.mark.django_db

CITIES = "/api/v1/cities/"


def test_the_entry_point_links_every_resource(client):
    body = client.get("/api/v1/").json()
    for name in (
        "cities",
        "organisations",
        "thematic-areas",
        "topics",
        "editions",
        "pairings",
        "practices",
        "meetings",
        "me/registrations",
        "schema",
        "documentation",
    ):
        assert name in body
    assert body["practices"].endswith("/api/v1/practices/")


def test_a_visitor_gets_304_until_what_the_list_shows_changes(
    client, eu_city, django_assert_num_queries
):
    first = client.get(CITIES)
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]
    with django_assert_num_queries(0):
        again = client.get(CITIES, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    since = client.get(CITIES, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert since.status_code == 304
    # A change to the cities moves their version: the copy is stale.
    versions.bump("cities")
    changed = client.get(CITIES, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    # Another address is another copy.
    assert client.get(CITIES, {"page_size": 5})["ETag"] != changed["ETag"]


def test_with_a_token_the_etag_is_that_of_the_answer(client, delegate):
    token = token_for(delegate)
    first = api_get(client, CITIES, token)
    assert first["ETag"].startswith('"c-')
    assert "private" in first["Cache-Control"]
    assert api_get(client, CITIES, token, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    CityFactory(name="Hobart", slug="hobart")
    assert api_get(client, CITIES, token, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_visitors_are_limited_per_address(client, settings, eu_city):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anonymous": "3/min", "token": "5/min"},
    }
    _reload_throttles()
    try:
        codes = [client.get(CITIES).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        refused = client.get(CITIES)
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) > 0
        assert "throttled" in refused.json()["detail"].lower()
        other = client.get(CITIES, REMOTE_ADDR="10.0.0.9")
        assert other.status_code == 200
    finally:
        cache.clear()
        _reload_throttles(restore=True)


def test_a_token_has_its_own_limit(client, settings, delegate, partner_delegate, eu_city):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anonymous": "1/min", "token": "2/min"},
    }
    _reload_throttles()
    try:
        mine, theirs = token_for(delegate), token_for(partner_delegate)
        codes = [api_get(client, CITIES, mine).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert api_get(client, CITIES, theirs).status_code == 200
    finally:
        cache.clear()
        _reload_throttles(restore=True)


def _reload_throttles(restore=False):
    """DRF reads the rates once per class: make it read the overridden settings."""
    from rest_framework.throttling import SimpleRateThrottle

    from worldcities.api.throttling import TokenRateThrottle, VisitorRateThrottle

    for cls in (VisitorRateThrottle, TokenRateThrottle):
        cls.THROTTLE_RATES = SimpleRateThrottle.THROTTLE_RATES
        if not restore:
            from rest_framework.settings import api_settings

            cls.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_my_registrations_need_a_token_and_show_only_mine(client, delegate, partner_delegate):
    mine = RegistrationFactory(person=delegate, meeting=MeetingFactory(title="Launch in Seoul"))
    RegistrationFactory(person=partner_delegate)
    anonymous = client.get("/api/v1/me/registrations/")
    assert anonymous.status_code == 401
    assert "detail" in anonymous.json()
    body = api_get(client, "/api/v1/me/registrations/", token_for(delegate)).json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    row = body["results"][0]
    assert row["status"] == Registration.Status.CONFIRMED
    assert row["meeting"]["title"] == "Launch in Seoul"
    assert row["delegation"]["slug"] == delegate.city.slug
    assert "dietary_needs" not in row


def test_my_registrations_make_as_many_queries_for_one_as_for_many(
    client, delegate, assert_flat_queries
):
    token = token_for(delegate)
    api_get(client, "/api/v1/me/registrations/", token)

    def make_rows(n):
        for _ in range(n):
            RegistrationFactory(person=delegate)

    assert_flat_queries(
        make_rows, lambda: api_get(client, "/api/v1/me/registrations/?page_size=50", token)
    )
