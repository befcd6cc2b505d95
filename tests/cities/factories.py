import datetime
from decimal import Decimal

import factory

from cities.models import City, Country, Opportunity, Organisation, ThematicArea, Topic


class CountryFactory(factory.django.DjangoModelFactory):
    """An EU member state by default; ``PartnerCountryFactory`` gives a non-EU one."""

    class Meta:
        model = Country
        django_get_or_create = ["code"]

    # Codes of the ranges ISO 3166 leaves to users (QA–QZ, XA–XZ): never a real country's code,
    # which a test may create itself (GB, KR, …) and get_or_create would then return.
    code = factory.Sequence(lambda n: f"{'QX'[n // 26 % 2]}{chr(65 + n % 26)}")
    name = factory.Sequence(lambda n: f"Country {n}")
    eu_joined = datetime.date(1958, 1, 1)
    eu_left = None


class PartnerCountryFactory(CountryFactory):
    eu_joined = None


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"City {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    country = factory.SubFactory(CountryFactory)
    kind = City.Kind.CITY
    population = 500_000
    latitude = Decimal("50.85")
    longitude = Decimal("4.35")
    time_zone = "Europe/Brussels"


class PartnerCityFactory(CityFactory):
    country = factory.SubFactory(PartnerCountryFactory)
    latitude = Decimal("37.56")
    longitude = Decimal("126.97")
    time_zone = "Asia/Seoul"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.MUNICIPALITY
    sector = Organisation.Sector.GOVERNMENT
    city = factory.SubFactory(CityFactory)


class ThematicAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThematicArea
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Thematic area {n}")
    slug = factory.Sequence(lambda n: f"thematic-area-{n}")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    area = factory.SubFactory(ThematicAreaFactory)
    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class OpportunityFactory(factory.django.DjangoModelFactory):
    """A need of a research organisation, valid from today for three months, published and
    not matched yet."""

    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    organisation = factory.SubFactory(
        OrganisationFactory,
        kind=Organisation.Kind.RESEARCH,
        sector=Organisation.Sector.RESEARCH,
    )
    city = factory.LazyAttribute(lambda o: o.organisation.city)
    direction = Opportunity.Direction.NEED
    kind = Opportunity.Kind.TECHNOLOGY
    title = factory.Sequence(lambda n: f"Opportunity {n}")
    description = "Sensors for air quality in a living lab."
    valid_from = factory.LazyFunction(datetime.date.today)
    valid_until = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=90))
    posted_by = factory.SubFactory(
        "tests.users.factories.DelegateFactory", city=factory.SelfAttribute("..city")
    )

    @factory.post_generation
    def areas(obj, create, extracted, **kwargs):
        if create:
            obj.areas.set(extracted if extracted is not None else [ThematicAreaFactory()])
