"""Each filter of the city list narrows the count as expected."""

import pytest

from cities.filters import CityFilterSet
from cities.selectors import cities_public
from tests.cities.factories import CityFactory, PartnerCityFactory, ThematicAreaFactory
from tests.twinning.factories import EditionFactory, PairingFactory, PairingMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    smart = ThematicAreaFactory(name="Smart City", slug="smart-city")
    climate = ThematicAreaFactory(name="Climate Change", slug="climate-change")
    korea = EditionFactory(slug="korea")
    africa = EditionFactory(slug="south-africa")
    tampere = CityFactory(name="Tampere", slug="tampere")
    gwangju = PartnerCityFactory(name="Gwangju", slug="gwangju")
    belfast = CityFactory(name="Belfast", slug="belfast")
    ethekwini = PartnerCityFactory(name="eThekwini", slug="ethekwini")
    espoo = CityFactory(name="Espoo", slug="espoo", country=tampere.country)
    CityFactory(name="Lonely", slug="lonely")  # in no pairing
    first = PairingFactory(edition=korea, eu_lead=tampere, partner_lead=gwangju)
    first.thematic_areas.set([smart])
    PairingMemberFactory(pairing=first, city=espoo)
    second = PairingFactory(edition=africa, eu_lead=belfast, partner_lead=ethekwini)
    second.thematic_areas.set([climate])
    return locals()


def names(data):
    return sorted(city.name for city in CityFilterSet(data, queryset=cities_public()).qs)


def test_no_filter_lists_every_city(world):
    assert len(names({})) == 6


def test_search_by_name_or_country(world):
    assert names({"q": "tamp"}) == ["Tampere"]
    assert names({"q": world["gwangju"].country.name}) == ["Gwangju"]


def test_country_filter(world):
    assert names({"country": world["tampere"].country.code}) == ["Espoo", "Tampere"]


def test_side_filter(world):
    assert names({"side": "partner"}) == ["Gwangju", "eThekwini"]
    assert len(names({"side": "eu"})) == 4


def test_thematic_area_filter_takes_further_members_in(world):
    assert names({"thematic_area": "smart-city"}) == ["Espoo", "Gwangju", "Tampere"]
    assert names({"thematic_area": "climate-change"}) == ["Belfast", "eThekwini"]


def test_edition_filter(world):
    assert names({"edition": "south-africa"}) == ["Belfast", "eThekwini"]
    assert names({"edition": "korea", "side": "eu"}) == ["Espoo", "Tampere"]


def test_an_unknown_choice_is_an_error_not_an_empty_list(world):
    filterset = CityFilterSet({"edition": "no-such-edition"}, queryset=cities_public())
    assert not filterset.is_valid()
    assert "edition" in filterset.errors


def test_the_pairing_count_counts_each_pairing_once(world):
    counts = {city.name: city.pairing_count for city in cities_public()}
    assert counts["Tampere"] == 1
    assert counts["Espoo"] == 1
    assert counts["Lonely"] is None or counts["Lonely"] == 0
