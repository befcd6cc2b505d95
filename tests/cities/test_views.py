import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cities.admin_forms import city_change_form, city_form
from tests.cities.factories import CityFactory, PartnerCityFactory
from tests.twinning.admin_forms import new_pairing_form
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
    client_for, delegate, programme_staff, eu_city, partner_city, edition, django_assert_num_queries
):
    client = client_for(delegate)
    url = reverse("cities:list")
    first = client.get(url, {"side": "partner"}).text
    assert "1 city" in first and partner_city.get_absolute_url() in first
    # The reader (with their unread count); the filters and results come cached.
    with django_assert_num_queries(1):
        again = client.get(url, {"side": "partner"}).text
    assert (
        again[again.index("<main") : again.index("</main>")]
        == first[first.index("<main") : first.index("</main>")]
    )
    # The same list asked for in other words is the same cached copy.
    with django_assert_num_queries(1):
        client.get(f"{url}?q=&side=eu&side=partner&utm_source=mail")

    staff = Client()
    staff.force_login(programme_staff)
    added = city_form(partner_city.country, name="Suncheon", slug="suncheon")
    assert staff.post(reverse("admin:cities_city_add"), added).status_code == 302
    assert "/cities/suncheon/" in client.get(url, {"side": "partner"}).text
    # A new pairing changes the city's count of pairings.
    new_pairing = new_pairing_form(edition, eu_city, partner_city)
    assert staff.post(reverse("admin:twinning_pairing_add"), new_pairing).status_code == 302
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


def _queries(fetch) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        fetch()
    return [query["sql"] for query in captured.captured_queries]


def test_the_city_page_comes_from_the_cache_until_an_admin_edits_the_city(
    client_for, delegate, programme_staff, edition, eu_city, partner_city
):
    alliance = CityFactory(name="Pirkanmaa Alliance", slug="pirkanmaa", kind="alliance")
    alliance.members.add(eu_city)
    pairing = PairingFactory(edition=edition, eu_lead=eu_city, partner_lead=partner_city)
    client = client_for(delegate)
    assert "Tampere" in client.get(eu_city.get_absolute_url()).text
    assert "Tampere" in client.get(alliance.get_absolute_url()).text
    assert "Tampere" in client.get(pairing.get_absolute_url()).text
    again = _queries(lambda: client.get(eu_city.get_absolute_url()))
    # The city is read; its profile (with its alliances) and its pairings come cached.
    assert not [
        sql
        for sql in again
        if "cities_city_members" in sql
        or sql.startswith(('SELECT "twinning_', 'SELECT ("twinning_'))
    ]

    staff = Client()
    staff.force_login(programme_staff)
    form = city_change_form(eu_city, name="Tampere (Pirkanmaa)", profile="Lakes and saunas.")
    change = reverse("admin:cities_city_change", args=[eu_city.pk])
    assert staff.post(change, form).status_code == 302
    page = client.get(eu_city.get_absolute_url()).text
    assert "<h1>Tampere (Pirkanmaa)</h1>" in page and "Lakes and saunas." in page
    # The pages that name the city follow: its alliance's, its pairing's.
    assert "Tampere (Pirkanmaa)" in client.get(alliance.get_absolute_url()).text
    assert "Tampere (Pirkanmaa)" in client.get(pairing.get_absolute_url()).text


def test_an_admin_edit_of_a_country_shows_on_its_cities_pages(client, programme_staff, eu_city):
    assert "(EU member state)" in client.get(eu_city.get_absolute_url()).text
    staff = Client()
    staff.force_login(programme_staff)
    country = eu_city.country
    form = {
        "code": country.code,
        "name": "Finland",
        "eu_joined": "1995-01-01",
        "eu_left": "2020-01-31",
    }
    change = reverse("admin:cities_country_change", args=[country.pk])
    assert staff.post(change, form).status_code == 302
    page = client.get(eu_city.get_absolute_url()).text
    assert "Finland" in page and "(EU member state)" not in page


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
