"""Filters of the city list, the directory of people and the opportunities. Every filter
lives in the query string, so a filtered list can be shared as a link. The apps built on this
one add theirs to the city list (``cities.extensions``)."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from worldcities.users.models import SPOKEN_LANGUAGES, Role, User

from . import extensions
from .models import City, Country, Opportunity, Organisation, ThematicArea
from .selectors import city_search, directory_cities


def opportunities_cities_exist():
    """Countries with a city that posted an opportunity (the list's country filter)."""
    return Exists(Opportunity.objects.filter(city__country=OuterRef("pk")))


class CityFilterSet(django_filters.FilterSet):
    class Side:
        EU = "eu"
        PARTNER = "partner"
        CHOICES = [(EU, _("EU")), (PARTNER, _("Partner country"))]

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    country = django_filters.ModelChoiceFilter(
        label=_("Country"),
        queryset=Country.objects.filter(cities__isnull=False).distinct().order_by("name"),
        to_field_name="code",
        empty_label=_("Any country"),
    )
    side = django_filters.ChoiceFilter(
        label=_("EU or partner"),
        choices=Side.CHOICES,
        method="filter_side",
        empty_label=_("Either"),
    )

    class Meta:
        model = City
        fields = ["q", "country", "side"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for extension in extensions.filters.values():
            filter_ = extension.make()
            filter_.field_name = filter_.field_name or extension.key
            filter_.model = self.queryset.model
            filter_.parent = self
            self.filters[extension.key] = filter_

    @classmethod
    def parameters(cls) -> list[str]:
        """The names of the query string's parameters the list reads (page aside)."""
        return [*cls.base_filters, *extensions.filters]

    def filter_search(self, queryset, name, value):
        return city_search(queryset, value)

    def filter_side(self, queryset, name, value):
        """EU: cities of countries that are or were EU members (the United Kingdom's cities
        took the EU side in 2017–2018); partner: the others."""
        if value == self.Side.EU:
            return queryset.filter(country__eu_joined__isnull=False)
        if value == self.Side.PARTNER:
            return queryset.filter(country__eu_joined__isnull=True)
        return queryset


class PersonFilterSet(django_filters.FilterSet):
    """Filters of the directory of people."""

    q = django_filters.CharFilter(label=_("Name or organisation"), method="filter_search")
    city = django_filters.ModelChoiceFilter(
        label=_("City"),
        queryset=directory_cities(),
        to_field_name="slug",
        empty_label=_("Any city"),
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Country"),
        field_name="city__country",
        queryset=Country.objects.filter(cities__isnull=False).distinct().order_by("name"),
        to_field_name="code",
        empty_label=_("Any country"),
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Thematic interest"),
        field_name="interests",
        queryset=ThematicArea.objects.order_by("order", "name"),
        to_field_name="slug",
        empty_label=_("Any thematic area"),
    )
    language = django_filters.ChoiceFilter(
        label=_("Speaks"),
        choices=SPOKEN_LANGUAGES,
        method="filter_language",
        empty_label=_("Any language"),
    )
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=Role.choices, empty_label=_("Any role")
    )

    class Meta:
        model = User
        fields = ["q", "city", "country", "area", "language", "role"]

    @classmethod
    def parameters(cls) -> list[str]:
        return list(cls.base_filters)

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(full_name__icontains=value) | Q(organisation__name__icontains=value)
        )

    def filter_language(self, queryset, name, value):
        return queryset.filter(spoken_languages__contains=[value])


class OpportunityFilterSet(django_filters.FilterSet):
    """Filters of the opportunities. Without a choice of validity, the list shows those open
    today."""

    class Validity:
        OPEN = "open"
        EXPIRED = "expired"
        ALL = "all"
        CHOICES = [(OPEN, _("Open now")), (EXPIRED, _("Expired")), (ALL, _("Open or expired"))]

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    direction = django_filters.ChoiceFilter(
        label=_("Offer or need"), choices=Opportunity.Direction.choices, empty_label=_("Both")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Opportunity.Kind.choices, empty_label=_("Any kind")
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Thematic area"),
        field_name="areas",
        queryset=ThematicArea.objects.order_by("order", "name"),
        to_field_name="slug",
        empty_label=_("Any thematic area"),
    )
    sector = django_filters.ChoiceFilter(
        label=_("Sector of the organisation"),
        field_name="organisation__sector",
        choices=Organisation.Sector.choices,
        empty_label=_("Any sector"),
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Country"),
        field_name="city__country",
        queryset=Country.objects.filter(opportunities_cities_exist()).order_by("name"),
        to_field_name="code",
        empty_label=_("Any country"),
    )
    validity = django_filters.ChoiceFilter(
        label=_("Validity"),
        choices=Validity.CHOICES,
        method="filter_validity",
        empty_label=None,
        null_label=None,
    )

    class Meta:
        model = Opportunity
        fields = ["q", "direction", "kind", "area", "sector", "country", "validity"]

    @classmethod
    def parameters(cls) -> list[str]:
        return list(cls.base_filters)

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("validity"):
            data = data.copy()
            data["validity"] = self.Validity.OPEN
        super().__init__(data, *args, **kwargs)
        self.form.fields["validity"].initial = self.Validity.OPEN

    @property
    def qs(self):
        queryset = super().qs
        if not self.is_bound:
            return self.filter_validity(queryset, "validity", self.Validity.OPEN)
        return queryset

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(organisation__name__icontains=value)
            | Q(city__name__icontains=value)
        )

    def filter_validity(self, queryset, name, value):
        today = timezone.localdate()
        if value == self.Validity.EXPIRED:
            return queryset.filter(valid_until__lt=today)
        if value == self.Validity.ALL:
            return queryset
        return queryset.open_on(today)
