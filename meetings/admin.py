from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from twinning.models import Action
from twinning.services import action_links_changed
from worldcities import versions
from worldcities.audit import HistoryAdmin

from .models import (
    AgendaItem,
    CalendarFeedToken,
    DelegationQuota,
    Evaluation,
    Meeting,
    MeetingOutcome,
    Registration,
)
from .services import meeting_slug


class DelegationQuotaInline(admin.TabularInline):
    model = DelegationQuota
    extra = 0
    raw_id_fields = ["city"]


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0
    fields = [
        ("kind", "title"),
        ("starts_at", "ends_at"),
        "place",
        "thematic_area",
        "speakers",
        "capacity",
    ]


class MeetingOutcomeInline(admin.TabularInline):
    model = MeetingOutcome
    extra = 0
    raw_id_fields = ["action"]
    readonly_fields = ["recorded_by", "created_at"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "host_city", "starts_at", "status", "edition"]
    list_filter = ["status", "kind", "is_public", "edition"]
    search_fields = ["title", "host_city__name", "venue"]
    date_hierarchy = "starts_at"
    list_select_related = ["host_city", "edition"]
    filter_horizontal = ["pairings"]
    readonly_fields = ["slug", "minutes_html", "minutes_updated_at", "created_by", "created_at"]
    inlines = [DelegationQuotaInline, AgendaItemInline, MeetingOutcomeInline]

    def save_model(self, request, obj, form, change):
        if not obj.slug:
            obj.slug = meeting_slug(obj)
        if not change:
            obj.created_by = request.user
        else:  # the actions decided at it list its title, and the outcomes may change
            action_links_changed(actions=Action.objects.filter(meetings=obj.pk))
        super().save_model(request, obj, form, change)
        versions.bump(f"meeting:{obj.pk}", "meetings")

    def save_related(self, request, form, formsets, change):
        # Quotas, agenda items, outcomes and the pairings served (which the list filters on).
        super().save_related(request, form, formsets, change)
        versions.bump(f"meeting:{form.instance.pk}", "meetings")
        action_links_changed(actions=Action.objects.filter(meetings=form.instance.pk))

    def delete_model(self, request, obj):
        self.delete_queryset(request, Meeting.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        versions.bump(*(f"meeting:{pk}" for pk in ids), "meetings")
        action_links_changed(actions=Action.objects.filter(meetings__in=ids))
        super().delete_queryset(request, queryset)


class BumpsItsMeeting:
    """A row shown on its meeting's page: a change in the admin moves that meeting's version
    (and the one it belonged to before, if it moved to another meeting)."""

    def save_model(self, request, obj, form, change):
        before = form.initial.get("meeting") if change else None
        super().save_model(request, obj, form, change)
        versions.bump(*{f"meeting:{pk}" for pk in (before, obj.meeting_id) if pk})

    def delete_model(self, request, obj):
        versions.bump(f"meeting:{obj.meeting_id}")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        ids = set(queryset.values_list("meeting_id", flat=True))
        versions.bump(*(f"meeting:{pk}" for pk in ids))
        super().delete_queryset(request, queryset)


@admin.register(Registration)
class RegistrationAdmin(BumpsItsMeeting, SimpleHistoryAdmin):
    list_display = ["person", "meeting", "city", "status", "attended", "needs_visa_letter"]
    list_filter = ["status", "attended", "meeting__edition"]
    search_fields = ["person__email", "person__full_name", "meeting__title"]
    list_select_related = ["person", "meeting", "city"]
    raw_id_fields = ["person", "invited_by"]
    readonly_fields = ["invited_at", "created_at", "updated_at"]


@admin.register(Evaluation)
class EvaluationAdmin(BumpsItsMeeting, admin.ModelAdmin):
    list_display = ["meeting", "overall", "content", "organisation", "usefulness", "created_at"]
    list_filter = ["meeting"]
    list_select_related = ["meeting"]
    raw_id_fields = ["person"]


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    raw_id_fields = ["user"]
    readonly_fields = ["token", "created_at"]


admin.site.register(Meeting.history.model, HistoryAdmin)
admin.site.register(Registration.history.model, HistoryAdmin)
