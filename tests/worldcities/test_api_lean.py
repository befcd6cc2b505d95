"""The lists of the read API render their rows without DRF's per-row field machinery
(``worldcities.api.lean``): each list must show exactly what DRF renders row by row from the
same rows, for visitors and for someone with a token (their own time zone included)."""

import json
from zoneinfo import ZoneInfo

import pytest
from django.urls import resolve
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from cities.models import City
from meetings.models import Meeting
from tests.api import api_get, token_for
from tests.cities.factories import CityFactory, OrganisationFactory, TopicFactory
from tests.meetings.factories import MeetingFactory, RegistrationFactory, in_days
from tests.twinning.factories import MilestoneFactory, PairingFactory, PairingMemberFactory
from twinning.models import PairingMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(edition, eu_city, partner_city, delegate):
    """Cities with and without a parent or members, pairings with and without further
    members, meetings in two time zones, organisations with and without a city."""
    alliance = CityFactory(name="Alliance", slug="alliance", kind=City.Kind.ALLIANCE)
    alliance.members.set([eu_city, CityFactory(name="Espoo", slug="espoo")])
    CityFactory(name="Hervanta", slug="hervanta", parent=eu_city)
    MilestoneFactory(edition=edition)
    pairing = PairingFactory(edition=edition, eu_lead=eu_city, partner_lead=partner_city)
    PairingMemberFactory(pairing=pairing, city=alliance, side=PairingMember.Side.EU)
    PairingFactory(edition=edition, eu_lead=alliance, partner_lead=partner_city)
    meeting = MeetingFactory(edition=edition, host_city=partner_city, pairings=[pairing])
    MeetingFactory(edition=edition, host_city=eu_city, starts_at=in_days(40))
    RegistrationFactory(meeting=meeting, person=delegate, city=eu_city)
    OrganisationFactory(city=eu_city)
    OrganisationFactory(city=None)
    TopicFactory()
    return pairing


def plain_drf(path, response, zone):
    """What DRF's own ``Serializer.to_representation`` makes of the rows the list shows, in
    the time zone the answer was made in."""
    view = resolve(path).func.cls(action="list", kwargs={}, format_kwarg=None)
    view.request = Request(response.wsgi_request)
    view.request.user = response.wsgi_request.user
    shown = [row["id"] for row in response.json()["results"]]
    by_id = {row.pk: row for row in view.get_queryset().filter(pk__in=shown)}
    child = view.get_serializer_class()()
    rows = serializers.ListSerializer(
        [by_id[pk] for pk in shown], child=child, context={"request": view.request}
    )
    with timezone.override(ZoneInfo(zone)):
        return json.loads(JSONRenderer().render(rows.data))


LISTS = [
    "/api/v1/cities/",
    "/api/v1/organisations/",
    "/api/v1/topics/",
    "/api/v1/editions/",
    "/api/v1/pairings/",
    "/api/v1/meetings/",
    "/api/v1/me/registrations/",
]


@pytest.mark.parametrize(
    ("path", "reader"),
    [
        (path, reader)
        for path in LISTS
        for reader in ("visitor", "token", "session")
        if not (path.startswith("/api/v1/me/") and reader == "visitor")
    ],
)
def test_each_list_shows_what_drf_renders_row_by_row(client, programme, delegate, path, reader):
    delegate.time_zone = "Asia/Seoul"
    delegate.save()
    token = token_for(delegate) if reader == "token" else None
    if reader == "session":
        client.force_login(delegate)
    response = api_get(client, f"{path}?page_size=100", token)
    assert response.status_code == 200, response.content
    listed = response.json()["results"]
    assert listed, "the programme has rows for every list"
    # A session's person sees times in their own zone (a token is read after the zone is set).
    zone = "Asia/Seoul" if reader == "session" else timezone.get_default_timezone_name()
    assert listed == plain_drf(path, response, zone)


def test_a_meeting_page_is_its_address_on_the_site(client, programme):
    meeting = Meeting.objects.order_by("starts_at").first()
    listed = client.get("/api/v1/meetings/").json()["results"]
    assert listed[0]["page"] == f"http://testserver/meetings/{meeting.pk}/"
    assert listed[0]["url"] == f"http://testserver/api/v1/meetings/{meeting.slug}/"
