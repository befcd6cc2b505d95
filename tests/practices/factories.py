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
    PracticeTranslation,
    Transfer,
)
from practices.rendering import render_markdown
from practices.services import practice_changed, practice_index
from tests.cities.factories import CityFactory, OrganisationFactory


def written(practice: Practice, *, index: bool = False) -> None:
    """What every write path does after writing a practice or a row its page shows: refresh
    what it keeps for search and the counts, and say what changed."""
    if index:
        practice_index(practice=practice)
    practice_changed(practice=practice, listed=practice.status == Practice.Status.PUBLISHED)


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
            written(obj, index=True)


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
            written(obj.practice, index=True)


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
            written(obj.practice, index=True)


class LinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeLink
        skip_postgeneration_save = True

    practice = factory.SubFactory(PracticeFactory)
    title = "Project page"
    url = "https://example.org/project"

    @factory.post_generation
    def shown(obj, create, extracted, **kwargs):
        if create:
            written(obj.practice)


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment
        skip_postgeneration_save = True

    practice = factory.SubFactory(PracticeFactory)
    title = "Report"
    file = factory.django.FileField(filename="report.pdf", data=b"%PDF-1.4 a tiny report")
    original_name = "report.pdf"
    content_type = "application/pdf"
    size = 22

    @factory.post_generation
    def shown(obj, create, extracted, **kwargs):
        if create:
            written(obj.practice)


class TransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transfer
        skip_postgeneration_save = True

    practice = factory.SubFactory(PracticeFactory)
    city = factory.SubFactory(CityFactory)
    status = Transfer.Status.INTERESTED

    @factory.post_generation
    def shown(obj, create, extracted, **kwargs):
        if create:
            written(obj.practice)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment
        skip_postgeneration_save = True

    practice = factory.SubFactory(PracticeFactory)
    author = factory.SubFactory("tests.users.factories.DelegateFactory")
    body = "How did you finance it?"

    @factory.post_generation
    def shown(obj, create, extracted, **kwargs):
        if create:
            written(obj.practice)


class PracticeTranslationFactory(factory.django.DjangoModelFactory):
    """A translation of a practice, unchecked by default; the practice is reindexed so that
    search finds it."""

    class Meta:
        model = PracticeTranslation
        skip_postgeneration_save = True

    practice = factory.SubFactory(PracticeFactory)
    language = "ko"
    title = factory.Sequence(lambda n: f"번역된 모범 사례 {n}")
    summary = "도시가 한 일에 대한 짧은 요약."
    body = "단계별로 한 일."
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body))

    @factory.post_generation
    def indexed(obj, create, extracted, **kwargs):
        if create:
            practice_index(practice=obj.practice)
