"""The practices in the read API: the same rules as the pages (visitors see the published
ones, a delegate with a token also their city's drafts, a revoked token nothing more than an
error), the list page's filters, and a flat number of queries."""

import datetime
import json

import pytest

from practices.models import Practice
from tests.api import api_get, token_for
from tests.cities.factories import (
    OrganisationFactory,
    PartnerCityFactory,
    ThematicAreaFactory,
    TopicFactory,
)
from tests.users.factories import DelegateFactory
from worldcities.users.services import api_token_revoke

from .factories import KeyFigureFactory, PartnerFactory, PracticeFactory, TransferFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/practices/"


def slugs(response):
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


@pytest.fixture
def draft(make_practice):
    return make_practice(
        status=Practice.Status.DRAFT, title="Draft of Tampere", slug="tampere-draft"
    )


@pytest.fixture
def other_draft(partner_city):
    return PracticeFactory(
        status=Practice.Status.DRAFT, city=partner_city, slug="gwangju-draft", title="Other"
    )


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("visitor", {"open-mobility-data"}),
        ("delegate", {"open-mobility-data", "tampere-draft"}),
        ("partner_delegate", {"open-mobility-data", "gwangju-draft"}),
        ("revoked", None),
    ],
)
def test_each_reader_sees_what_the_pages_show_them(
    client, request, practice, draft, other_draft, delegate, who, sees
):
    token = None
    if who in ("delegate", "partner_delegate"):
        token = token_for(request.getfixturevalue(who))
    elif who == "revoked":
        token = token_for(delegate)
        api_token_revoke(user=delegate, token_id=delegate.api_tokens.get().pk)
    response = api_get(client, LIST, token)
    if sees is None:
        assert response.status_code == 401
        assert response.json() == {"detail": "This token was revoked."}
        return
    assert set(slugs(response)) == sees
    for slug in {"tampere-draft", "gwangju-draft"}:
        detail = api_get(client, f"{LIST}{slug}/", token)
        assert detail.status_code == (200 if slug in sees else 404)


def test_a_practice_shows_its_public_fields_figures_partners_and_transfers(client, practice):
    KeyFigureFactory(practice=practice, label="CO2 saved", value=1200, unit="t/year", year=2018)
    PartnerFactory(
        practice=practice, organisation=OrganisationFactory(name="Tampere University"), role="Data"
    )
    TransferFactory(practice=practice, city=PartnerCityFactory(name="Hobart", slug="hobart"))
    body = client.get(f"{LIST}open-mobility-data/").json()
    assert body["title"] == "Open mobility data"
    assert body["city"]["slug"] == "tampere"
    assert body["city"]["url"].endswith("/api/v1/cities/tampere/")
    assert body["pairing"].endswith("/api/v1/pairings/gwangju-tampere/")
    assert body["page"].endswith("/practices/open-mobility-data/")
    assert body["key_figures"] == [
        {"label": "CO2 saved", "value": 1200.0, "unit": "t/year", "year": 2018}
    ]
    assert body["partners"][0]["name"] == "Tampere University"
    assert body["partners"][0]["role"] == "Data"
    assert [t["city"]["slug"] for t in body["transfers"]] == ["hobart"]
    assert "review_comment" not in body and "author" not in body


def test_filters_have_the_names_of_the_list_page(client, make_practice, eu_city):
    area = ThematicAreaFactory(slug="smart-city", name="Smart City")
    make_practice(slug="smart", thematic_areas=[area])
    make_practice(slug="other")
    assert slugs(client.get(LIST, {"area": "smart-city"})) == ["smart"]
    assert set(slugs(client.get(LIST, {"city": "tampere"}))) == {"smart", "other"}
    response = client.get(LIST, {"city": "nowhere"})
    assert response.status_code == 400
    assert "city" in response.json()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"sort": "newest"}, "sort"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "10000"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
    ],
)
def test_bad_parameters_are_a_400_that_names_them(client, practice, query, field):
    response = client.get(LIST, query)
    assert response.status_code == 400
    assert field in response.json()


def test_a_malformed_cursor_is_a_404_with_a_message(client, practice):
    response = client.get(LIST, {"cursor": "not-a-cursor"})
    assert response.status_code == 404
    assert "cursor" in response.json()["detail"]


def test_the_cursor_walks_every_practice_once(client, make_practice):
    for n in range(5):
        make_practice(slug=f"p{n}")
    seen, url = [], f"{LIST}?page_size=2"
    while url:
        body = client.get(url).json()
        seen += [row["slug"] for row in body["results"]]
        url = body["next"]
    assert seen == [f"p{n}" for n in reversed(range(5))]


