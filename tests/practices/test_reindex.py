"""What a practice keeps on its own row for search and the facet counts (its areas, topics,
partners' sectors, whether it has key figures) follows every way a practice is written."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from practices.models import Practice
from practices.selectors import practice_list
from practices.services import practices_reindex
from tests.cities.factories import OrganisationFactory, ThematicAreaFactory, TopicFactory
from tests.practices.factories import KeyFigureFactory, PartnerFactory, PracticeFactory
from tests.practices.test_views import practice_post

pytestmark = pytest.mark.django_db


def _facets(query=""):
    result = practice_list(user=None, params=QueryDict(query))
    facets = {f["name"]: {o["value"]: o["count"] for o in f["options"]} for f in result["facets"]}
    return facets, [p.title for p in result["page"].object_list]


def _kept(practice):
    return Practice.objects.values(
        "area_ids", "topic_ids", "partner_sectors", "has_key_figures", "facet_key"
    ).get(pk=practice.pk)


def test_editing_a_practice_in_the_browser_moves_its_counts(client, delegate, make_practice):
    practice = make_practice(title="Hydrogen buses")
    climate = ThematicAreaFactory(slug="climate")
    research = OrganisationFactory(sector="research")
    client.force_login(delegate)
    data = practice_post(
        climate,
        **{
            "key_figures-0-label": "CO2 saved",
            "key_figures-0-value": "120",
            "key_figures-0-unit": "t CO2/year",
            "partners-0-organisation": research.name,
            "partners-0-role": "Measures the emissions",
        },
    )
    response = client.post(reverse("practices:edit", kwargs={"slug": practice.slug}), data)
    assert response.status_code == 302

    facets, _titles = _facets()
    assert facets["area"] == {"climate": 1}
    assert facets["sector"] == {"research": 1}
    assert facets["figures"] == {"true": 1}
    assert _facets("area=climate&sector=research&figures=true")[1] == ["Hydrogen buses"]

    data = practice_post(ThematicAreaFactory(slug="smart-city"))  # no figure, no partner
    data.update(
        {
            "key_figures-INITIAL_FORMS": "1",
            "key_figures-0-id": practice.key_figures.get().pk,
            "key_figures-0-label": "CO2 saved",
            "key_figures-0-value": "120",
            "key_figures-0-DELETE": "on",
            "partners-INITIAL_FORMS": "1",
            "partners-0-id": practice.partners.get().pk,
            "partners-0-organisation": research.name,
            "partners-0-DELETE": "on",
        }
    )
    response = client.post(reverse("practices:edit", kwargs={"slug": practice.slug}), data)
    assert response.status_code == 302
    facets, _titles = _facets()
    assert facets["area"] == {"smart-city": 1}
    assert facets["sector"] == {}
    assert "true" not in facets["figures"]
    assert _facets("figures=true")[1] == []


def test_a_save_of_a_practice_loaded_earlier_keeps_what_was_reindexed_since():
    practice = PracticeFactory(thematic_areas=[])
    stale = Practice.objects.get(pk=practice.pk)
    KeyFigureFactory(practice=practice)
    practice.thematic_areas.add(area := ThematicAreaFactory())
    practices_reindex(Practice.objects.filter(pk=practice.pk))
    stale.title = "Renamed"
    stale.save()
    assert _kept(practice) == {
        "area_ids": [area.pk],
        "topic_ids": [],
        "partner_sectors": [],
        "has_key_figures": True,
        "facet_key": f"{area.pk}||",
    }
    assert Practice.objects.get(pk=practice.pk).title == "Renamed"


def test_reindexing_keeps_each_practices_own_values():
    areas = [ThematicAreaFactory() for _ in range(2)]
    topic = TopicFactory()
    first = PracticeFactory(thematic_areas=areas, topics=[topic])
    shared, own = OrganisationFactory(sector="research"), OrganisationFactory(sector="business")
    PartnerFactory(practice=first, organisation=own)
    PartnerFactory(practice=first, organisation=shared)
    KeyFigureFactory(practice=first)
    second = PracticeFactory(thematic_areas=[areas[1]])
    PartnerFactory(practice=second, organisation=shared)
    both = Practice.objects.filter(pk__in=[first.pk, second.pk])

    both.update(area_ids=[], topic_ids=[], partner_sectors=[], has_key_figures=False)
    practices_reindex(both)
    first_areas = sorted(a.pk for a in areas)
    assert [_kept(first), _kept(second)] == [
        {
            "area_ids": first_areas,
            "topic_ids": [topic.pk],
            "partner_sectors": ["business", "research"],
            "has_key_figures": True,
            # The database keeps the three lists as one text, which the counts group by.
            "facet_key": f"{first_areas[0]},{first_areas[1]}|{topic.pk}|business,research",
        },
        {
            "area_ids": [areas[1].pk],
            "topic_ids": [],
            "partner_sectors": ["research"],
            "has_key_figures": False,
            "facet_key": f"{areas[1].pk}||research",
        },
    ]


def test_reindexing_many_practices_makes_them_all_findable():
    PracticeFactory.create_batch(3, title="Tidal energy pilot")
    Practice.objects.update(search_vector=None, area_ids=[])
    practices_reindex(Practice.objects.all())
    assert len(_facets("q=tidal")[1]) == 3


def test_an_organisation_changing_sector_moves_the_counts_of_its_practices():
    university = OrganisationFactory(sector="research")
    PartnerFactory(practice=PracticeFactory(title="Living lab"), organisation=university)
    assert _facets()[0]["sector"] == {"research": 1}
    university.sector = "business"
    university.save()
    assert _facets()[0]["sector"] == {"business": 1}
    assert _facets("sector=business")[1] == ["Living lab"]


def test_a_save_refreshes_the_vector_when_the_text_changed_and_the_lists_when_they_did():
    from practices.services import practice_save

    practice = PracticeFactory(title="Tram lanes", thematic_areas=[])
    area = ThematicAreaFactory()

    practice.title = "Hydrogen buses"
    practice_save(practice=practice, by=None)
    assert Practice.objects.filter(pk=practice.pk, search_vector="hydrogen").exists()

    practice_save(practice=practice, by=None, m2m={"thematic_areas": [area]})
    assert _kept(practice)["area_ids"] == [area.pk]
    assert Practice.objects.filter(pk=practice.pk, search_vector="hydrogen").exists()
