"""Filters of the pairing list and the map. Every filter lives in the query string, so a
filtered view can be shared as a link."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cities.models import Country, ThematicArea

from .models import Application, Edition, Pairing
from .selectors import pairing_search, with_reviews_count


class MapFilterSet(django_filters.FilterSet):
    """Edition, partner country and thematic area: what the map and the list share."""

    edition = django_filters.ModelChoiceFilter(
        label=_("Edition"),
        queryset=Edition.objects.order_by("-start_date", "name"),
        to_field_name="slug",
        empty_label=_("Any edition"),
    )
    partner_country = django_filters.ModelChoiceFilter(
        label=_("Partner country"),
        queryset=Country.objects.filter(editions__isnull=False).distinct().order_by("name"),
        to_field_name="code",
        field_name="partner_lead__country",
        empty_label=_("Any partner country"),
    )
    thematic_area = django_filters.ModelChoiceFilter(
        label=_("Thematic area"),
        queryset=ThematicArea.objects.order_by("order", "name"),
        to_field_name="slug",
        field_name="thematic_areas",
        empty_label=_("Any thematic area"),
        distinct=True,
    )

    class Meta:
        model = Pairing
        fields = ["edition", "partner_country", "thematic_area"]


class PairingFilterSet(MapFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Pairing.Status.choices, empty_label=_("Any status")
    )

    class Meta:
        model = Pairing
        fields = ["q", "edition", "partner_country", "thematic_area", "status"]

    def filter_search(self, queryset, name, value):
        return pairing_search(queryset, value)


class CallApplicationFilterSet(django_filters.FilterSet):
    """Programme staff's list of a call's applications: by status, by decision, by the
    city's name, in the order of a column."""

    UNDECIDED = "none"
    SORTS = {
        "city": ("city__name", "pk"),
        "-city": ("-city__name", "-pk"),
        "status": ("status", "city__name", "pk"),
        "-status": ("-status", "city__name", "pk"),
        "submitted": ("submitted_at", "city__name", "pk"),
        "-submitted": ("-submitted_at", "city__name", "pk"),
        "saved": ("updated_at", "pk"),
        "-saved": ("-updated_at", "-pk"),
        "reviews": ("reviews_count", "city__name", "pk"),
        "-reviews": ("-reviews_count", "city__name", "pk"),
        "decision": ("decision", "city__name", "pk"),
        "-decision": ("-decision", "city__name", "pk"),
    }
    SORT_CHOICES = [
        ("city", _("City, A to Z")),
        ("-city", _("City, Z to A")),
        ("status", _("Status")),
        ("-submitted", _("Submitted, newest first")),
        ("submitted", _("Submitted, oldest first")),
        ("-saved", _("Last saved, newest first")),
        ("-reviews", _("Most reviews first")),
        ("reviews", _("Fewest reviews first")),
        ("decision", _("Decision")),
        ("-status", _("Status, reversed")),
        ("saved", _("Last saved, oldest first")),
        ("-decision", _("Decision, reversed")),
    ]

    q = django_filters.CharFilter(label=_("City"), method="filter_city")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Application.Status.choices, empty_label=_("Any status")
    )
    decision = django_filters.ChoiceFilter(
        label=_("Decision"),
        choices=[*Application.Decision.choices, (UNDECIDED, _("Not decided"))],
        empty_label=_("Any decision"),
        method="filter_decision",
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="filter_sort", empty_label=None
    )

    class Meta:
        model = Application
        fields: list[str] = []

    @classmethod
    def parameters(cls) -> list[str]:
        return list(cls.base_filters)

    def filter_city(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(city__name__icontains=value) if value else queryset

    def filter_decision(self, queryset, name, value):
        return queryset.filter(decision="" if value == self.UNDECIDED else value)

    def filter_sort(self, queryset, name, value):
        if value in ("reviews", "-reviews"):
            queryset = with_reviews_count(queryset)
        return queryset.order_by(*self.SORTS.get(value, self.SORTS["city"]))


# --- Filters the city list gets from this app (``cities.extensions``) ----------------------------
def _cities_in_pairings_with(field: str):
    """A filter method: the cities that lead or join (on either side) a pairing whose
    ``field`` is the value chosen."""

    def method(queryset, name, value):
        return queryset.filter(
            Q(**{f"eu_lead_pairings__{field}": value})
            | Q(**{f"partner_lead_pairings__{field}": value})
            | Q(**{f"pairing_memberships__pairing__{field}": value})
        ).distinct()

    return method


def city_thematic_area_filter():
    """Cities in a pairing on a thematic area."""
    return django_filters.ModelChoiceFilter(
        label=_("Thematic area"),
        queryset=ThematicArea.objects.order_by("order", "name"),
        to_field_name="slug",
        method=_cities_in_pairings_with("thematic_areas"),
        empty_label=_("Any thematic area"),
    )


def city_edition_filter():
    """Cities in a pairing of an edition."""
    return django_filters.ModelChoiceFilter(
        label=_("Edition"),
        queryset=Edition.objects.order_by("-start_date", "name"),
        to_field_name="slug",
        method=_cities_in_pairings_with("edition"),
        empty_label=_("Any edition"),
    )
