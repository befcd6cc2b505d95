import datetime
import zoneinfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from practices import seed
from practices.models import Follow, Practice, Transfer
from tests.cities.factories import ThematicAreaFactory

from .factories import PracticeFactory

pytestmark = pytest.mark.django_db


def test_published_queryset_counts_only_published():
    PracticeFactory()
    PracticeFactory(status="draft")
    PracticeFactory(status="archived")
    assert Practice.objects.published().count() == 1


def test_a_practice_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        PracticeFactory(start_date=datetime.date(2018, 1, 1), end_date=datetime.date(2017, 1, 1))


def test_validating_a_practice_checks_its_dates_and_loaded_pairing_without_a_query(
    django_assert_num_queries,
):
    from django.core.exceptions import ValidationError

    from tests.twinning.factories import PairingFactory

    pairing = PairingFactory()
    practice = PracticeFactory(pairing=pairing, city=pairing.eu_lead)
    practice = Practice.objects.select_related("pairing").get(pk=practice.pk)
    practice.start_date, practice.end_date = datetime.date(2018, 1, 1), datetime.date(2017, 1, 1)
    with django_assert_num_queries(0), pytest.raises(ValidationError) as refused:
        practice.full_clean(exclude=["city", "author", "slug"])
    assert refused.value.messages == ["A practice ends on or after its start."]

    practice.end_date = datetime.date(2018, 1, 1)
    with django_assert_num_queries(0):
        practice.full_clean(exclude=["city", "author", "slug"])
    # Without the dates, nothing to check; a pairing not read is looked up.
    practice.start_date, practice.pairing_id = None, PairingFactory().pk
    with django_assert_num_queries(1):
        practice.full_clean(exclude=["city", "author", "slug"])


def test_a_follow_has_exactly_one_target(delegate):
    practice = PracticeFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=delegate, practice=practice, thematic_area=ThematicAreaFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=delegate)
    Follow.objects.create(user=delegate, practice=practice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=delegate, practice=practice)


def test_one_transfer_per_city_and_practice():
    practice = PracticeFactory()
    Transfer.objects.create(practice=practice, city=practice.city, status="interested")
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(practice=practice, city=practice.city, status="adopted")


def test_seed_adds_demo_practices_adopted_by_paired_cities_and_is_idempotent():
    from cities import seed as cities_seed
    from twinning import seed as twinning_seed

    cities_seed.load()
    twinning_seed.load()
    first = seed.load()
    assert first["practices"] == len(seed.PRACTICES)
    assert first["adoptions"] >= 2
    published = Practice.objects.published()
    assert published.count() == len(seed.PRACTICES)
    assert all(p.is_demo and "Demo content" in p.body for p in published)
    cities = set(published.values_list("city__country__code", flat=True))
    assert "KR" in cities and {"FI", "ES"} <= cities
    adopted = Transfer.objects.filter(status="adopted").select_related("practice__pairing")
    for transfer in adopted:
        pairing = transfer.practice.pairing
        assert transfer.city_id in (pairing.eu_lead_id, pairing.partner_lead_id)
        assert transfer.practice.adoption_count >= 1
    counts = (Practice.objects.count(), Transfer.objects.count())
    assert seed.load() == first
    assert (Practice.objects.count(), Transfer.objects.count()) == counts
    assert all(p.versions.count() == 1 for p in published)


@pytest.mark.django_db
def test_the_demo_practices_keep_the_dates_they_were_published(client):
    from cities import seed as cities_seed
    from practices.models import PracticeStatusChange, PracticeVersion
    from twinning import seed as twinning_seed

    cities_seed.load()
    twinning_seed.load()
    seed.load()
    for spec in seed.PRACTICES:
        practice = Practice.objects.get(slug=spec["slug"])
        published = timezone.localtime(
            practice.published_at, zoneinfo.ZoneInfo(practice.city.time_zone)
        )
        assert published.date() == spec["published"]
        assert practice.created_at < practice.submitted_at < practice.published_at
        steps = dict(
            PracticeStatusChange.objects.filter(practice=practice).values_list(
                "to_status", "changed_at"
            )
        )
        assert steps["published"] == practice.published_at
        assert steps["submitted"] == practice.submitted_at
        assert PracticeVersion.objects.get(practice=practice).published_at == practice.published_at
    assert not Transfer.objects.filter(created_at__year__gte=2019).exists()

    tampere = Practice.objects.get(slug="demo-tampere-open-mobility-data")
    text = client.get(tampere.get_absolute_url()).content.decode()
    assert "Published 10 May 2017" in text

    # A database loaded before these dates were kept is put right, and loading again keeps them.
    Practice.objects.update(published_at=timezone.now())
    seed.load()
    assert Practice.objects.get(pk=tampere.pk).published_at == tampere.published_at


def test_seed_translates_a_demo_practice_into_korean_once():
    from cities import seed as cities_seed
    from practices.selectors import practice_search
    from twinning import seed as twinning_seed

    cities_seed.load()
    twinning_seed.load()
    seed.load()
    seed.load()
    practice = Practice.objects.get(slug="demo-gwangju-bike-sharing-transit-card")
    translation = practice.translations.get()
    assert (translation.language, translation.title) == ("ko", "대중교통카드로 이용하는 공공자전거")
    assert translation.checked_by is None
    assert list(practice_search(Practice.objects.all(), "자전거")) == [practice]
