import datetime

import factory
from django.core.files.base import ContentFile

from tests.cities.factories import CityFactory, PartnerCityFactory
from tests.users.factories import DelegateFactory
from twinning.models import (
    Action,
    ActionProgressUpdate,
    Document,
    DocumentVersion,
    Edition,
    EditionCity,
    Message,
    Milestone,
    Pairing,
    PairingMember,
    Thread,
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


class ThreadFactory(factory.django.DjangoModelFactory):
    """A discussion of a pairing's workspace (``thematic_area=…, pairing=None`` for the
    community), with its opening message (``MessageFactory`` adds replies)."""

    class Meta:
        model = Thread
        skip_postgeneration_save = True

    pairing = factory.SubFactory(PairingFactory)
    title = factory.Sequence(lambda n: f"Discussion {n}")
    author = factory.SubFactory(DelegateFactory)
    message_count = 1

    @factory.post_generation
    def opening(obj, create, extracted, **kwargs):
        if create:
            MessageFactory(thread=obj, author=obj.author, body=extracted or "Let us start.")


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(DelegateFactory)
    body = factory.Sequence(lambda n: f"Message {n}: what we learnt.")
    body_html = factory.LazyAttribute(lambda o: f"<p>{o.body}</p>")


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class DocumentFactory(factory.django.DjangoModelFactory):
    """A document of a pairing's library with its first version (a small PDF)."""

    class Meta:
        model = Document
        skip_postgeneration_save = True

    pairing = factory.SubFactory(PairingFactory)
    title = factory.Sequence(lambda n: f"Document {n}")
    created_by = factory.SubFactory(DelegateFactory)

    @factory.post_generation
    def first_version(obj, create, extracted, **kwargs):
        if create:
            version = DocumentVersionFactory(document=obj, number=1, uploaded_by=obj.created_by)
            obj.latest_version = version
            obj.save(update_fields=["latest_version"])


class DocumentVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentVersion

    document = factory.SubFactory(DocumentFactory)
    number = 1
    file = factory.LazyFunction(lambda: ContentFile(PDF, name="plan.pdf"))
    original_name = "plan.pdf"
    content_type = "application/pdf"
    size = len(PDF)
    uploaded_by = factory.SubFactory(DelegateFactory)
