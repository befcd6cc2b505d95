import datetime
from decimal import Decimal

from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from worldcities import textsearch
from worldcities.users.models import validate_time_zone


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
