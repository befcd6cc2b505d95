"""Good practices: what a city did, what it achieved, and who took it home.

Writes go through ``practices.services`` (status changes, versions, the search vector and the
adoption counter are kept there); reads through ``practices.selectors``."""

import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Case, Exists, F, Func, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from worldcities import textsearch
from worldcities.translations import Translation


def _generated_name(folder: str, filename: str) -> str:
    """A random file name that keeps only the (already validated) extension."""
    extension = PurePath(filename).suffix.lower()[:10]
    return f"practices/{folder}/{uuid.uuid4().hex}{extension}"


def attachment_upload_to(instance, filename: str) -> str:
    return _generated_name("attachments", filename)


def cover_upload_to(instance, filename: str) -> str:
    return _generated_name("covers", filename)


def pending_upload_to(instance, filename: str) -> str:
    return _generated_name("pending", filename)


class PracticeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Practice.Status.PUBLISHED)

    def with_side(self):
        """Annotates each practice with ``side`` (``Practice.Side``), worked out when read
        (``side_expression``)."""
        if "side" in self.query.annotations:
            return self
        return self.annotate(side=side_expression())


def side_expression(city: str = "city_id", pairing: str = "pairing_id", *, joined=True) -> Case:
    """The side of a practice's city, from the pairings as they are now (a city that joins the
    other side of a pairing takes its practices along): its side in the practice's pairing;
    without a pairing, its side in any pairing it belongs to, the EU side first; else (or if
    the city is on neither side of the practice's pairing) its country's EU membership today.

    Every set it reads is small (pairings, their further members, cities) and read once per
    query, so a list or a count over many practices probes them instead of joining them row by
    row; only a further member's own pairing is looked up per practice.

    ``city`` and ``pairing`` name the fields (or annotations) holding the city's and the
    pairing's id on the rows it is worked out for: a practice's by default. ``joined`` reads
    the pairing's leads through the relation ``pairing`` (a join, for practices); otherwise
    they are looked up by the pairing's id, for rows that are no practice (a place counted by
    ``selectors._facet_rows``)."""
    from cities.models import City
    from twinning.models import Pairing, PairingMember

    eu, partner = Practice.Side.EU, Practice.Side.PARTNER
    has_pairing = Q(**{f"{pairing}__isnull": False})

    def members(side):
        return PairingMember.objects.filter(side=side)

    def leads(lead):
        if joined:
            return Q(**{f"{pairing}__{lead}": F(city)})
        return Exists(Pairing.objects.filter(pk=OuterRef(pairing), **{lead: OuterRef(city)}))

    def in_its_pairing(side, lead):
        in_this_pairing = members(side).filter(pairing_id=OuterRef(pairing), city_id=OuterRef(city))
        return leads(lead) | (
            Q(**{f"{city}__in": members(side).values("city_id")}) & Exists(in_this_pairing)
        )

    def in_any_pairing(side, lead):
        return Q(**{f"{city}__in": Pairing.objects.values(lead)}) | Q(
            **{f"{city}__in": members(side).values("city_id")}
        )

    today = datetime.date.today()
    eu_cities = City.objects.filter(country__eu_joined__lte=today).filter(
        Q(country__eu_left__isnull=True) | Q(country__eu_left__gte=today)
    )
    return Case(
        When(has_pairing & in_its_pairing(eu, "eu_lead_id"), then=Value(eu)),
        When(has_pairing & in_its_pairing(partner, "partner_lead_id"), then=Value(partner)),
        When(~has_pairing & in_any_pairing(eu, "eu_lead_id"), then=Value(eu)),
        When(~has_pairing & in_any_pairing(partner, "partner_lead_id"), then=Value(partner)),
        When(Q(**{f"{city}__in": eu_cities.values("id")}), then=Value(eu)),
        default=Value(partner),
        output_field=models.CharField(),
    )


