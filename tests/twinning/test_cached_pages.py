"""Pages kept under the versions of what they show (``worldcities.versions``): a write moves
the versions of what it changed, so it shows at once where it belongs, and the pages of
everything else stay in the cache."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cities.factories import CityFactory, OrganisationFactory, ThematicAreaFactory
from tests.twinning.admin_forms import management, new_pairing_form
from tests.twinning.factories import ActionFactory, PairingFactory, PairingMemberFactory
from tests.users.factories import DelegateFactory
from twinning.models import Pairing
from twinning.services import pairing_set_status

pytestmark = pytest.mark.django_db


def queries(fetch) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.fixture
def other_pairing(edition):
    other = PairingFactory(edition=edition, slug="semarang-zagreb")
    ActionFactory.create_batch(3, pairing=other)
    return other


@pytest.fixture
def staff_client(programme_staff):
    client = Client()
    client.force_login(programme_staff)
    return client


def test_an_action_progress_update_shows_on_its_pairing_and_leaves_the_rest_cached(
    client_for, delegate, pairing, action, other_pairing
):
    client = client_for(delegate)
    pages = {
        "mine": pairing.get_absolute_url(),
        "other": other_pairing.get_absolute_url(),
        "list": reverse("twinning:pairing_list"),
        "city": pairing.eu_lead.get_absolute_url(),
    }
    for url in pages.values():
        client.get(url)
    kept = {name: queries(lambda url=url: client.get(url)) for name, url in pages.items()}

    progress = reverse("twinning:action_progress", args=[pairing.slug, action.pk])
    response = client.post(
        progress, {"status": "done", "progress": "100", "note": "Portal live."}, follow=True
    )
    assert '<progress max="100" value="100"' in response.text  # on its pairing at once

    for name in ("other", "list", "city"):
        assert queries(lambda name=name: client.get(pages[name])) == kept[name], name
    assert queries(lambda: client.get(pages["mine"])) == kept["mine"]  # kept again


def test_an_action_progress_update_answers_in_a_constant_number_of_queries(
    client_for, delegate, pairing, action, django_assert_num_queries
):
    client = client_for(delegate)
    url = reverse("twinning:action_progress", args=[pairing.slug, action.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert (
            client.post(url, {"status": "in_progress", "progress": "50", "note": "A"}).status_code
            == 302
        )
    # A larger pairing: more member cities, actions, people of its cities.
    for _ in range(10):
        member = PairingMemberFactory(pairing=pairing)
        DelegateFactory(city=member.city)
        ActionFactory(pairing=pairing)
    DelegateFactory.create_batch(10, city=pairing.eu_lead)
    with django_assert_num_queries(len(few.captured_queries)):
        assert (
            client.post(url, {"status": "done", "progress": "100", "note": "B"}).status_code == 302
        )


def test_a_status_change_shows_on_the_pairing_city_and_home_pages_at_once(client, pairing):
    pages = [pairing.get_absolute_url(), pairing.eu_lead.get_absolute_url()]
    for url in pages:
        assert "badge-active" in client.get(url).text
    home = client.get("/").text
    assert '<span class="value">1</span> <span class="label">pairings' in home

    pairing_set_status(pairing=pairing, status=Pairing.Status.WITHDRAWN, note="Left")
    for url in pages:
        assert "badge-withdrawn" in client.get(url).text
    home = client.get("/").text
    assert '<span class="value">0</span> <span class="label">pairings' in home


def test_an_admin_edit_of_a_pairing_shows_on_its_page_and_in_the_list(
    client, staff_client, pairing
):
    list_url = reverse("twinning:pairing_list")
    assert "Espoo" not in client.get(pairing.get_absolute_url()).text
    assert "Espoo" not in client.get(list_url).text
    espoo = CityFactory(name="Espoo", slug="espoo")
    data = new_pairing_form(
        pairing.edition,
        pairing.eu_lead,
        pairing.partner_lead,
        slug=pairing.slug,
        new_status=pairing.status,
        objectives="Open data for bike sharing.",
        **management("members", 1),
        **{"members-0-city": espoo.pk, "members-0-side": "eu"},
    )
    change = reverse("admin:twinning_pairing_change", args=[pairing.pk])
    assert staff_client.post(change, data).status_code == 302
    page = client.get(pairing.get_absolute_url()).text
    assert "Open data for bike sharing." in page and "Espoo" in page
    assert "Espoo" in client.get(list_url).text


def test_an_admin_bulk_status_change_shows_in_the_list(client, staff_client, pairing):
    list_url = reverse("twinning:pairing_list")
    assert pairing.get_absolute_url() in client.get(list_url, {"status": "active"}).text
    response = staff_client.post(
        reverse("admin:twinning_pairing_changelist"),
        {"action": "change_status_to_closed", "_selected_action": [pairing.pk]},
    )
    assert response.status_code == 302
    assert pairing.get_absolute_url() not in client.get(list_url, {"status": "active"}).text
    assert "badge-closed" in client.get(pairing.get_absolute_url()).text


def test_an_admin_edit_of_an_action_shows_on_its_pairing_only(
    client, staff_client, pairing, action, other_pairing
):
    list_url = reverse("twinning:pairing_list")
    for url in (pairing.get_absolute_url(), other_pairing.get_absolute_url(), list_url):
        client.get(url)
        client.get(url)  # a visitor's page is kept from the second visit
    kept_list = queries(lambda: client.get(list_url))
    kept_other = queries(lambda: client.get(other_pairing.get_absolute_url()))
    data = {
        "pairing": pairing.pk,
        "title": "Open data portal, second phase",
        "description": "",
        "owner_organisation": action.owner_organisation_id,
        "owner_person": "",
        "due_date": "2018-02-28",
        "status": "in_progress",
        "progress": "70",
        **management("progress_updates"),
    }
    change = reverse("admin:twinning_action_change", args=[action.pk])
    assert staff_client.post(change, data).status_code == 302
    assert "Open data portal, second phase" in client.get(pairing.get_absolute_url()).text
    assert queries(lambda: client.get(list_url)) == kept_list
    assert queries(lambda: client.get(other_pairing.get_absolute_url())) == kept_other

    delete = reverse("admin:twinning_action_delete", args=[action.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 302
    assert "Open data portal" not in client.get(pairing.get_absolute_url()).text


def test_an_admin_edit_of_an_edition_shows_on_its_pairings_pages(
    client, staff_client, pairing, partner_city
):
    edition = pairing.edition
    assert edition.name in client.get(pairing.get_absolute_url()).text
    data = {
        "name": "World Cities 2017–2018: EU – Republic of Korea",
        "slug": edition.slug,
        "start_date": edition.start_date.isoformat(),
        "end_date": edition.end_date.isoformat(),
        "status": edition.status,
        "description": "",
        "partner_countries": [partner_city.country.pk],
        **management("milestones"),
        **management("cities"),
    }
    change = reverse("admin:twinning_edition_change", args=[edition.pk])
    assert staff_client.post(change, data).status_code == 302
    page = client.get(pairing.get_absolute_url()).text
    assert "World Cities 2017–2018: EU – Republic of Korea" in page
    # A step added to its cycle shows too.
    step = {"edition": edition.pk, "kind": "launch", "title": "Launch meeting in Seoul"}
    step.update({"start_date": "2017-03-14", "end_date": "", "order": "1"})
    assert staff_client.post(reverse("admin:twinning_milestone_add"), step).status_code == 302
    assert "Launch meeting in Seoul" in client.get(pairing.get_absolute_url()).text


def test_an_admin_edit_of_a_thematic_area_or_organisation_shows_on_pairing_pages(
    client, staff_client, pairing, action
):
    area = ThematicAreaFactory(name="Smart City", slug="smart-city")
    pairing.thematic_areas.add(area)
    assert "Smart City" in client.get(pairing.get_absolute_url()).text
    data = {
        "name": "Smart and Digital City",
        "slug": "smart-city",
        "description": "",
        "order": "0",
        **management("topics"),
    }
    change = reverse("admin:cities_thematicarea_change", args=[area.pk])
    assert staff_client.post(change, data).status_code == 302
    assert "Smart and Digital City" in client.get(pairing.get_absolute_url()).text

    organisation = action.owner_organisation
    data = {"name": "Tampere City Council", "kind": "municipality", "sector": "government"}
    data.update({"city": organisation.city_id, "website": ""})
    change = reverse("admin:cities_organisation_change", args=[organisation.pk])
    assert staff_client.post(change, data).status_code == 302
    assert "Tampere City Council" in client.get(pairing.get_absolute_url()).text


def test_the_home_page_comes_from_the_cache_until_what_it_shows_changes(
    client, pairing, django_assert_num_queries
):
    def main(html):  # the footer's language form carries each response's own CSRF token
        return html[html.index("<main") : html.index("</main>")]

    first = client.get("/").text
    with django_assert_num_queries(0):
        assert main(client.get("/").text) == main(first)
    # Writes that show nowhere on it keep it.
    ActionFactory(pairing=pairing, due_date=datetime.date(2018, 1, 31))
    OrganisationFactory()
    with django_assert_num_queries(0):
        client.get("/")


def test_a_page_with_sections_for_the_reader_counts_its_unread_once(client, delegate, pairing):
    from worldcities.notifications.models import Kind
    from worldcities.notifications.services import notify

    notify(recipient=delegate, kind=Kind.ACTION_DUE, target=pairing, title="Due soon")
    client.force_login(delegate)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(pairing.get_absolute_url())
    counts = [q for q in captured.captured_queries if "notifications_notification" in q["sql"]]
    assert len(counts) == 1
    assert b'class="count-badge">1<' in response.content
