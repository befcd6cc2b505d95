import datetime

import pytest
from django.urls import reverse

from cities.models import City
from tests.cities.admin_forms import city_form
from tests.cities.factories import CityFactory, CountryFactory, PartnerCityFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"latitude": "95"}, "latitude", "Ensure this value is less than or equal to 90."),
        ({"longitude": "-200"}, "longitude", "Ensure this value is greater than or equal to -180."),
        ({"longitude": ""}, "longitude", "Give both latitude and longitude, or neither."),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "is not a known time zone"),
    ],
)
def test_invalid_coordinates_are_refused_next_to_the_field(
    client_for, programme_staff, changes, field, message
):
    country = CountryFactory()
    response = client_for(programme_staff).post(
        reverse("admin:cities_city_add"), city_form(country, **changes)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors[field]
    assert message in errors[0]
    assert not City.objects.exists()


def test_staff_add_a_city(client_for, programme_staff):
    country = CountryFactory()
    response = client_for(programme_staff).post(
        reverse("admin:cities_city_add"), city_form(country)
    )
    assert response.status_code == 302
    assert City.objects.get().slug == "atlantis"


def test_the_side_filter_of_the_city_changelist(client_for, programme_staff):
    CityFactory(name="Tampere", slug="tampere")
    PartnerCityFactory(name="Gwangju", slug="gwangju")
    client = client_for(programme_staff)
    response = client.get(reverse("admin:cities_city_changelist"), {"side": "partner"})
    assert [city.name for city in response.context["cl"].result_list] == ["Gwangju"]


def test_the_eu_membership_filter_knows_former_members(client_for, programme_staff):
    CountryFactory(code="GB", name="United Kingdom", eu_left=datetime.date(2020, 1, 31))
    CountryFactory(code="FI", name="Finland")
    response = client_for(programme_staff).get(
        reverse("admin:cities_country_changelist"), {"eu": "former"}
    )
    assert [country.name for country in response.context["cl"].result_list] == ["United Kingdom"]


def test_autocomplete_finds_cities_for_staff_only(client_for, programme_staff, delegate):
    CityFactory(name="Tampere", slug="tampere")
    url = reverse("admin:autocomplete")
    params = {
        "term": "Tamp",
        "app_label": "twinning",
        "model_name": "pairing",
        "field_name": "eu_lead",
    }
    response = client_for(programme_staff).get(url, params)
    assert [result["text"] for result in response.json()["results"]] == ["Tampere"]
    assert client_for(delegate).get(url, params).status_code == 302
