"""Each filter of the pairing list and the map narrows the count as expected."""

import pytest

from tests.cities.factories import (
    CityFactory,
    PartnerCityFactory,
    PartnerCountryFactory,
    ThematicAreaFactory,
)
from tests.twinning.factories import EditionFactory, PairingFactory, PairingMemberFactory
from twinning.filters import MapFilterSet, PairingFilterSet
from twinning.models import Pairing
from twinning.selectors import pairings_for_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    korea_country = PartnerCountryFactory(code="KR", name="Republic of Korea")
    za = PartnerCountryFactory(code="ZA", name="South Africa")
    korea = EditionFactory(slug="korea")
    korea.partner_countries.set([korea_country])
    africa = EditionFactory(slug="south-africa")
    africa.partner_countries.set([za])
    smart = ThematicAreaFactory(name="Smart City", slug="smart-city")
    climate = ThematicAreaFactory(name="Climate Change", slug="climate-change")
    tampere = PairingFactory(
        edition=korea,
        eu_lead=CityFactory(name="Tampere", slug="tampere"),
        partner_lead=PartnerCityFactory(name="Gwangju", slug="gwangju", country=korea_country),
    )
    tampere.thematic_areas.set([smart, climate])
    PairingMemberFactory(pairing=tampere, city=CityFactory(name="Espoo", slug="espoo"))
    barcelona = PairingFactory(
        edition=korea,
        eu_lead=CityFactory(name="Barcelona", slug="barcelona"),
        partner_lead=PartnerCityFactory(name="Busan", slug="busan", country=korea_country),
        status=Pairing.Status.CLOSED,
    )
    barcelona.thematic_areas.set([climate])
    PairingFactory(
        edition=africa,
        eu_lead=CityFactory(name="Belfast", slug="belfast"),
        partner_lead=PartnerCityFactory(name="eThekwini", slug="ethekwini", country=za),
        status=Pairing.Status.WITHDRAWN,
    )


def leads(data, filterset_class=PairingFilterSet):
    filterset = filterset_class(data, queryset=pairings_for_list())
    assert filterset.is_valid(), filterset.errors
    return sorted(pairing.eu_lead.name for pairing in filterset.qs)


def test_no_filter_lists_every_pairing(world):
    assert leads({}) == ["Barcelona", "Belfast", "Tampere"]


def test_edition_filter(world):
    assert leads({"edition": "korea"}) == ["Barcelona", "Tampere"]


def test_partner_country_filter(world):
    assert leads({"partner_country": "ZA"}) == ["Belfast"]


def test_thematic_area_filter_gives_each_pairing_once(world):
    assert leads({"thematic_area": "climate-change"}) == ["Barcelona", "Tampere"]
    assert leads({"thematic_area": "smart-city"}) == ["Tampere"]


def test_status_filter(world):
    assert leads({"status": "withdrawn"}) == ["Belfast"]
    assert leads({"status": "active"}) == ["Tampere"]


def test_search_finds_further_members(world):
    assert leads({"q": "espoo"}) == ["Tampere"]
    assert leads({"q": "busan"}) == ["Barcelona"]


def test_filters_combine(world):
    assert leads({"edition": "korea", "thematic_area": "climate-change", "status": "closed"}) == [
        "Barcelona"
    ]


def test_the_map_shares_edition_country_and_area(world):
    assert leads({"edition": "korea", "thematic_area": "smart-city"}, MapFilterSet) == ["Tampere"]
    assert leads({"partner_country": "KR"}, MapFilterSet) == ["Barcelona", "Tampere"]
