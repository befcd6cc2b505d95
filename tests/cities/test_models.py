"""Each invariant of cities is refused with a readable message: by validation (what a form
shows next to the field) and, where the database can hold it, by the database too."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cities.models import City, Country
from tests.cities.factories import CityFactory, CountryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("latitude", Decimal("91"), "Ensure this value is less than or equal to 90."),
        ("latitude", Decimal("-90.5"), "Ensure this value is greater than or equal to -90."),
        ("longitude", Decimal("180.5"), "Ensure this value is less than or equal to 180."),
        ("longitude", Decimal("-181"), "Ensure this value is greater than or equal to -180."),
    ],
)
def test_invalid_coordinates_are_refused_next_to_the_field(field, value, message):
    city = CityFactory.build(country=CountryFactory(), **{field: value})
    with pytest.raises(ValidationError) as caught:
        city.full_clean()
    assert message in caught.value.message_dict[field]


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(Decimal("91"), Decimal("0")), (Decimal("0"), Decimal("-181"))]
)
def test_the_database_refuses_coordinates_out_of_range(latitude, longitude):
    with pytest.raises(IntegrityError), transaction.atomic():
        CityFactory(latitude=latitude, longitude=longitude)
    assert not City.objects.exists()


def test_half_coordinates_are_refused():
    city = CityFactory.build(country=CountryFactory(), latitude=Decimal("50"), longitude=None)
    with pytest.raises(ValidationError) as caught:
        city.full_clean()
    assert caught.value.message_dict["longitude"] == [
        "Give both latitude and longitude, or neither."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        CityFactory(latitude=Decimal("50"), longitude=None)


def test_a_country_has_one_city_of_a_name():
    first = CityFactory(name="Graz", slug="graz")
    duplicate = City(name="Graz", slug="graz-2", country=first.country, time_zone="Europe/Vienna")
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    assert "This country already has a city of that name." in caught.value.messages


def test_an_unknown_time_zone_is_refused():
    city = CityFactory.build(country=CountryFactory(), time_zone="Europe/Atlantis")
    with pytest.raises(ValidationError) as caught:
        city.full_clean()
    assert "is not a known time zone" in caught.value.message_dict["time_zone"][0]


def test_eu_membership_is_a_period():
    uk = Country(
        code="GB",
        name="United Kingdom",
        eu_joined=datetime.date(1973, 1, 1),
        eu_left=datetime.date(2020, 1, 31),
    )
    assert uk.is_eu_member_during(datetime.date(2017, 1, 1), datetime.date(2018, 6, 30))
    assert not uk.is_eu_member_during(datetime.date(2021, 1, 1), datetime.date(2022, 1, 1))
    assert not uk.is_eu_member


def test_a_country_leaves_only_after_joining():
    country = Country(code="XX", name="Nowhere", eu_joined=None, eu_left=datetime.date(2020, 1, 1))
    with pytest.raises(ValidationError) as caught:
        country.full_clean()
    assert "A country leaves the EU only after it joined." in caught.value.messages
