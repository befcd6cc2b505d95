import datetime

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from tests.cities.factories import CityFactory, PartnerCityFactory
from tests.users.factories import CoordinatorFactory, DelegateFactory
from twinning.models import (
    Action,
    ActionProgressUpdate,
    Application,
    ApplicationAnswer,
    ApplicationDocument,
    ApplicationPartner,
    Call,
    CallDocument,
    CallInvitation,
    CallQuestion,
    Document,
    DocumentVersion,
    Edition,
    EditionCity,
    Message,
    Milestone,
    Outcome,
    Pairing,
    PairingMember,
    ReviewAssignment,
    ReviewCriterion,
    Score,
    Thread,
)

# The smallest file that a PDF check accepts (it starts as every PDF does).
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


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


class CallFactory(factory.django.DjangoModelFactory):
    """A call open now: opened a week ago, closing in three weeks (``opens_at``/``closes_at``
    to move it)."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    edition = factory.SubFactory(EditionFactory)
    title = factory.Sequence(lambda n: f"Call for cities {n}")
    slug = factory.Sequence(lambda n: f"call-{n}")
    introduction = "Cities of the EU and of the partner countries are invited to apply."
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=21))
    time_zone = "Europe/Brussels"

    @factory.post_generation
    def thematic_areas(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.thematic_areas.add(*extracted)


class CallQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallQuestion

    call = factory.SubFactory(CallFactory)
    text = factory.Sequence(lambda n: f"Question {n}: why does your city want to take part?")
    order = factory.Sequence(lambda n: n)


class CallDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallDocument

    call = factory.SubFactory(CallFactory)
    name = "Letter of support"
    description = "Signed by the mayor."
    order = factory.Sequence(lambda n: n)


class ReviewCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewCriterion

    call = factory.SubFactory(CallFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 1
    scale_max = 5
    order = factory.Sequence(lambda n: n)


class CallInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallInvitation

    call = factory.SubFactory(CallFactory)
    city = factory.SubFactory(CityFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.org")


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft by default; ``status=Application.Status.SUBMITTED`` fills ``submitted_at``."""

    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    city = factory.SubFactory(CityFactory)
    goals = "Cut the emissions of public transport."
    experience = "Ten years of electric buses."
    delegation = "The deputy mayor for mobility\nThe head of the transport office"
    submitted_at = factory.LazyAttribute(
        lambda a: timezone.now() if a.status == Application.Status.SUBMITTED else None
    )
    status = Application.Status.DRAFT


class ApplicationAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationAnswer

    application = factory.SubFactory(ApplicationFactory)
    question = factory.SubFactory(
        CallQuestionFactory, call=factory.SelfAttribute("..application.call")
    )
    text = "Because our partner city has done it well."


class ApplicationPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationPartner

    application = factory.SubFactory(ApplicationFactory)
    sector = "research"
    name = factory.Sequence(lambda n: f"University {n}")
    role = "Measures the results."


class ApplicationDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationDocument

    application = factory.SubFactory(ApplicationFactory)
    required_document = factory.SubFactory(
        CallDocumentFactory, call=factory.SelfAttribute("..application.call")
    )
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="letter.pdf"))
    original_name = "letter.pdf"
    size = len(PDF_BYTES)


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAssignment

    application = factory.SubFactory(ApplicationFactory, status=Application.Status.SUBMITTED)
    reviewer = factory.SubFactory(CoordinatorFactory)


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    assignment = factory.SubFactory(ReviewAssignmentFactory)
    criterion = factory.SubFactory(
        ReviewCriterionFactory, call=factory.SelfAttribute("..assignment.application.call")
    )
    value = 3


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