class Practice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")
        RETURNED = "returned", _("Returned for changes")
        ARCHIVED = "archived", _("Archived")

    class Side(models.TextChoices):
        EU = "eu", _("EU city")
        PARTNER = "partner", _("Partner city")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, editable=False)
    summary = models.TextField(
        _("summary"), max_length=600, help_text=_("Two or three sentences, plain text.")
    )
    body = models.TextField(
        _("description"),
        help_text=_("What was done and how. Markdown: **bold**, lists, links, headings."),
    )
    body_html = models.TextField(editable=False, blank=True)
    city = models.ForeignKey(
        "cities.City", verbose_name=_("city"), on_delete=models.PROTECT, related_name="practices"
    )
    pairing = models.ForeignKey(
        "twinning.Pairing",
        verbose_name=_("pairing"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
    )
    actions = models.ManyToManyField(
        "twinning.Action",
        verbose_name=_("pairing actions"),
        blank=True,
        related_name="practices",
        help_text=_("Actions of the pairing's action plan that this practice comes from."),
    )
    thematic_areas = models.ManyToManyField(
        "cities.ThematicArea", verbose_name=_("thematic areas"), related_name="practices"
    )
    topics = models.ManyToManyField(
        "cities.Topic", verbose_name=_("topics"), blank=True, related_name="practices"
    )
    start_date = models.DateField(_("started on"), null=True, blank=True)
    end_date = models.DateField(_("ended on"), null=True, blank=True)
    ongoing = models.BooleanField(_("still running"), default=False)
    results = models.TextField(_("results"), blank=True)
    transferability = models.TextField(
        _("transferability"),
        blank=True,
        help_text=_("What another city needs to take this over: conditions, costs, partners."),
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    cover_image = models.FileField(
        _("cover image"), upload_to=cover_upload_to, blank=True, max_length=200
    )
    cover_content_type = models.CharField(max_length=100, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True, editable=False)
    is_demo = models.BooleanField(
        _("demo content"), default=False, help_text=_("Example content, not a real record.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
    )
    adoption_count = models.PositiveIntegerField(_("adoptions"), default=0, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    # What the facet counts read of the practice's related rows, kept on its own row by
    # ``services.practices_reindex`` so that counting many results needs no join.
    area_ids = ArrayField(models.BigIntegerField(), default=list, editable=False)
    topic_ids = ArrayField(models.BigIntegerField(), default=list, editable=False)
    partner_sectors = ArrayField(models.TextField(), default=list, editable=False)
    has_key_figures = models.BooleanField(default=False, editable=False)
    # The three lists above as one short text ("1,4|12|business,research"), which the
    # database keeps in step with them: the facet counts group the results by it once,
    # instead of by each list (hashing a list costs many times what hashing a text does).
    facet_key = models.GeneratedField(
        expression=Func(
            F("area_ids"),
            F("topic_ids"),
            F("partner_sectors"),
            function="practices_facet_key",
            output_field=models.TextField(),
        ),
        output_field=models.TextField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="practice_ends_after_start",
                violation_error_message=_("A practice ends on or after its start."),
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="practice_search_gin"),
            # "Similar practices": the practices that hold all (or some) of a practice's
            # topics or areas.
            GinIndex(fields=["topic_ids"], name="practice_topic_ids_gin"),
            GinIndex(fields=["area_ids"], name="practice_area_ids_gin"),
            # ... and the latest published practices with their topics and areas, read from
            # the index alone, newest first (``selectors.similar_practices``).
            models.Index(
                F("published_at").desc(nulls_last=True),
                F("id").desc(),
                include=["topic_ids", "area_ids"],
                condition=Q(status="published"),
                name="practice_published_latest",
            ),
            models.Index(fields=["status", "-published_at"], name="practice_status_published"),
            # Every column the facet counts and a list's order read of a published practice
            # (practices.selectors), so that counting them, or finding a page of those of some
            # cities, is an index-only scan of this index, not a read of the table, which is
            # larger than the server's buffers. Only published practices are listed.
            models.Index(
                fields=["city", "pairing", "start_date", "id"],
                include=[
                    "area_ids",
                    "topic_ids",
                    "partner_sectors",
                    "facet_key",
                    "has_key_figures",
                    "published_at",
                    "adoption_count",
                ],
                condition=Q(status="published"),
                name="practice_published_facets",
            ),
        ]

    # Written only by ``services.practices_reindex`` (and ``facet_key`` by the database):
    # saving a practice loaded before the last refresh must not put its old values back.
    DERIVED_FIELDS = frozenset(
        {
            "search_vector",
            "area_ids",
            "topic_ids",
            "partner_sectors",
            "has_key_figures",
            "facet_key",
        }
    )

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.DERIVED_FIELDS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("practices:detail", kwargs={"slug": self.slug})

    def clean_fields(self, exclude=None):
        # A pairing read from the database (the form's choice reads it) exists: it is not
        # looked up again.
        pairing = self._meta.get_field("pairing").get_cached_value(self, None)
        if pairing is not None and not pairing._state.adding:
            exclude = {*(exclude or ()), "pairing"}
        super().clean_fields(exclude=exclude)

    def validate_constraints(self, exclude=None):
        # Django evaluates a check constraint's condition in a query of its own. The dates'
        # is checked here instead, as the database checks it on save; any other constraint as
        # Django does.
        for constraint in self._meta.constraints:
            if constraint.name != "practice_ends_after_start":
                constraint.validate(type(self), self, exclude=exclude)
            elif (
                {"start_date", "end_date"}.isdisjoint(exclude or ())
                and self.start_date
                and self.end_date
                and self.end_date < self.start_date
            ):
                raise ValidationError(
                    constraint.get_violation_error_message(),
                    code=constraint.violation_error_code,
                )

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED


class PublishedGroup(models.Model):
    """How many published practices share one value of one of the groupings the facet counts
    read (``selectors._facet_rows``): their areas, topics and sectors (``facet_key``), their
    city and pairing, their start date, whether they have key figures. The unfiltered list
    counts from these few thousand rows instead of from every published practice.

    Kept by the database, in the transaction of the write: a trigger on the practices table
    (migration ``0012_published_groups``) adds one to a practice's four groups when it becomes
    published and takes one away when it stops being published or when one of those columns of
    a published practice changes (before adding one to its new groups). So every way of
    writing a practice keeps them: the services, the admin, ``practices_reindex``'s bulk
    update and bulk loads. A group whose practices all left keeps its row with ``n`` 0."""

    class Grouping(models.TextChoices):
        LISTS = "lists"
        PLACE = "place"
        START = "start"
        FIGURES = "figures"

    grouping = models.CharField(max_length=8, choices=Grouping.choices)
    # NULL on the rows of the other groupings, as in a GROUPING SETS result.
    lists = models.TextField(null=True)  # noqa: DJ001
    # Plain ids, as on the practice: the counts join the cities and pairings when read.
    city_id = models.BigIntegerField(null=True)
    pairing_id = models.BigIntegerField(null=True)
    start_date = models.DateField(null=True)
    figures = models.BooleanField(null=True)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grouping", "lists", "city_id", "pairing_id", "start_date", "figures"],
                nulls_distinct=False,
                name="published_group_unique",
            ),
        ]

    def __str__(self):
        return f"{self.grouping}: {self.n}"


class KeyFigure(models.Model):
    """A structured result: e.g. 1,200 t CO2 saved per year in 2018."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="key_figures", verbose_name=_("practice")
    )
    label = models.CharField(_("what was measured"), max_length=200)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=50, help_text=_("e.g. t CO2/year, MWh, €, jobs"))
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.label}: {self.value} {self.unit}"


class PracticePartner(models.Model):
    """A triple-helix partner (government, research, business, civil society) and its role."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="partners", verbose_name=_("practice")
    )
    organisation = models.ForeignKey(
        "cities.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="practice_roles",
    )
    role = models.CharField(_("role"), max_length=200)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "organisation"],
                name="practice_partner_once",
                violation_error_message=_("This organisation is already a partner."),
            )
        ]

    def __str__(self):
        return f"{self.organisation} ({self.role})"

    def clean_fields(self, exclude=None):
        # An organisation read from the database (the partner form reads every row's in one
        # query) exists: it is not looked up again, once per partner.
        organisation = self._meta.get_field("organisation").get_cached_value(self, None)
        if organisation is not None and not organisation._state.adding:
            exclude = {*(exclude or ()), "organisation"}
        super().clean_fields(exclude=exclude)


