"""The search across the site (``/search/``): practices, cities, pairings and meetings found
by their own apps' selectors, grouped by kind, narrowed to what the reader may see, with a
clear message for a search that cannot find anything."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from practices.models import Practice
from tests.cities.factories import CityFactory, PartnerCityFactory
from tests.meetings.factories import MeetingFactory
from tests.practices.factories import PracticeFactory
from tests.twinning.factories import ActionFactory, PairingFactory
from tests.users.factories import DelegateFactory
from twinning.services import action_create

pytestmark = pytest.mark.django_db

SEARCH = reverse("search")


@pytest.fixture
def busan_barcelona(edition):
    return PairingFactory(
        edition=edition,
        eu_lead=CityFactory(name="Barcelona", slug="barcelona"),
        partner_lead=PartnerCityFactory(name="Busan", slug="busan"),
        slug="busan-barcelona",
        topics_note="Cultural regeneration of idle industrial spaces; clean energy (hydrogen "
        "fuel cells, solar); smart-city platform and services; innovation district",
        objectives="Share what works.",
    )


def _group(response, kind):
    return next(group for group in response.context["groups"] if group["kind"] == kind)


def _titles(response, kind):
    return [str(row) for row in _group(response, kind)["rows"]]


def test_hydrogen_finds_the_pairing_by_its_topics(client, busan_barcelona):
    PairingFactory(topics_note="Smart mobility", slug="other")

    response = client.get(SEARCH, {"q": "hydrogen"})

    assert response.status_code == 200
    pairings = _group(response, "pairings")
    assert pairings["count"] == 1
    assert [p.slug for p in pairings["rows"]] == ["busan-barcelona"]
    html = response.content.decode()
    assert busan_barcelona.get_absolute_url() in html
    assert "Busan – Barcelona" in html
    assert re.search(r'<h2 id="search-pairings">Pairings <span class="count">\(1\)</span>', html)


def test_a_pairing_is_found_by_its_actions_and_objectives(client, edition):
    by_action = PairingFactory(edition=edition, slug="by-action", objectives="")
    ActionFactory(pairing=by_action, title="Hydrogen bus pilot")
    by_description = PairingFactory(edition=edition, slug="by-description", objectives="")
    ActionFactory(
        pairing=by_description, title="Study", description="Where hydrogen buses could refuel"
    )
    by_objectives = PairingFactory(
        edition=edition, slug="by-objectives", objectives="Cut emissions with hydrogen."
    )
    ActionFactory(pairing=by_objectives, title="Unrelated")
    ActionFactory(pairing=by_objectives, title="Also unrelated")

    response = client.get(SEARCH, {"q": "hydrogen"})

    pairings = _group(response, "pairings")
    assert pairings["count"] == 3  # each pairing once, however many actions it has
    assert {p.slug for p in pairings["rows"]} == {"by-action", "by-description", "by-objectives"}


def test_results_are_grouped_by_kind_with_counts_and_links_to_each_list(
    client, busan_barcelona, edition
):
    PracticeFactory(title="Hydrogen refuelling for buses", city=busan_barcelona.partner_lead)
    CityFactory(name="Hydrogenville", slug="hydrogenville")
    MeetingFactory(edition=edition, title="Hydrogen workshop", host_city=busan_barcelona.eu_lead)

    response = client.get(SEARCH, {"q": "hydrogen"})

    groups = response.context["groups"]
    assert [(g["kind"], g["count"]) for g in groups] == [
        ("practices", 1),
        ("cities", 1),
        ("pairings", 1),
        ("meetings", 1),
    ]
    html = response.content.decode()
    for url in ("/practices/", "/cities/", "/pairings/", "/meetings/"):
        assert f'href="{url}?q=hydrogen"' in html
    assert "Hydrogen refuelling for buses" in html
    assert "Hydrogen workshop" in html


def test_each_list_finds_what_the_search_page_counted(client, busan_barcelona, edition):
    """The link of each group leads to a list searched for the same words, showing the same
    rows."""
    PracticeFactory(title="Hydrogen refuelling for buses", city=busan_barcelona.partner_lead)
    MeetingFactory(edition=edition, title="Hydrogen workshop", host_city=busan_barcelona.eu_lead)
    MeetingFactory(edition=edition, title="Cultural heritage visit")

    assert "Hydrogen refuelling for buses" in client.get("/practices/?q=hydrogen").text
    pairings = client.get("/pairings/?q=hydrogen").text
    assert busan_barcelona.get_absolute_url() in pairings
    meetings = client.get("/meetings/?q=hydrogen").text
    assert "Hydrogen workshop" in meetings
    assert "Cultural heritage visit" not in meetings
    assert 'name="q" value="hydrogen"' in meetings  # the search stays in the list's form
    cities = client.get("/cities/?q=Busan").text
    assert "/cities/busan/" in cities
    assert "/cities/barcelona/" not in cities


def test_a_city_is_found_by_part_of_its_name_or_its_profile(client):
    CityFactory(name="Busan", slug="busan")
    CityFactory(name="Tampere", slug="tampere", profile="A hub of hydrogen research.")

    assert _titles(client.get(SEARCH, {"q": "Bus"}), "cities") == ["Busan"]
    assert _titles(client.get(SEARCH, {"q": "hydrogen"}), "cities") == ["Tampere"]


def test_a_new_action_is_found_in_the_pairing_list_at_once(client, busan_barcelona, coordinator):
    other = PairingFactory(edition=busan_barcelona.edition, slug="other", objectives="")
    assert other.get_absolute_url() not in client.get("/pairings/?q=fuel").text  # now cached

    action_create(pairing=other, by=coordinator, title="Fuel-cell ferries")

    assert other.get_absolute_url() in client.get("/pairings/?q=fuel").text


def test_a_visitor_finds_only_published_practices(client, client_for, eu_city):
    PracticeFactory(title="Hydrogen buses", slug="published", city=eu_city)
    PracticeFactory(
        title="Hydrogen ferries", slug="draft", city=eu_city, status=Practice.Status.DRAFT
    )

    visitor = client.get(SEARCH, {"q": "hydrogen"})
    assert _titles(visitor, "practices") == ["Hydrogen buses"]
    assert "Hydrogen ferries" not in visitor.text

    other_city_delegate = DelegateFactory(city=CityFactory())
    assert _titles(client_for(other_city_delegate).get(SEARCH, {"q": "hydrogen"}), "practices") == [
        "Hydrogen buses"
    ]


@pytest.mark.parametrize("role", ["delegate", "programme_staff"])
def test_a_delegate_finds_their_citys_drafts_and_staff_every_practice(
    request, client_for, eu_city, role
):
    PracticeFactory(title="Hydrogen buses", slug="published", city=eu_city)
    PracticeFactory(
        title="Hydrogen ferries", slug="draft", city=eu_city, status=Practice.Status.DRAFT
    )

    response = client_for(request.getfixturevalue(role)).get(SEARCH, {"q": "hydrogen"})

    assert sorted(_titles(response, "practices")) == ["Hydrogen buses", "Hydrogen ferries"]
    assert "Draft" in response.text


def test_meetings_are_searched_in_what_every_reader_sees(client, edition):
    MeetingFactory(edition=edition, title="Working meeting", description="On hydrogen buses.")
    MeetingFactory(
        edition=edition,
        title="Closing meeting",
        description="",
        practical_information="Hydrogen bus from the airport.",
    )

    assert _titles(client.get(SEARCH, {"q": "hydrogen"}), "meetings") == ["Working meeting"]


def test_the_kinds_chosen_stay_in_the_address(client, busan_barcelona, eu_city):
    PracticeFactory(title="Hydrogen buses", city=eu_city)

    response = client.get(SEARCH, {"q": "hydrogen", "kind": ["pairings"]})

    assert [g["kind"] for g in response.context["groups"]] == ["pairings"]
    assert re.search(r'<input[^>]*value="pairings"[^>]*checked', response.text)
    assert not re.search(r'<input[^>]*value="practices"[^>]*checked', response.text)
    assert "Hydrogen buses" not in response.text


def test_an_unknown_kind_is_explained(client):
    response = client.get(SEARCH, {"q": "hydrogen", "kind": "bicycles"})

    assert response.status_code == 200
    assert "There is nothing of the kind “bicycles” to find." in response.text
    assert response.context["groups"] == []


def test_phrases_and_left_out_words(client, edition):
    PairingFactory(edition=edition, slug="cells", topics_note="hydrogen fuel cells")
    PairingFactory(edition=edition, slug="cars", topics_note="hydrogen cars and fuel")

    def found(q):
        return {p.slug for p in _group(client.get(SEARCH, {"q": q}), "pairings")["rows"]}

    assert found('"fuel cells"') == {"cells"}
    assert found("hydrogen -cars") == {"cells"}


# --- Bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("the and of", "too common to search for"),
        ("?!… ---", "punctuation alone finds nothing"),
        ("hydrogen " * 111 + "x", "at most 200 characters"),
    ],
    ids=["stop words only", "punctuation only", "1,000 characters"],
)
def test_a_search_that_cannot_find_anything_says_why(client, busan_barcelona, q, message):
    response = client.get(SEARCH, {"q": q})

    assert response.status_code == 200
    assert message in response.text
    assert response.context["groups"] == []
    assert 'aria-invalid="true"' in response.text
    assert 'role="alert"' in response.text
    if len(q) <= 200:
        assert f'value="{q}"' in response.text.replace("&#x27;", "'")  # what was typed stays


def test_a_thousand_characters_is_refused(client):
    q = "x" * 1000

    response = client.get(SEARCH, {"q": q})

    assert response.status_code == 200
    assert "(this one has 1000)" in response.text


def test_an_empty_search_asks_for_words(client):
    response = client.get(SEARCH)

    assert response.status_code == 200
    assert response.context["groups"] == []
    assert "Search the site" in response.text


def test_every_page_has_the_search_box(client):
    html = client.get(reverse("home")).text

    form = re.search(r'<form class="header-search" role="search"[^>]*>', html).group(0)
    assert f'action="{SEARCH}"' in form
    assert 'method="get"' in form
    assert 'name="q"' in html


# --- Queries ------------------------------------------------------------------------------------
def test_the_results_page_makes_the_same_queries_however_many_rows_match(
    client_for, assert_flat_queries, edition, delegate, eu_city
):
    reader = client_for(delegate)

    def make_rows(n):
        for _ in range(n):
            pairing = PairingFactory(edition=edition, topics_note="hydrogen fuel cells")
            ActionFactory(pairing=pairing, title="Hydrogen buses")
            ActionFactory(pairing=pairing, title="Hydrogen ferries")
            PracticeFactory(title="Hydrogen buses", city=eu_city)
            PracticeFactory(title="Hydrogen drafts", city=eu_city, status=Practice.Status.DRAFT)
            CityFactory(profile="A hub of hydrogen research.")
            MeetingFactory(edition=edition, title="Hydrogen workshop")

    def fetch():
        response = reader.get(SEARCH, {"q": "hydrogen"})
        assert all(group["count"] > 0 for group in response.context["groups"])

    assert_flat_queries(make_rows, fetch)


def test_links_carry_the_cleaned_search(client, busan_barcelona):
    response = client.get(SEARCH, {"q": "  hydrogen   fuel  "})

    links = re.findall(r'href="(/pairings/\?[^"]*)"', response.text)
    assert [parse_qs(urlsplit(link).query)["q"] for link in links] == [["hydrogen fuel"]]


def test_words_of_a_pairings_cities_and_topics_are_searched_together(client, busan_barcelona):
    PairingFactory(
        edition=busan_barcelona.edition,
        slug="suwon",
        partner_lead=PartnerCityFactory(name="Suwon", slug="suwon"),
        topics_note="smart, low carbon, hydrogen",
    )

    found = _group(client.get(SEARCH, {"q": "Busan hydrogen"}), "pairings")["rows"]

    assert [p.slug for p in found] == ["busan-barcelona"]


def test_what_is_searched_follows_every_write(client, edition):
    """The documents are kept by the database itself: a change through any path (a
    service, the admin, a bulk update) is searched at once."""
    meeting = MeetingFactory(edition=edition, title="Working meeting", venue="City Hall")
    city = meeting.host_city
    assert _titles(client.get(SEARCH, {"q": "shipyard"}), "meetings") == []

    type(meeting).objects.filter(pk=meeting.pk).update(venue="The old shipyard")
    assert _titles(client.get(SEARCH, {"q": "shipyard"}), "meetings") == ["Working meeting"]

    type(city).objects.filter(pk=city.pk).update(name="Ulsan")
    assert _titles(client.get(SEARCH, {"q": "Ulsan meeting"}), "meetings") == ["Working meeting"]


@pytest.mark.parametrize("path", ["/practices/", "/cities/", "/pairings/", "/meetings/"])
@pytest.mark.parametrize(
    "q", ["the and of", "?!… ---", "hydrogen " * 111 + "x"], ids=["stop", "punct", "long"]
)
def test_each_list_answers_a_search_it_cannot_use(client, busan_barcelona, path, q):
    response = client.get(path, {"q": q})

    assert response.status_code == 200
    assert busan_barcelona.get_absolute_url() not in response.text


@pytest.mark.parametrize("role", ["visitor", "delegate", "coordinator", "programme_staff"])
def test_every_role_finds_the_pairing(request, client_for, busan_barcelona, role):
    user = None if role == "visitor" else request.getfixturevalue(role)

    response = client_for(user).get(SEARCH, {"q": "hydrogen"})

    assert response.status_code == 200
    assert [p.slug for p in _group(response, "pairings")["rows"]] == ["busan-barcelona"]
