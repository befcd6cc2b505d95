import re

import pytest
from django.urls import reverse

from tests.cities.factories import CityFactory, PartnerCityFactory
from tests.twinning.factories import PairingFactory, PairingMemberFactory

pytestmark = pytest.mark.django_db


def test_the_city_list_shows_cities_and_keeps_filters_in_the_link(client, eu_city, partner_city):
    response = client.get(reverse("cities:list"), {"side": "partner"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "1 city" in content
    assert partner_city.name in content
    assert f'href="{eu_city.get_absolute_url()}"' not in content
    assert '<option value="partner" selected>' in content


def test_an_htmx_filter_request_gets_only_the_results(client, eu_city, partner_city):
    response = client.get(
        reverse("cities:list"),
        {"q": "Tamp"},
        headers={"HX-Request": "true", "HX-Target": "city-results"},
    )
    content = response.content.decode()
    assert content.startswith('<section id="city-results"')
    assert "<html" not in content
    assert "Tampere" in content and "Gwangju" not in content


def test_the_htmx_results_carry_the_count_for_screen_readers(client, eu_city, partner_city):
    response = client.get(
        reverse("cities:list"),
        {"side": "partner"},
        headers={"HX-Request": "true", "HX-Target": "city-results"},
    )
    count = re.search(r'<p id="city-count"[^>]*hx-swap-oob="true">\s*(.*?)\s*</p>', response.text)
    assert count.group(1) == "1 city"


def test_logged_in_readers_get_the_list_from_the_cache_until_a_city_or_pairing_changes(
    client_for, delegate, partner_city, edition, django_assert_num_queries
):
    client = client_for(delegate)
    url = reverse("cities:list")
    first = client.get(url, {"side": "partner"}).text
    assert "1 city" in first and partner_city.get_absolute_url() in first
    with django_assert_num_queries(1):  # the reader; the filters and results come cached
        again = client.get(url, {"side": "partner"}).text
    assert again[again.index("<main") :] == first[first.index("<main") :]
    added = PartnerCityFactory(name="Suncheon", slug="suncheon")
    assert added.get_absolute_url() in client.get(url, {"side": "partner"}).text
    # A new pairing changes the city's count of pairings.
    PairingFactory(edition=edition, partner_lead=partner_city)
    row = re.search(
        rf'href="{partner_city.get_absolute_url()}".*?</tr>',
        client.get(url, {"side": "partner"}).text,
        re.S,
    ).group(0)
    assert row.split("<td>")[-1].startswith("1</td>")


def test_the_city_list_is_paginated(client):
    for number in range(23):
        CityFactory(name=f"Town {number:02d}", slug=f"town-{number:02d}")
    first = client.get(reverse("cities:list")).content.decode()
    assert "23 cities" in first and "Town 19" in first and "Town 20" not in first
    second = client.get(reverse("cities:list"), {"page": 2}).content.decode()
    assert "Town 20" in second and "Town 19" not in second


def test_the_city_page_shows_its_profile_and_pairings(client, edition, eu_city, partner_city):
    eu_city.profile = "A city of lakes and saunas."
    eu_city.save()
    pairing = PairingFactory(edition=edition, eu_lead=eu_city, partner_lead=partner_city)
    joined = PartnerCityFactory(name="Suncheon", slug="suncheon")
    PairingMemberFactory(pairing=pairing, city=joined, side="partner")
    content = client.get(eu_city.get_absolute_url()).content.decode()
    assert "A city of lakes and saunas." in content
    assert pairing.get_absolute_url() in content
    assert 'id="city-pairings"' in content
    # A further member city sees the pairing on its page too.
    assert pairing.get_absolute_url() in client.get(joined.get_absolute_url()).content.decode()


def test_an_alliance_lists_its_member_cities(client):
    alliance = CityFactory(name="Scottish Cities Alliance", slug="sca", kind="alliance")
    glasgow = CityFactory(name="Glasgow", slug="glasgow", country=alliance.country)
    alliance.members.add(glasgow)
    content = client.get(alliance.get_absolute_url()).content.decode()
    assert "Member cities of the alliance" in content and glasgow.get_absolute_url() in content
    assert alliance.get_absolute_url() in client.get(glasgow.get_absolute_url()).content.decode()


def test_the_city_page_comes_from_the_cache_until_the_city_changes(
    client_for, delegate, eu_city, django_assert_num_queries
):
    client = client_for(delegate)
    assert "Tampere" in client.get(eu_city.get_absolute_url()).text
    with django_assert_num_queries(1):  # the reader: the city and its parts come cached
        client.get(eu_city.get_absolute_url())
    eu_city.name = "Tampere (Pirkanmaa)"
    eu_city.save()
    assert "<h1>Tampere (Pirkanmaa)" in client.get(eu_city.get_absolute_url()).text


def test_an_unknown_city_is_not_found(client):
    assert client.get(reverse("cities:detail", args=["atlantis"])).status_code == 404


def test_the_city_list_runs_flat_queries(client, assert_flat_queries, edition):
    def make_rows(count):
        for _ in range(count):
            PairingFactory(edition=edition)

    assert_flat_queries(make_rows, lambda: client.get(reverse("cities:list")))


def test_the_city_page_runs_flat_queries(client, assert_flat_queries, edition, eu_city):
    def make_rows(count):
        for _ in range(count):
            pairing = PairingFactory(edition=edition, eu_lead=eu_city)
            PairingMemberFactory(pairing=pairing)

    assert_flat_queries(make_rows, lambda: client.get(eu_city.get_absolute_url()))
