import datetime

import pytest
from django.http import QueryDict

from cities.models import Organisation
from practices.models import Practice
from practices.selectors import practice_list
from tests.cities.factories import (
    CityFactory,
    OrganisationFactory,
    PartnerCountryFactory,
    ThematicAreaFactory,
    TopicFactory,
)
from tests.twinning.factories import EditionFactory, PairingFactory
from twinning.models import PairingMember

from .factories import KeyFigureFactory, PartnerFactory, PracticeFactory, TransferFactory

pytestmark = pytest.mark.django_db


def results(query: str, user=None):
    data = practice_list(user=user, params=QueryDict(query))
    return [p.title for p in data["page"].object_list]


def test_only_published_practices_are_listed():
    PracticeFactory(title="Visible")
    for status in ("draft", "submitted", "returned", "archived"):
        PracticeFactory(title=status, status=status)
    assert results("") == ["Visible"]


def test_filter_thematic_area():
    area = ThematicAreaFactory(slug="smart-city")
    PracticeFactory(title="In", thematic_areas=[area])
    PracticeFactory(title="Out", thematic_areas=[ThematicAreaFactory()])
    assert results("area=smart-city") == ["In"]


def test_filter_topic():
    topic = TopicFactory()
    PracticeFactory(title="In", topics=[topic])
    PracticeFactory(title="Out")
    assert results(f"topic={topic.pk}") == ["In"]


def test_filter_country():
    korea = PartnerCountryFactory(code="KR", name="Republic of Korea")
    PracticeFactory(title="In", city=CityFactory(country=korea))
    PracticeFactory(title="Out")
    assert results("country=KR") == ["In"]


def test_filter_city():
    PracticeFactory(title="In", city=CityFactory(name="Busan", slug="busan"))
    PracticeFactory(title="Out")
    assert results("city=busan") == ["In"]


def test_filter_side():
    PracticeFactory(title="Partner", city=CityFactory(country=PartnerCountryFactory()))
    PracticeFactory(title="Eu")
    assert results("side=partner") == ["Partner"]
    assert sorted(results("side=eu&side=partner")) == ["Eu", "Partner"]


def test_filter_edition_by_pairing_or_by_the_citys_pairings():
    korea = EditionFactory(slug="korea")
    pairing = PairingFactory(edition=korea)
    member = CityFactory(name="Member city", slug="member-city")
    PairingMember.objects.create(pairing=pairing, city=member, side="eu")
    PracticeFactory(title="Through pairing", pairing=pairing, city=pairing.eu_lead)
    PracticeFactory(title="Through lead city", city=pairing.partner_lead)
    PracticeFactory(title="Through member city", city=member)
    PracticeFactory(title="Other edition", pairing=PairingFactory())
    assert sorted(results("edition=korea")) == [
        "Through lead city",
        "Through member city",
        "Through pairing",
    ]


def test_filter_partner_sector():
    practice = PracticeFactory(title="Research")
    PartnerFactory(practice=practice, organisation=OrganisationFactory(sector="research"))
    PartnerFactory(practice=practice, organisation=OrganisationFactory(sector="research"))
    PracticeFactory(title="Out")
    assert results("sector=research") == ["Research"]
    assert results(f"sector={Organisation.Sector.BUSINESS}") == []


def test_filter_year():
    PracticeFactory(title="2016", start_date=datetime.date(2016, 5, 1))
    PracticeFactory(title="2018", start_date=datetime.date(2018, 5, 1))
    assert results("year=2016") == ["2016"]


def test_filter_has_key_figures():
    KeyFigureFactory(practice=PracticeFactory(title="Measured"))
    PracticeFactory(title="Unmeasured")
    assert results("figures=true") == ["Measured"]


def test_filter_search_text():
    PracticeFactory(title="Hydrogen buses")
    PracticeFactory(title="Cultural district")
    assert results("q=hydrogen") == ["Hydrogen buses"]


def test_sort_newest_and_most_adopted():
    old = PracticeFactory(title="Old but adopted")
    Practice.objects.filter(pk=old.pk).update(
        published_at=datetime.datetime(2018, 1, 1, tzinfo=datetime.UTC), adoption_count=3
    )
    PracticeFactory(title="New")
    assert results("sort=newest") == ["New", "Old but adopted"]
    assert results("sort=adopted") == ["Old but adopted", "New"]


def test_unknown_values_are_ignored_not_an_error():
    PracticeFactory(title="Kept")
    assert results("area=nowhere&city=&year=abc&side=moon&sort=sideways&page=999999") == ["Kept"]


def test_facet_counts_follow_the_results():
    area = ThematicAreaFactory(name="Smart City", slug="smart-city")
    other = ThematicAreaFactory(name="Climate", slug="climate")
    busan = CityFactory(name="Busan", slug="busan")
    PracticeFactory(city=busan, thematic_areas=[area, other])
    PracticeFactory(city=busan, thematic_areas=[area])
    TransferFactory()  # a practice of another city, no area
    facets = {
        f["name"]: {o["value"]: o["count"] for o in f["options"]}
        for f in practice_list(user=None, params=QueryDict("city=busan"))["facets"]
    }
    assert facets["area"] == {"smart-city": 2, "climate": 1}
    assert facets["city"] == {"busan": 2}