def test_json_only(client, practice):
    response = client.get(LIST, HTTP_ACCEPT="text/html")
    assert response.status_code == 406
    assert "detail" in response.json()


def test_the_list_makes_as_many_queries_for_one_practice_as_for_many(
    client, make_practice, assert_flat_queries, delegate
):
    area = ThematicAreaFactory()
    token = token_for(delegate)

    def make_rows(n):
        for _ in range(n):
            make_practice(thematic_areas=[area])

    assert_flat_queries(make_rows, lambda: client.get(LIST, {"page_size": 50}), large=50)

    # With a token too, whose drafts are listed as well (its last use is written at most
    # every few minutes: the first request writes it).
    api_get(client, LIST, token)

    def make_drafts(n):
        for _ in range(n):
            make_practice(status=Practice.Status.DRAFT, thematic_areas=[area])

    assert_flat_queries(
        make_drafts, lambda: api_get(client, f"{LIST}?page_size=50", token), large=20
    )


def test_other_city_delegate_sees_no_draft_of_ours(client, draft):
    stranger = DelegateFactory(city=PartnerCityFactory())
    response = api_get(client, f"{LIST}tampere-draft/", token_for(stranger))
    assert response.status_code == 404


def test_a_coordinator_sees_the_submissions_of_their_editions(
    client, make_practice, practice, draft, coordinator, other_coordinator
):
    make_practice(status=Practice.Status.SUBMITTED, slug="to-review")
    assert set(slugs(api_get(client, LIST, token_for(coordinator)))) == {
        "open-mobility-data",
        "to-review",
    }
    assert set(slugs(api_get(client, LIST, token_for(other_coordinator)))) == {"open-mobility-data"}


def plain_drf_rows(practices, request):
    """The practices as DRF's own per-row serialization renders them, from the relations."""
    from rest_framework import serializers
    from rest_framework.renderers import JSONRenderer

    from practices.api import PracticeSerializer

    rows = serializers.ListSerializer(
        practices, child=PracticeSerializer(), context={"request": request}
    ).data
    return json.loads(JSONRenderer().render(rows))


def test_the_list_shows_exactly_what_drf_renders_row_by_row(
    client, rf, make_practice, eu_city, delegate, partner_city
):
    smart = ThematicAreaFactory(slug="smart-city", name="Smart City", order=0)
    climate = ThematicAreaFactory(slug="climate-change", name="Climate Change", order=2)
    economy = ThematicAreaFactory(slug="urban-economy", name="Urban Economy", order=1)
    mobility = TopicFactory(area=smart, name="Mobility", order=1)
    data = TopicFactory(area=smart, name="Data", order=0)
    energy = TopicFactory(area=climate, name="Energy")
    make_practice(slug="bare", pairing=None, thematic_areas=[economy])
    make_practice(
        slug="everything",
        thematic_areas=[climate, smart, economy],
        topics=[energy, mobility, data],
        end_date=datetime.date(2019, 5, 31),
        ongoing=False,
    )
    make_practice(slug="ongoing", ongoing=True, thematic_areas=[smart], topics=[mobility])
    make_practice(status=Practice.Status.DRAFT, slug="our-draft", thematic_areas=[climate])
    PracticeFactory(city=partner_city, slug="theirs", pairing=None, thematic_areas=[smart])
    token = token_for(delegate)

    for who in (None, token):
        listed = api_get(client, f"{LIST}?page_size=50", who).json()["results"]
        request = rf.get(LIST)
        expected = plain_drf_rows(
            Practice.objects.filter(slug__in=[row["slug"] for row in listed])
            .order_by("-id")
            .prefetch_related("thematic_areas", "topics"),
            request,
        )
        assert listed == expected
    assert {row["slug"] for row in listed} == {
        "bare",
        "everything",
        "ongoing",
        "our-draft",
        "theirs",
    }
    everything = next(row for row in listed if row["slug"] == "everything")
    assert everything["thematic_areas"] == ["smart-city", "urban-economy", "climate-change"]
    assert everything["topics"] == [data.pk, mobility.pk, energy.pk]
    assert everything["page"] == "http://testserver/practices/everything/"
    assert everything["url"] == "http://testserver/api/v1/practices/everything/"
    bare = next(row for row in listed if row["slug"] == "bare")
    assert bare["pairing"] is None and bare["topics"] == [] and bare["end_date"] is None
