import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from practices.models import (
    Attachment,
    Comment,
    KeyFigure,
    Practice,
    PracticeLink,
    PracticePartner,
    Transfer,
)
from practices.rendering import render_markdown
from practices.services import practice_index
from tests.cities.factories import CityFactory, OrganisationFactory


class PracticeFactory(factory.django.DjangoModelFactory):
    """A published practice by default (``status=...`` for others), indexed for search."""

    class Meta:
        model = Practice
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Practice {n}")
    slug = factory.Sequence(lambda n: f"practice-{n}")
    summary = "A short summary of what the city did."
    body = "What was done, step by step."
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body))
    city = factory.SubFactory(CityFactory)
    status = Practice.Status.PUBLISHED
    start_date = datetime.date(2017, 3, 1)
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Practice.Status.PUBLISHED else None
    )
    submitted_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status != Practice.Status.DRAFT else None
    )

    @factory.post_generation
    def thematic_areas(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.thematic_areas.set(extracted)

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.topics.set(extracted)

    @factory.post_generation
    def indexed(obj, create, extracted, **kwargs):
        if create:
            practice_index(practice=obj)


class KeyFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyFigure
        skip_postgeneration_save = True

    practice = factory.SubFactory(PracticeFactory)
    label = "CO2 saved"
    value = Decimal("120.5")
    unit = "t CO2/year"
    year = 2018

    @factory.post_generation
    def indexed(obj, create, extracted, **kwargs):
        # As every write path does (the practice form, the admin): see practices_reindex.
        if create:
            practice_index(practice=obj.practice)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticePartner
        skip_postgeneration_save = True

    practice = factory.SubFactory(PracticeFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "Runs the pilot"

    @factory.post_generation
    def indexed(obj, create, extracted, **kwargs):
        if create:
            practice_index(practice=obj.practice)


class LinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeLink

    practice = factory.SubFactory(PracticeFactory)
    title = "Project page"
    url = "https://example.org/project"


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    practice = factory.SubFactory(PracticeFactory)
    title = "Report"
    file = factory.django.FileField(filename="report.pdf", data=b"%PDF-1.4 a tiny report")
    original_name = "report.pdf"
    content_type = "application/pdf"
    size = 22


class TransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transfer

    practice = factory.SubFactory(PracticeFactory)
    city = factory.SubFactory(CityFactory)
    status = Transfer.Status.INTERESTED


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    practice = factory.SubFactory(PracticeFactory)
    author = factory.SubFactory("tests.users.factories.DelegateFactory")
    body = "How did you finance it?"
