"""Cities, organisations, thematic areas and topics in the read API: public, filtered as the
city list is, linked to each other, and read in a flat number of queries."""

import pytest

from tests.cities.factories import (
    CityFactory,
    OrganisationFactory,
    PartnerCityFactory,
    ThematicAreaFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def test_a_city_shows_its_country_coordinates_population_and_members(client):
    alliance = CityFactory(
        name="Scottish Cities Alliance", slug="scottish-cities", kind="alliance", population=None
    )
    glasgow = CityFactory(
        name="Glasgow", slug="glasgow", population=635000, latitude=55.86, longitude=-4.25
    )
    alliance.members.add(glasgow)
    body = client.get("/api/v1/cities/scottish-cities/").json()
    assert body["kind"] == "alliance"
    assert [m["slug"] for m in body["members"]] == ["glasgow"]
    assert body["members"][0]["url"].endswith("/api/v1/cities/glasgow/")
    city = client.get("/api/v1/cities/glasgow/").json()
    assert city["population"] == 635000
    assert (city["latitude"], city["longitude"]) == (55.86, -4.25)
    assert city["country"]["code"] == glasgow.country.code
    assert city["page"].endswith("/cities/glasgow/")


def test_cities_filter_as_the_city_list_does(client):
    CityFactory(slug="tampere", name="Tampere")
    PartnerCityFactory(slug="busan", name="Busan")
    partner = client.get("/api/v1/cities/", {"side": "partner"}).json()["results"]
    assert [c["slug"] for c in partner] == ["busan"]
    found = client.get("/api/v1/cities/", {"q": "Tamp"}).json()["results"]
    assert [c["slug"] for c in found] == ["tampere"]
    bad = client.get("/api/v1/cities/", {"side": "north"})
    assert bad.status_code == 400 and "side" in bad.json()


def test_areas_list_their_topics_and_topics_link_their_area(client):
    area = ThematicAreaFactory(slug="smart-city", name="Smart City")
    topic = TopicFactory(area=area, slug="ict", name="ICT")
    body = client.get("/api/v1/thematic-areas/smart-city/").json()
    assert [t["slug"] for t in body["topics"]] == ["ict"]
    linked = client.get(f"/api/v1/topics/{topic.pk}/").json()
    assert linked["thematic_area"].endswith("/api/v1/thematic-areas/smart-city/")


def test_organisations_are_listed_with_their_city(client):
    OrganisationFactory(name="CityNet", city=None)
    rows = client.get("/api/v1/organisations/").json()["results"]
    assert [o["name"] for o in rows] == ["CityNet"]


@pytest.mark.parametrize(
    ("path", "make"),
    [
        ("/api/v1/cities/", lambda: CityFactory().members.add(CityFactory())),
        ("/api/v1/organisations/", lambda: OrganisationFactory(city=CityFactory())),
        ("/api/v1/thematic-areas/", lambda: TopicFactory(area=ThematicAreaFactory())),
        ("/api/v1/topics/", lambda: TopicFactory()),
    ],
)
def test_lists_make_as_many_queries_for_one_row_as_for_many(
    client, assert_flat_queries, path, make
):
    def make_rows(n):
        for _ in range(n):
            make()

    assert_flat_queries(make_rows, lambda: client.get(path, {"page_size": 100}), large=20)
