"""Filters of the city list. Every filter lives in the query string, so a filtered list can be
shared as a link."""

import django_filters
from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import City, Country, ThematicArea


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
    thematic_area = django_filters.ModelChoiceFilter(
        label=_("Thematic area"),
        queryset=ThematicArea.objects.order_by("order", "name"),
        to_field_name="slug",
        method="filter_thematic_area",
        empty_label=_("Any thematic area"),
    )
    edition = django_filters.ModelChoiceFilter(
        label=_("Edition"),
        queryset=None,
        to_field_name="slug",
        method="filter_edition",
        empty_label=_("Any edition"),
    )

    class Meta:
        model = City
        fields = ["q", "country", "side", "thematic_area", "edition"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Editions belong to the twinning app, which builds on this one: looked up by name.
        edition_model = apps.get_model("twinning", "Edition")
        self.filters["edition"].queryset = edition_model.objects.order_by("-start_date", "name")

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(country__name__icontains=value)
            | Q(profile__icontains=value)
        )

    def filter_side(self, queryset, name, value):
        """EU: cities of countries that are or were EU members (the United Kingdom's cities
        took the EU side in 2017–2018); partner: the others."""
        if value == self.Side.EU:
            return queryset.filter(country__eu_joined__isnull=False)
        if value == self.Side.PARTNER:
            return queryset.filter(country__eu_joined__isnull=True)
        return queryset

    @staticmethod
    def _in_pairings(queryset, **lookup):
        """Cities that lead or join (on either side) a pairing matching ``lookup``."""
        ((key, value),) = lookup.items()
        return queryset.filter(
            Q(**{f"eu_lead_pairings__{key}": value})
            | Q(**{f"partner_lead_pairings__{key}": value})
            | Q(**{f"pairing_memberships__pairing__{key}": value})
        ).distinct()

    def filter_thematic_area(self, queryset, name, value):
        return self._in_pairings(queryset, thematic_areas=value)

    def filter_edition(self, queryset, name, value):
        return self._in_pairings(queryset, edition=value)
