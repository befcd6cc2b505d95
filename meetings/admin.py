from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from twinning.models import Action
from twinning.services import action_links_changed
from worldcities import versions
from worldcities.audit import HistoryAdmin
from worldcities.users.permissions import is_programme_staff

from .models import (
    AgendaItem,
    CalendarFeedToken,
    DelegationQuota,
    Evaluation,
    Meeting,
    MeetingOutcome,
    MeetingTranslation,
    Registration,
)
from .services import (
    meeting_slug,
    meeting_translation_check,
    meeting_translation_delete,
    meeting_translation_language_check,
    meeting_translation_save,
)


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


class TranslationInline(admin.TabularInline):
    """Shown only: each translation is added, edited, checked and deleted in its own admin
    (``MeetingTranslationAdmin``, through the services), linked from here."""

    model = MeetingTranslation
    extra = 0
    fields = ["language", "title", "written_by", "checked_by", "checked_at"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "host_city", "starts_at", "status", "edition"]
    list_filter = ["status", "kind", "is_public", "edition"]
    search_fields = ["title", "host_city__name", "venue"]
    date_hierarchy = "starts_at"
    list_select_related = ["host_city", "edition"]
    filter_horizontal = ["pairings"]
    readonly_fields = ["slug", "minutes_html", "minutes_updated_at", "created_by", "created_at"]
    inlines = [DelegationQuotaInline, AgendaItemInline, MeetingOutcomeInline, TranslationInline]

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


class MeetingTranslationForm(forms.ModelForm):
    """The meeting and language of a new translation are checked as on the platform's pages
    (an offered language, not the meeting's own, one translation per language)."""

    class Meta:
        model = MeetingTranslation
        fields = ["meeting", "language", "title", "description"]

    def clean(self):
        cleaned = super().clean()
        meeting, language = cleaned.get("meeting"), cleaned.get("language")
        if self.instance.pk is None and meeting is not None and language:
            try:
                meeting_translation_language_check(meeting=meeting, language=language)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(MeetingTranslation)
class MeetingTranslationAdmin(admin.ModelAdmin):
    """Programme staff add, correct, check and delete meetings' translations, through the
    meetings services (which move the meeting's and the lists' versions); an edit waits for a
    check again, as on the site."""

    form = MeetingTranslationForm
    list_display = ["title", "meeting", "language", "checked_by", "updated_at"]
    list_filter = ["language", ("checked_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "meeting__title"]
    list_select_related = ["meeting", "checked_by"]
    autocomplete_fields = ["meeting"]
    actions = ["mark_checked"]

    def has_module_permission(self, request):
        return is_programme_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_programme_staff(request.user)

    def has_add_permission(self, request):
        return is_programme_staff(request.user)

    def has_change_permission(self, request, obj=None):
        return is_programme_staff(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_programme_staff(request.user)

    def get_readonly_fields(self, request, obj=None):
        written = ["written_by", "checked_by", "checked_at", "updated_at"]
        # A translation keeps its meeting and language: another language is another row.
        return ["meeting", "language", *written] if obj is not None else written

    def get_fields(self, request, obj=None):
        fields = ["meeting", "language", "title", "description"]
        return [*fields, "written_by", "checked_by", "checked_at"] if obj else fields

    def save_model(self, request, obj, form, change):
        texts = {name: form.cleaned_data[name] for name in ("title", "description")}
        if change:
            meeting_translation_save(meeting=obj.meeting, by=request.user, translation=obj, **texts)
        else:
            saved = meeting_translation_save(
                meeting=form.cleaned_data["meeting"],
                by=request.user,
                language=form.cleaned_data["language"],
                **texts,
            )
            obj.pk = saved.pk

    def delete_model(self, request, obj):
        meeting_translation_delete(translation=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for translation in queryset:
            meeting_translation_delete(translation=translation, by=request.user)

    @admin.action(description=_("Mark as checked"))
    def mark_checked(self, request, queryset):
        count = 0
        for translation in queryset.filter(checked_at__isnull=True):
            meeting_translation_check(translation=translation, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d translation marked as checked.",
                "%(count)d translations marked as checked.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


admin.site.register(Meeting.history.model, HistoryAdmin)
admin.site.register(Registration.history.model, HistoryAdmin)
