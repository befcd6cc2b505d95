import datetime

import factory

from tests.cities.factories import CityFactory, PartnerCityFactory
from tests.users.factories import DelegateFactory
from twinning.models import (
    Action,
    ActionProgressUpdate,
    Edition,
    EditionCity,
    Milestone,
    Outcome,
    Pairing,
    PairingMember,
)


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition
        django_get_or_create = ["slug"]
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"World Cities edition {n}")
    slug = factory.Sequence(lambda n: f"edition-{n}")
    start_date = datetime.date(2017, 1, 1)
    end_date = datetime.date(2018, 6, 30)
    status = Edition.Status.RUNNING

    @factory.post_generation
    def coordinators(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.coordinators.add(*extracted)


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing

    edition = factory.SubFactory(EditionFactory)
    eu_lead = factory.SubFactory(CityFactory)
    partner_lead = factory.SubFactory(PartnerCityFactory)
    slug = factory.Sequence(lambda n: f"pairing-{n}")
    objectives = "Share what works on smart mobility."
    status = Pairing.Status.ACTIVE


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    pairing = factory.SubFactory(PairingFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    due_date = datetime.date(2018, 3, 31)
    status = Action.Status.IN_PROGRESS
    # A percentage that goes with the status (``twinning.models.status_matches_progress``).
    progress = factory.LazyAttribute(
        lambda action: {"planned": 0, "done": 100}.get(action.status, 40)
    )


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    edition = factory.SubFactory(EditionFactory)
    kind = Milestone.Kind.LAUNCH
    title = factory.Sequence(lambda n: f"Milestone {n}")
    start_date = datetime.date(2017, 3, 14)
    order = factory.Sequence(lambda n: n)


class PairingMemberFactory(factory.django.DjangoModelFactory):
    """A further city on the EU side by default (``side=PairingMember.Side.PARTNER`` with a
    ``PartnerCityFactory`` city for the other side)."""

    class Meta:
        model = PairingMember

    pairing = factory.SubFactory(PairingFactory)
    city = factory.SubFactory(CityFactory)
    side = PairingMember.Side.EU


class ActionProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionProgressUpdate

    action = factory.SubFactory(ActionFactory)
    status = factory.LazyAttribute(lambda update: update.action.status)
    progress = factory.LazyAttribute(lambda update: update.action.progress)
    note = factory.Sequence(lambda n: f"Step {n} done with the partner city.")
    author = factory.SubFactory(DelegateFactory)


class EditionCityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EditionCity

    edition = factory.SubFactory(EditionFactory)
    city = factory.SubFactory(CityFactory)
    goals = "Cut the emissions of public transport and grow the local hydrogen industry."


class OutcomeFactory(factory.django.DjangoModelFactory):
    """Jobs created in the pairing's EU lead city, not yet checked (``checked_by=…`` with
    ``checked_at=…`` for a checked one)."""

    class Meta:
        model = Outcome

    pairing = factory.SubFactory(PairingFactory)
    city = factory.LazyAttribute(lambda outcome: outcome.pairing.eu_lead)
    kind = Outcome.Kind.JOBS
    title = factory.Sequence(lambda n: f"Outcome {n}")
    quantity = 10
    achieved_on = datetime.date(2018, 2, 1)
    source = "The city's annual report"
    evidence_url = "https://example.org/report.pdf"
