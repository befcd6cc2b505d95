import datetime

import factory
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    DelegationQuota,
    Evaluation,
    Meeting,
    MeetingTranslation,
    Registration,
)
from tests.cities.factories import PartnerCityFactory
from tests.twinning.factories import EditionFactory
from tests.users.factories import DelegateFactory


def in_days(days: int, hour: int = 9) -> datetime.datetime:
    base = timezone.now() + datetime.timedelta(days=days)
    return base.replace(hour=hour, minute=0, second=0, microsecond=0)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    edition = factory.SubFactory(EditionFactory)
    kind = Meeting.Kind.WORKING
    title = factory.Sequence(lambda n: f"Working meeting {n}")
    slug = factory.Sequence(lambda n: f"working-meeting-{n}")
    host_city = factory.SubFactory(PartnerCityFactory)
    venue = "City Hall"
    address = "1 Main Street"
    starts_at = factory.LazyFunction(lambda: in_days(30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(days=2, hours=8))
    description = "A public description."
    practical_information = "Bring your badge."
    status = Meeting.Status.CONFIRMED

    @factory.post_generation
    def pairings(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.pairings.set(extracted)


class QuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DelegationQuota

    meeting = factory.SubFactory(MeetingFactory)
    city = factory.SubFactory(PartnerCityFactory)
    places = 5


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    kind = AgendaItem.Kind.SESSION
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyAttribute(lambda o: o.meeting.starts_at)
    ends_at = factory.LazyAttribute(lambda o: o.meeting.starts_at + datetime.timedelta(hours=2))


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(DelegateFactory)
    city = factory.LazyAttribute(lambda o: o.person.city)
    status = Registration.Status.CONFIRMED


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(DelegateFactory)
    overall = 4
    content = 4
    organisation = 5
    usefulness = 3


class MeetingTranslationFactory(factory.django.DjangoModelFactory):
    """A meeting's title and description in Korean, unchecked by default."""

    class Meta:
        model = MeetingTranslation

    meeting = factory.SubFactory(MeetingFactory)
    language = "ko"
    title = factory.Sequence(lambda n: f"번역된 회의 {n}")
    description = "회의에 대한 짧은 설명."
