"""The facets of the practice list. Unknown values are ignored (the rest still filters)."""

import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cities.models import City, Country, Organisation, ThematicArea, Topic
from twinning.models import Edition

from .models import Practice
from .permissions import edition_scope_q


def _years():
    this_year = datetime.date.today().year
    return [(year, str(year)) for year in range(this_year + 1, 1989, -1)]


class RowsField(django_filters.fields.ModelMultipleChoiceField):
    def clean(self, value):
        # Nothing chosen: an empty list, not an empty queryset, which the filter (asking
        # whether anything was chosen) would evaluate only to find it empty.
        return super().clean(value) if value else []


class ChosenRows(django_filters.ModelMultipleChoiceFilter):
    """A choice among rows (``queryset``), any of them matching."""

    field_class = RowsField


class PracticeFilter(django_filters.FilterSet):
    SORT_CHOICES = [
        ("relevance", _("Relevance")),
        ("newest", _("Newest")),
        ("adopted", _("Most adopted")),
    ]

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    area = ChosenRows(
        label=_("Thematic area"),
        to_field_name="slug",
        queryset=ThematicArea.objects.all(),
        method="filter_area",
    )
    topic = ChosenRows(label=_("Topic"), queryset=Topic.objects.all(), method="filter_topic")
    # Filters through a practice's own foreign keys match each practice once: no DISTINCT
    # (which django-filter adds to multiple-choice filters unless told otherwise).
    country = ChosenRows(
        label=_("Country"),
        field_name="city__country__code",
        to_field_name="code",
        queryset=Country.objects.all(),
        distinct=False,
    )
    city = ChosenRows(
        label=_("City"),
        field_name="city__slug",
        to_field_name="slug",
        queryset=City.objects.all(),
        distinct=False,
    )
    side = django_filters.MultipleChoiceFilter(
        label=_("Side"), choices=Practice.Side.choices, method="filter_side"
    )
    edition = ChosenRows(
        label=_("Edition"),
        to_field_name="slug",
        queryset=Edition.objects.all(),
        method="filter_edition",
    )
    sector = django_filters.MultipleChoiceFilter(
        label=_("Partner sector"), choices=Organisation.Sector.choices, method="filter_sector"
    )
    year = django_filters.TypedMultipleChoiceFilter(
        label=_("Year started"),
        field_name="start_date__year",
        choices=_years,
        coerce=int,
        distinct=False,
    )
    figures = django_filters.BooleanFilter(
        label=_("With key figures"), method="filter_figures", widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="filter_sort", empty_label=None
    )

    class Meta:
        model = Practice
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        from .selectors import practice_search

        return practice_search(queryset, value)

    # A practice with any of the chosen values, read from what it keeps on its own row
    # (``services.practices_reindex``), as the facet counts are: no join with its links.
    def filter_area(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(area_ids__overlap=[area.pk for area in value])

    def filter_topic(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(topic_ids__overlap=[topic.pk for topic in value])

    def filter_sector(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(partner_sectors__overlap=value)

    def filter_side(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.with_side().filter(side__in=value)

    def filter_edition(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(edition_scope_q([edition.pk for edition in value]))

    def filter_figures(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(has_key_figures=True)

    def filter_sort(self, queryset, name, value):
        if value == "newest":
            return queryset.order_by("-published_at", "-pk")
        if value == "adopted":
            return queryset.order_by("-adoption_count", "-published_at", "-pk")
        return queryset  # relevance: the search's own order, else the newest first
