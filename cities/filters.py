"""Filters of the city list. Every filter lives in the query string, so a filtered list can be
shared as a link. The apps built on this one add theirs (``cities.extensions``)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from . import extensions
from .models import City, Country
from .selectors import city_search


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
