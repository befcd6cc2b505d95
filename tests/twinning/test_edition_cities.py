import pytest
from django.db import IntegrityError

from tests.cities.factories import CityFactory, PartnerCityFactory
from tests.twinning.factories import EditionCityFactory, EditionFactory

pytestmark = pytest.mark.django_db


def test_a_city_takes_part_in_an_edition_once():
    entry = EditionCityFactory()
    with pytest.raises(IntegrityError):
        EditionCityFactory(edition=entry.edition, city=entry.city)


def test_side_follows_the_country_during_the_edition():
    edition = EditionFactory()
    eu = EditionCityFactory(edition=edition, city=CityFactory())
    partner = EditionCityFactory(edition=edition, city=PartnerCityFactory())
    assert eu.is_eu_side
    assert not partner.is_eu_side