class Attachment(models.Model):
    """A file (PDF, image, office document), stored under a generated name and only ever
    served as a download to those who may see the practice."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("practice")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=200)
    original_name = models.CharField(max_length=255, editable=False)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveIntegerField(default=0, editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self):
        return self.title or self.original_name

    def get_absolute_url(self):
        return reverse("practices:attachment", kwargs={"slug": self.practice.slug, "pk": self.pk})


class PracticeLink(models.Model):
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="links", verbose_name=_("practice")
    )
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("address"), validators=[URLValidator(schemes=["http", "https"])])

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["id"]

    def __str__(self):
        return self.title


class PracticeStatusChange(models.Model):
    """Who moved a practice along its lifecycle, when, and the reviewer's comment."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Practice.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Practice.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


class PracticeVersion(models.Model):
    """A published state of a practice, kept whole so that an edit never loses it."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("snapshot"))
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "number"], name="practice_version_once")
        ]

    def __str__(self):
        return f"{self.practice} v{self.number}"


class Transfer(models.Model):
    """A city taking a practice home: interested, then adapting, then adopted."""

    class Status(models.TextChoices):
        INTERESTED = "interested", _("Interested")
        ADAPTING = "adapting", _("Adapting")
        ADOPTED = "adopted", _("Adopted")

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("practice")
    )
    city = models.ForeignKey(
        "cities.City", on_delete=models.CASCADE, related_name="transfers", verbose_name=_("city")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    story = models.TextField(
        _("what we changed"),
        blank=True,
        help_text=_("How your city adapted the practice to its own situation."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "city"],
                name="transfer_once_per_city",
                violation_error_message=_("This city already follows up this practice."),
            )
        ]

    def __str__(self):
        return f"{self.city} – {self.practice} ({self.get_status_display()})"


class Comment(models.Model):
    class Kind(models.TextChoices):
        QUESTION = "question", _("Question")
        COMMENT = "comment", _("Comment")

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="comments", verbose_name=_("practice")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="practice_comments",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.QUESTION)
    body = models.TextField(_("text"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question or comment")
        verbose_name_plural = _("questions and comments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return _("%(kind)s by %(author)s on %(practice)s") % {
            "kind": self.get_kind_display(),
            "author": self.author,
            "practice": self.practice,
        }


class Follow(models.Model):
    """Someone who wants to hear of a practice, or of new practices in a thematic area."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_follows"
    )
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, null=True, blank=True, related_name="follows"
    )
    thematic_area = models.ForeignKey(
        "cities.ThematicArea",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=Q(practice__isnull=False, thematic_area__isnull=True)
                | Q(practice__isnull=True, thematic_area__isnull=False),
                name="follow_one_target",
                violation_error_message=_("Follow either a practice or a thematic area."),
            ),
            models.UniqueConstraint(
                fields=["user", "practice"],
                condition=Q(practice__isnull=False),
                name="follow_practice_once",
            ),
            models.UniqueConstraint(
                fields=["user", "thematic_area"],
                condition=Q(thematic_area__isnull=False),
                name="follow_area_once",
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.practice or self.thematic_area}"


