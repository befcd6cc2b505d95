import datetime
import re

import pytest
from django.urls import reverse

from tests.cities.factories import (
    CityFactory,
    PartnerCityFactory,
    ThematicAreaFactory,
    TopicFactory,
)
from tests.twinning.factories import (
    ActionFactory,
    MilestoneFactory,
    PairingFactory,
    PairingMemberFactory,
)
from twinning.models import Action, Milestone, Pairing
from twinning.services import pairing_set_status

pytestmark = pytest.mark.django_db


# --- Public pages -------------------------------------------------------------------------------
def test_the_pairing_list_filters_through_the_query_string(client, pairing):
    other = PairingFactory(status=Pairing.Status.WITHDRAWN)
    response = client.get(reverse("twinning:pairing_list"), {"status": "active"})
    content = response.content.decode()
    assert "1 pairing" in content
    assert pairing.get_absolute_url() in content and other.get_absolute_url() not in content


def test_an_htmx_request_gets_only_the_pairing_results(client, pairing):
    response = client.get(
        reverse("twinning:pairing_list"),
        {"edition": pairing.edition.slug},
        headers={"HX-Request": "true", "HX-Target": "pairing-results"},
    )
    content = response.content.decode()
    assert content.startswith('<section id="pairing-results"') and "<html" not in content
    assert pairing.get_absolute_url() in content


def test_the_htmx_results_carry_the_count_for_screen_readers(client, pairing):
    PairingFactory(edition=pairing.edition)
    response = client.get(
        reverse("twinning:pairing_list"),
        {"edition": pairing.edition.slug},
        headers={"HX-Request": "true", "HX-Target": "pairing-results"},
    )
    count = re.search(
        r'<p id="pairing-count"[^>]*hx-swap-oob="true">\s*(.*?)\s*</p>', response.text
    )
    assert count.group(1) == "2 pairings"


