"""Editions and pairings in the read API: public, with the sides, leads, status history and
action plan the pairing page shows, filtered as the pairing list is, in flat queries."""

import pytest

from tests.cities.factories import CityFactory, ThematicAreaFactory
from tests.twinning.factories import (
    ActionFactory,
    EditionFactory,
    MilestoneFactory,
    PairingFactory,
    PairingMemberFactory,
)
from tests.users.factories import CoordinatorFactory
from twinning.models import Action, Pairing
from twinning.services import pairing_set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def pairing(edition, eu_city, partner_city):
    return PairingFactory(
        edition=edition, eu_lead=eu_city, partner_lead=partner_city, slug="gwangju-tampere"
    )


def test_a_pairing_shows_its_sides_history_and_action_plan(client, pairing, edition):
    PairingMemberFactory(pairing=pairing, city=CityFactory(name="Oulu", slug="oulu"))
    owner = CoordinatorFactory(full_name="Aino Virtanen", email="aino@example.org")
    ActionFactory(
        pairing=pairing, title="Bike sharing pilot", status=Action.Status.DONE, owner_person=owner
    )
    pairing_set_status(pairing=pairing, status=Pairing.Status.CLOSED, by=owner, note="Done.")
    body = client.get("/api/v1/pairings/gwangju-tampere/").json()
    assert body["eu_side"]["lead"]["slug"] == "tampere"
    assert [m["slug"] for m in body["eu_side"]["members"]] == ["oulu"]
    assert body["partner_side"]["lead"]["slug"] == "gwangju"
    assert body["edition"].endswith(f"/api/v1/editions/{edition.slug}/")
    assert body["status"] == "closed"
    assert body["status_history"][0]["to_status"] == "closed"
    assert body["status_history"][0]["changed_by"] == "Aino Virtanen"
    [action] = body["action_plan"]
    assert (action["title"], action["status"], action["progress"]) == (
        "Bike sharing pilot",
        "done",
        100,
    )
    assert action["owner"] == "Aino Virtanen"
    assert "aino@example.org" not in str(body)


def test_pairings_filter_as_the_pairing_list_does(client, pairing):
    area = ThematicAreaFactory(slug="smart-city")
    pairing.thematic_areas.add(area)
    PairingFactory(slug="other")
    rows = client.get("/api/v1/pairings/", {"thematic_area": "smart-city"}).json()["results"]
    assert [p["slug"] for p in rows] == ["gwangju-tampere"]
    rows = client.get("/api/v1/pairings/", {"edition": pairing.edition.slug}).json()["results"]
    assert [p["slug"] for p in rows] == ["gwangju-tampere"]


def test_an_edition_shows_its_cycle_and_links_its_pairings(client, edition):
    MilestoneFactory(edition=edition, title="Launch in Seoul")
    body = client.get(f"/api/v1/editions/{edition.slug}/").json()
    assert [m["title"] for m in body["milestones"]] == ["Launch in Seoul"]
    assert body["pairings"].endswith(f"/api/v1/pairings/?edition={edition.slug}")


def test_lists_make_as_many_queries_for_one_row_as_for_many(client, assert_flat_queries):
    area = ThematicAreaFactory()

    def make_pairings(n):
        for _ in range(n):
            pairing = PairingFactory()
            pairing.thematic_areas.add(area)
            PairingMemberFactory(pairing=pairing)

    assert_flat_queries(make_pairings, lambda: client.get("/api/v1/pairings/?page_size=100"))

    def make_editions(n):
        for _ in range(n):
            MilestoneFactory(edition=EditionFactory())

    assert_flat_queries(make_editions, lambda: client.get("/api/v1/editions/?page_size=100"))


def test_a_pairing_page_makes_as_many_queries_for_one_action_as_for_many(
    client, pairing, assert_flat_queries
):
    assert_flat_queries(
        lambda n: [ActionFactory(pairing=pairing) for _ in range(n)],
        lambda: client.get("/api/v1/pairings/gwangju-tampere/"),
    )
