import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Func, Q, Value
from django.db.models.functions import Lower, Trim
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from worldcities import textsearch
from worldcities.users.models import validate_time_zone

CONTACT_BODY_MAX = 3000


class Country(models.Model):
    """A country, with its membership of the European Union as a period (the United Kingdom
    was a member during the 2017–2018 edition and is not now)."""

    code = models.CharField(_("ISO 3166 code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    eu_joined = models.DateField(_("joined the EU"), null=True, blank=True)
    eu_left = models.DateField(_("left the EU"), null=True, blank=True)

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(eu_left__isnull=True)
                | Q(eu_joined__isnull=False, eu_left__gt=models.F("eu_joined")),
                name="country_eu_left_after_joined",
                violation_error_message=_("A country leaves the EU only after it joined."),
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"),
                name="country_code_two_capitals",
                violation_error_message=_("The ISO 3166 code is two capital letters."),
            ),
        ]

    def __str__(self):
        return self.name

    def is_eu_member_during(self, start: datetime.date, end: datetime.date | None = None) -> bool:
        """Whether the country was an EU member at some time between ``start`` and ``end``."""
        end = end or start
        if self.eu_joined is None or self.eu_joined > end:
            return False
        return self.eu_left is None or self.eu_left >= start

    @property
    def is_eu_member(self) -> bool:
        return self.is_eu_member_during(datetime.date.today())