def main_of(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def test_logged_in_readers_get_the_list_from_the_cache_until_a_pairing_changes(
    client_for, delegate, pairing, django_assert_num_queries
):
    client = client_for(delegate)
    url = reverse("twinning:pairing_list")
    first = client.get(url, {"status": "active"}).text
    assert "1 pairing" in first and pairing.get_absolute_url() in first
    # The reader (with their unread count); the filters and results come cached.
    with django_assert_num_queries(1):
        again = client.get(url, {"status": "active"}).text
    assert main_of(again) == main_of(first)
    # A change through the service shows at once.
    other = PairingFactory(status=Pairing.Status.SELECTED)
    pairing_set_status(pairing=other, status=Pairing.Status.ACTIVE)
    changed = client.get(url, {"status": "active"}).text
    assert "2 pairings" in changed and other.get_absolute_url() in changed
    pairing_set_status(pairing=pairing, status=Pairing.Status.CLOSED)
    closed = client.get(url, {"status": "active"}).text
    assert "1 pairing" in closed and pairing.get_absolute_url() not in closed
    assert pairing.get_absolute_url() in client.get(url, {"status": "closed"}).text


def test_a_filter_given_twice_reads_its_last_value_whatever_was_asked_before(client, pairing):
    closed = PairingFactory(status=Pairing.Status.CLOSED)
    url = reverse("twinning:pairing_list")
    first = client.get(f"{url}?status=active&status=closed").text
    assert closed.get_absolute_url() in first and pairing.get_absolute_url() not in first
    second = client.get(f"{url}?status=closed&status=active").text
    assert pairing.get_absolute_url() in second and closed.get_absolute_url() not in second


def test_the_chosen_filters_and_pages_keep_the_query_string(client, edition):
    PairingFactory.create_batch(21, edition=edition, status=Pairing.Status.ACTIVE)
    content = client.get(
        reverse("twinning:pairing_list"), {"status": "active", "edition": edition.slug}
    ).text
    assert '<option value="active" selected>' in content
    assert "status=active" in re.search(r'href="([^"]*)" rel="next"', content).group(1)
    map_link = re.search(r'href="([^"]*)">Show on the map', content).group(1)
    assert "status=active" in map_link and "page" not in map_link


def test_the_pairing_page_shows_sides_topics_cycle_plan_and_history(
    client, pairing, action, programme_staff
):
    espoo = CityFactory(name="Espoo", slug="espoo")
    PairingMemberFactory(pairing=pairing, city=espoo)
    topic = TopicFactory(name="Transportation", area=ThematicAreaFactory(name="Smart City"))
    pairing.topics.add(topic)
    pairing.thematic_areas.add(topic.area)
    MilestoneFactory(edition=pairing.edition, title="Launch meeting in Seoul")
    pairing.status = Pairing.Status.SELECTED
    pairing.save()
    pairing_set_status(pairing=pairing, status=Pairing.Status.ACTIVE, by=programme_staff)

    content = client.get(pairing.get_absolute_url()).content.decode()
    eu_side = content[content.index("EU side") : content.index("Partner side")]
    assert "Tampere" in eu_side and "Espoo" in eu_side and "Gwangju" not in eu_side
    assert "Smart City: Transportation" in content
    assert "Smart mobility: bike and car sharing, open data." in content
    assert "Launch meeting in Seoul" in content
    assert "Open data portal for bike sharing" in content
    assert '<progress max="100" value="40"' in content
    assert "Selected → <strong>Active</strong>" in content
    assert "by Programme Staff" in content


def test_an_unknown_pairing_or_edition_is_not_found(client):
    assert client.get(reverse("twinning:pairing_detail", args=["nope"])).status_code == 404
    assert client.get(reverse("twinning:edition_detail", args=["nope"])).status_code == 404


def test_the_edition_page_shows_timeline_pairings_and_figures(client, pairing, action):
    MilestoneFactory(edition=pairing.edition, title="Closing meeting in Busan")
    ActionFactory(pairing=pairing, status=Action.Status.DONE, progress=100)
    PairingFactory(edition=pairing.edition, status=Pairing.Status.WITHDRAWN)
    response = client.get(pairing.edition.get_absolute_url())
    content = response.content.decode()
    assert "Closing meeting in Busan" in content
    assert pairing.get_absolute_url() in content
    figures = response.context["figures"]
    assert figures == {
        "pairings": 1,
        "cities": 2,
        "countries": 2,
        "actions": 2,
        "actions_done": 1,
        "average_progress": 70,
    }


def test_the_map_draws_cities_as_links_and_pairings_as_lines(client, pairing):
    further = PartnerCityFactory(name="Suncheon", slug="suncheon")
    PairingMemberFactory(pairing=pairing, city=further, side="partner")
    response = client.get(reverse("twinning:map"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="map-land" d="M' in content  # the offline world outline
    assert content.count('<path class="map-line') == 2  # the leads, and the further member
    assert f'<a href="{pairing.eu_lead.get_absolute_url()}" class="map-city map-city-eu"' in content
    assert 'aria-label="Gwangju, Country' in content
    assert "Cities on the map" in content  # the table alternative


def test_the_map_filters_apply(client, pairing):
    other = PairingFactory(eu_lead=CityFactory(name="Graz", slug="graz"))
    content = client.get(reverse("twinning:map"), {"edition": pairing.edition.slug}).content
    assert b"Tampere" in content and b"Graz" not in content
    assert other.edition.slug not in content.decode().split('id="map-results"')[1]


# --- The action plan from the front end ---------------------------------------------------------
def test_a_coordinator_adds_an_action(client_for, coordinator, pairing):
    response = client_for(coordinator).post(
        reverse("twinning:action_create", args=[pairing.slug]),
        {
            "title": "Car sharing pilot",
            "description": "Two districts, one year.",
            "due_date": "2017-10-01",
        },
        follow=True,
    )
    assert "The action was added to the plan." in response.content.decode()
    assert "Car sharing pilot" in response.content.decode()
    assert Action.objects.get().history.first().history_user == coordinator


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"due_date": "2016-12-01"},
            "due_date",
            "The due date lies before the edition starts",
        ),
        ({"due_date": "", "title": ""}, "title", "This field is required."),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(
    client_for, coordinator, pairing, data, field, message
):
    payload = {"title": "Car sharing pilot", **data}
    response = client_for(coordinator).post(
        reverse("twinning:action_create", args=[pairing.slug]), payload
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    content = response.content.decode()
    assert f'id="id_{field}_errors"' in content
    assert content.index(f'id="id_{field}_errors"') < content.index(f'id="id_{field}"')
    assert not Action.objects.exists()


def test_a_coordinator_edits_and_deletes_an_action(client_for, coordinator, pairing, action):
    client = client_for(coordinator)
    client.post(
        reverse("twinning:action_update", args=[pairing.slug, action.pk]),
        {
            "title": "Open data portal",
            "status": "done",
            "progress": "100",
            "due_date": "2017-12-01",
        },
    )
    action.refresh_from_db()
    # Status and progress move only through a progress update, which keeps the story.
    assert (action.title, action.status, action.progress, action.due_date) == (
        "Open data portal",
        "in_progress",
        40,
        datetime.date(2017, 12, 1),
    )
    page = client.get(reverse("twinning:action_delete", args=[pairing.slug, action.pk]))
    assert "Delete “Open data portal”" in page.content.decode()
    client.post(reverse("twinning:action_delete", args=[pairing.slug, action.pk]))
    assert not Action.objects.exists()


def test_a_delegate_updates_progress_and_nothing_else(client_for, delegate, pairing, action):
    response = client_for(delegate).post(
        reverse("twinning:action_progress", args=[pairing.slug, action.pk]),
        {
            "status": "in_progress",
            "progress": "70",
            "note": "Data model agreed with the operator.",
            "title": "Hijacked",
            "due_date": "2030-01-01",
        },
        follow=True,
    )
    content = response.content.decode()
    assert "The progress of “Open data portal for bike sharing” was saved." in content
    assert '<progress max="100" value="70"' in content
    action.refresh_from_db()
    assert (action.title, action.progress, action.due_date) == (
        "Open data portal for bike sharing",
        70,
        datetime.date(2017, 11, 30),
    )


def test_progress_of_120_is_refused_next_to_the_field(client_for, delegate, pairing, action):
    response = client_for(delegate).post(
        reverse("twinning:action_progress", args=[pairing.slug, action.pk]),
        {"status": "in_progress", "progress": "120"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["progress"] == [
        "Progress is a percentage between 0 and 100."
    ]
    action.refresh_from_db()
    assert action.progress == 40


# --- A constant number of queries however many rows a page shows --------------------------------
def test_the_pairing_list_runs_flat_queries(client, assert_flat_queries, edition):
    area = ThematicAreaFactory()

    def make_rows(count):
        for _ in range(count):
            pairing = PairingFactory(edition=edition)
            pairing.thematic_areas.add(area)
            PairingMemberFactory(pairing=pairing)

    assert_flat_queries(make_rows, lambda: client.get(reverse("twinning:pairing_list")))


def test_the_map_runs_flat_queries(client, assert_flat_queries, edition):
    def make_rows(count):
        for _ in range(count):
            PairingMemberFactory(pairing=PairingFactory(edition=edition))

    assert_flat_queries(make_rows, lambda: client.get(reverse("twinning:map")))


def test_the_pairing_page_runs_flat_queries(
    client_for, assert_flat_queries, coordinator, pairing, programme_staff
):
    client = client_for(coordinator)
    statuses = [Pairing.Status.CLOSED, Pairing.Status.ACTIVE]

    def make_rows(count):
        for number in range(count):
            ActionFactory(pairing=pairing)
            PairingMemberFactory(pairing=pairing)
            MilestoneFactory(edition=pairing.edition, kind=Milestone.Kind.OTHER)
            TopicFactory().pairings.add(pairing)
            pairing_set_status(pairing=pairing, status=statuses[number % 2], by=programme_staff)

    assert_flat_queries(make_rows, lambda: client.get(pairing.get_absolute_url()))


def test_the_edition_page_runs_flat_queries(client, assert_flat_queries, edition):
    def make_rows(count):
        for _ in range(count):
            pairing = PairingFactory(edition=edition)
            ActionFactory(pairing=pairing)
            MilestoneFactory(edition=edition)

    assert_flat_queries(make_rows, lambda: client.get(edition.get_absolute_url()))


def test_other_apps_add_sections_to_the_pairing_page(client, pairing, monkeypatch):
    from twinning import sections

    monkeypatch.setattr(sections, "pairing_page", sections.PageSections("pairing"))
    sections.register_pairing_section(
        "related",
        template="twinning/partials/city_pairings.html",
        context=lambda request, pairing: {"pairings": [pairing]},
    )
    content = client.get(pairing.get_absolute_url()).content.decode()
    section = content.split('<div class="pairing-section" id="pairing-related">')[1]
    assert f'<a href="{pairing.get_absolute_url()}">Gwangju – Tampere</a>' in section