# The text-search configuration of the stored vector and of every query against it: the
# platform's one (``worldcities.textsearch``).
SEARCH_CONFIG = textsearch.SEARCH_CONFIG


class PendingUpload(models.Model):
    """A file chosen on a practice form whose submission failed for another reason: kept for
    the person who chose it, so that the next submit uses it without choosing it again. A
    submit that saves turns it into an attachment; a periodic job removes those left behind
    (``practices.services.pending_uploads_expire``)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="pending_uploads",
    )
    file = models.FileField(_("file"), upload_to=pending_upload_to, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("pending upload")
        verbose_name_plural = _("pending uploads")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.original_name


class PracticeTranslation(Translation):
    """The practice's title, summary and text in another language than the one it was written
    in (``Practice.language``), written by a delegate of its city or drafted by machine
    translation, and checked by a person (``checked_by``) or not yet. Its search document,
    in its own language's configuration, is part of the practice's ``search_vector``
    (``services.practices_reindex``)."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="translations", verbose_name=_("practice")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=600)
    body = models.TextField(
        _("description"), help_text=_("Markdown, as in the original: **bold**, lists, links.")
    )
    body_html = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    search_document = textsearch.language_document(
        "language", ("title", "A"), ("summary", "B"), ("body", "C")
    )

    class Meta(Translation.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "language"],
                name="practice_translation_once",
                violation_error_message=_(
                    "This practice already has a translation into this language: edit it."
                ),
            )
        ]

    def __str__(self):
        return f"{self.practice} ({self.language})"

    @property
    def is_checked(self) -> bool:
        return self.checked_at is not None


class ApplicationPractice(models.Model):
    """A published practice of a city attached to that city's application to a call, as
    experience it brings. The link lives here, beside the practices: the application
    (``twinning``) knows nothing of practices."""

    application = models.ForeignKey(
        "twinning.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="attached_practices",
    )
    practice = models.ForeignKey(
        Practice,
        verbose_name=_("practice"),
        on_delete=models.CASCADE,
        related_name="applications_attached",
    )
    attached_at = models.DateTimeField(_("attached"), auto_now_add=True)

    class Meta:
        verbose_name = _("practice attached to an application")
        verbose_name_plural = _("practices attached to applications")
        ordering = ["application", "practice__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "practice"],
                name="application_practice_once",
                violation_error_message=_("This practice is already attached."),
            )
        ]

    def __str__(self):
        return f"{self.practice} ({self.application})"