class City(models.Model):
    class Kind(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        METROPOLITAN_REGION = "metro_region", _("Metropolitan region")
        ALLIANCE = "alliance", _("Alliance of cities")

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="cities"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CITY)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="districts",
        help_text=_("For a district: the city it belongs to."),
    )
    members = models.ManyToManyField(
        "self",
        verbose_name=_("member cities"),
        symmetrical=False,
        blank=True,
        related_name="alliances",
        help_text=_("For an alliance of cities: its members."),
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("IANA name, e.g. Europe/Madrid or Asia/Seoul. Meetings hosted here use it."),
    )
    website = models.URLField(_("website"), blank=True)
    profile = models.TextField(_("short profile"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What a search reads: the name (weight A, which the pages of meetings and pairings read
    # as the city's name) and the profile.
    search_document = textsearch.stored_document(("name", "A"), ("profile", "C"))

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="city_latitude_range",
                violation_error_message=_("Latitude lies between -90 and 90."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="city_longitude_range",
                violation_error_message=_("Longitude lies between -180 and 180."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="city_coordinates_both_or_neither",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
            models.UniqueConstraint(
                fields=["country", "name"],
                name="city_unique_name_per_country",
                violation_error_message=_("This country already has a city of that name."),
            ),
        ]
        indexes = [
            models.Index(fields=["country", "name"]),
            GinIndex(fields=["search_document"], name="city_search_gin"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cities:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        errors = {}
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            errors[missing] = _("Give both latitude and longitude, or neither.")
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors["parent"] = _("A city cannot be part of itself.")
        if errors:
            raise ValidationError(errors)

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def name_key(value) -> str:
    """A name as organisations are looked up by it: lower case, its spaces trimmed and single."""
    return " ".join(str(value or "").split()).lower()


# ``name_key`` of an organisation's name in the database, indexed: a typed name finds its
# organisation without reading every name.
NAME_KEY = Lower(
    Func(Trim("name"), Value(r"\s+"), Value(" "), Value("g"), function="regexp_replace")
)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        NATIONAL_AUTHORITY = "national_authority", _("National authority")
        EU_INSTITUTION = "eu_institution", _("EU institution")
        EU_DELEGATION = "eu_delegation", _("EU delegation")
        IMPLEMENTING_PARTNER = "implementing_partner", _("Implementing partner")
        RESEARCH = "research", _("University or research")
        BUSINESS = "business", _("Business")
        CIVIL_SOCIETY = "civil_society", _("Civil society")

    class Sector(models.TextChoices):
        """The triple helix (with civil society, which often joins)."""

        GOVERNMENT = "government", _("Government")
        RESEARCH = "research", _("Research")
        BUSINESS = "business", _("Business")
        CIVIL_SOCIETY = "civil_society", _("Civil society")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    city = models.ForeignKey(
        City,
        verbose_name=_("city"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(NAME_KEY, name="cities_org_name_lookup")]

    def __str__(self):
        return self.name


class ThematicArea(models.Model):
    """The first level of the programme's taxonomy (Smart City, Urban Economy, …)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("thematic area")
        verbose_name_plural = _("thematic areas")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Topic(models.Model):
    """The second level: a topic within a thematic area (transportation, ICT, safety, …)."""

    area = models.ForeignKey(
        ThematicArea,
        verbose_name=_("thematic area"),
        on_delete=models.CASCADE,
        related_name="topics",
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["area__order", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "slug"],
                name="topic_unique_slug_per_area",
                violation_error_message=_("This thematic area already has a topic of that name."),
            )
        ]

    def __str__(self):
        return f"{self.area.name}: {self.name}"


class ContactMessage(models.Model):
    """A message one person sent another through the directory of people. The recipient reads
    it as a notification; the sender's address travels with it only if they chose so."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sender"),
        on_delete=models.CASCADE,
        related_name="contact_messages_sent",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="contact_messages_received",
    )
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("message"), max_length=CONTACT_BODY_MAX)
    share_email = models.BooleanField(_("share my e-mail address"), default=False)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sender=models.F("recipient")),
                name="contact_message_not_to_oneself",
                violation_error_message=_("You cannot send a message to yourself."),
            )
        ]
        indexes = [models.Index(fields=["sender", "created_at"])]

    def __str__(self):
        return self.subject


class OpportunityQuerySet(models.QuerySet):
    def open_on(self, day: datetime.date):
        """Opportunities valid on ``day`` (they may be answered)."""
        return self.filter(valid_from__lte=day, valid_until__gte=day)


class Opportunity(models.Model):
    """An offer or a need of an organisation of a city (a technology, a pilot site, an
    investment, a research partner…), tied to thematic areas and valid for a period. Once
    posted it is published: the people whose interests match are told once (``matched_at``)."""

    class Direction(models.TextChoices):
        OFFER = "offer", _("Offer")
        NEED = "need", _("Need")

    class Kind(models.TextChoices):
        TECHNOLOGY = "technology", _("Technology")
        PILOT_SITE = "pilot_site", _("Pilot site")
        INVESTMENT = "investment", _("Investment")
        RESEARCH_PARTNER = "research_partner", _("Research partner")
        BUSINESS_PARTNER = "business_partner", _("Business partner")
        EXPERTISE = "expertise", _("Expertise")

    # For a need: the sectors of the organisations that could meet it (the other strands of
    # the triple helix that hold what is sought).
    COMPLEMENTARY_SECTORS = {
        Kind.TECHNOLOGY: [Organisation.Sector.BUSINESS, Organisation.Sector.RESEARCH],
        Kind.PILOT_SITE: [Organisation.Sector.GOVERNMENT],
        Kind.INVESTMENT: [Organisation.Sector.BUSINESS],
        Kind.RESEARCH_PARTNER: [Organisation.Sector.RESEARCH],
        Kind.BUSINESS_PARTNER: [Organisation.Sector.BUSINESS],
        Kind.EXPERTISE: [
            Organisation.Sector.GOVERNMENT,
            Organisation.Sector.RESEARCH,
            Organisation.Sector.BUSINESS,
            Organisation.Sector.CIVIL_SOCIETY,
        ],
    }

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    city = models.ForeignKey(
        City,
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="opportunities",
        help_text=_("The organisation's city."),
    )
    direction = models.CharField(_("offer or need"), max_length=10, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    areas = models.ManyToManyField(
        ThematicArea, verbose_name=_("thematic areas"), related_name="opportunities"
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        on_delete=models.PROTECT,
        related_name="opportunities_posted",
    )
    published_at = models.DateTimeField(_("published"), auto_now_add=True, db_index=True)
    matched_at = models.DateTimeField(
        _("matching people told"),
        null=True,
        blank=True,
        help_text=_("When the people whose interests match were notified."),
    )

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="opportunity_valid_until_after_from",
                violation_error_message=_("An opportunity cannot end before it starts."),
            )
        ]
        indexes = [
            models.Index(
                fields=["published_at"],
                condition=Q(matched_at__isnull=True),
                name="opportunity_to_match_idx",
            ),
            models.Index(fields=["valid_until"]),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("cities:opportunity", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("An opportunity cannot end before it starts.")})

    def is_expired(self, today: datetime.date | None = None) -> bool:
        return self.valid_until < (today or timezone.localdate())

    @classmethod
    def sectors_answering(cls, direction: str, kind: str) -> set[str] | None:
        """The sectors of the organisations that could meet a need of ``kind``; None (any
        sector) for an offer."""
        if direction != cls.Direction.NEED:
            return None
        return {str(sector) for sector in cls.COMPLEMENTARY_SECTORS[cls.Kind(kind)]}


class OpportunityResponse(models.Model):
    """Someone answered an opportunity; once its poster confirms, the two are in touch and the
    match counts as taken up."""

    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    responder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.CASCADE,
        related_name="opportunity_responses",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("for the organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunity_responses",
    )
    message = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(_("answered"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("in touch since"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("answer to an opportunity")
        verbose_name_plural = _("answers to opportunities")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "responder"],
                name="opportunity_response_once_per_person",
                violation_error_message=_("You already answered this opportunity."),
            )
        ]

    def __str__(self):
        return f"{self.responder} → {self.opportunity}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
