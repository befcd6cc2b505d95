"""The groups of published practices that the unfiltered list counts from are kept by the
database through every way a practice is written, and count what counting the practices
themselves counts."""

import datetime

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from practices import services
from practices.models import Practice, PublishedGroup
from practices.selectors import _facet_rows, practice_list, published_practice_count
from tests.cities.factories import (
    CityFactory,
    OrganisationFactory,
    ThematicAreaFactory,
    TopicFactory,
)
from tests.practices.factories import KeyFigureFactory, PartnerFactory, PracticeFactory
from tests.twinning.factories import PairingFactory

pytestmark = pytest.mark.django_db


def assert_kept_groups_count_as_the_practices():
    published = Practice.objects.published()
    kept, _keys = _facet_rows(published, every_published=True)
    counted, _keys = _facet_rows(published)
    assert {facet: sorted(rows) for facet, rows in kept.items()} == {
        facet: sorted(rows) for facet, rows in counted.items()
    }
    # The home page's figure comes from the same groups.
    assert published_practice_count() == published.count()
    return kept


def test_the_kept_groups_follow_every_kind_of_write(programme_staff):
    area, other_area = ThematicAreaFactory(), ThematicAreaFactory()
    topic = TopicFactory(area=area)
    research = OrganisationFactory(sector="research")
    pairing = PairingFactory()
    practices = [
        PracticeFactory(city=pairing.eu_lead, pairing=pairing, thematic_areas=[area]),
        PracticeFactory(city=pairing.partner_lead, thematic_areas=[area, other_area]),
        PracticeFactory(city=CityFactory(), start_date=None, thematic_areas=[other_area]),
        PracticeFactory(status=Practice.Status.SUBMITTED, published_at=None),
        PracticeFactory(status=Practice.Status.DRAFT, published_at=None),
    ]
    first, second, third, submitted, draft = practices
    services.practices_reindex(Practice.objects.all())
    kept = assert_kept_groups_count_as_the_practices()
    assert sum(n for *_value, n in kept["side"]) == 3

    # Related rows change what the practice keeps on its row (reindexed).
    first.topics.add(topic)
    KeyFigureFactory(practice=first)
    PartnerFactory(practice=second, organisation=research)
    services.practices_reindex(Practice.objects.filter(pk__in=[first.pk, second.pk]))
    assert_kept_groups_count_as_the_practices()

    # An organisation changing sector moves the counts of its practices.
    research.sector = "business"
    research.save()
    services.organisation_changed(organisation=research)
    assert_kept_groups_count_as_the_practices()

    # Publication, archiving, a return to the city.
    services.practice_publish(practice=submitted, by=programme_staff)
    services.practice_archive(practice=third, by=programme_staff)
    kept = assert_kept_groups_count_as_the_practices()
    assert sum(n for *_value, n in kept["side"]) == 3

    # An edit of a published practice: another pairing, another start.
    second.pairing, second.start_date = pairing, datetime.date(2021, 5, 1)
    services.practice_save(practice=second, by=None, m2m={"thematic_areas": [other_area]})
    assert_kept_groups_count_as_the_practices()

    # Writes past the services: a bulk update and deletions.
    Practice.objects.filter(pk=draft.pk).update(status=Practice.Status.PUBLISHED)
    assert_kept_groups_count_as_the_practices()
    first.delete()
    Practice.objects.filter(pk=draft.pk).delete()
    kept = assert_kept_groups_count_as_the_practices()
    assert sum(n for *_value, n in kept["side"]) == 2
    # Groups left empty keep their rows, with nothing in them; none counts below nothing.
    assert PublishedGroup.objects.filter(n=0).exists()
    assert not PublishedGroup.objects.filter(n__lt=0).exists()


def test_a_save_that_changes_nothing_counted_leaves_the_groups_untouched(practice):
    before = list(PublishedGroup.objects.order_by("pk").values_list("pk", "n"))
    practice.title = "Open mobility data, second edition"
    services.practice_save(practice=practice, by=None)
    assert list(PublishedGroup.objects.order_by("pk").values_list("pk", "n")) == before


def test_the_unfiltered_list_counts_from_the_kept_groups_alone(practice):
    with CaptureQueriesContext(connection) as captured:
        result = practice_list(user=None, params=QueryDict(""))
    counting = [
        q["sql"] for q in captured.captured_queries if "practices_publishedgroup" in q["sql"]
    ]
    assert len(counting) == 1 and "practices_practice" not in counting[0]
    facets = {f["name"]: {o["value"]: o["count"] for o in f["options"]} for f in result["facets"]}
    assert sum(facets["side"].values()) == 1 == result["page"].paginator.count
    # A filtered list counts its own results.
    with CaptureQueriesContext(connection) as captured:
        practice_list(user=None, params=QueryDict("side=eu"))
    assert not any("practices_publishedgroup" in q["sql"] for q in captured.captured_queries)
