import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from cities.models import City, Country, ThematicArea
from twinning.models import Edition
from worldcities.widgets import QuickSelect

from .models import AgendaItem, Meeting


class MeetingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    edition = django_filters.ModelChoiceFilter(
        label=_("Edition"),
        queryset=Edition.objects.all(),
        empty_label=_("All editions"),
        widget=QuickSelect,
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=Meeting.Kind.choices,
        empty_label=_("All kinds"),
        widget=QuickSelect,
    )
    # A text field, not a list: a programme at scale has thousands of host cities.
    host_city = django_filters.CharFilter(
        label=_("Host city"),
        field_name="host_city__name",
        lookup_expr="icontains",
        help_text=_("Part of the city's name."),
    )
    country = django_filters.ModelChoiceFilter(
        label=_("Country"),
        field_name="host_city__country",
        queryset=Country.objects.filter(
            # A semi-join per country (its first city that hosted a meeting ends it): joining
            # every meeting to its city, then keeping the distinct countries, read them all.
            Exists(
                City.objects.filter(country=OuterRef("pk")).filter(
                    Exists(Meeting.objects.filter(host_city=OuterRef("pk")))
                )
            )
        ),
        empty_label=_("All countries"),
        widget=QuickSelect,
    )
    thematic_area = django_filters.ModelChoiceFilter(
        label=_("Thematic area"),
        queryset=ThematicArea.objects.all(),
        method="filter_thematic_area",
        empty_label=_("All thematic areas"),
        widget=QuickSelect,
    )

    class Meta:
        model = Meeting
        fields = ["q", "edition", "kind", "host_city", "country", "thematic_area"]

    def filter_search(self, queryset, name, value):
        from .selectors import meeting_search

        return meeting_search(queryset, value)

    def filter_thematic_area(self, queryset, name, value):
        served = Meeting.pairings.through.objects.filter(
            meeting_id=OuterRef("pk"), pairing__thematic_areas=value
        )
        on_agenda = AgendaItem.objects.filter(meeting_id=OuterRef("pk"), thematic_area=value)
        return queryset.filter(Exists(served) | Exists(on_agenda))
