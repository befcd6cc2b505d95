"""The programme staff's administration of editions, pairings and action plans."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cities.admin import ActionCheckboxMixin, VersionsMixin
from worldcities.audit import HistoryAdmin
from worldcities.pagination import PageByKeysPaginator

from . import exports
from .models import (
    Action,
    ActionProgressUpdate,
    Document,
    DocumentVersion,
    Edition,
    EditionCity,
    Message,
    Milestone,
    Pairing,
    PairingMember,
    PairingStatusChange,
    Thread,
)
from .services import (
    ACTION_TEXTS,
    PAIRING_TRANSITIONS,
    action_versions,
    edition_milestones_create,
    edition_versions,
    pairing_set_status,
    pairing_slug_new,
    pairing_versions,
    pairings_set_status,
)


class ParentAttachedFormSet(BaseInlineFormSet):
    """Gives each inline row the parent as the form holds it (also before its first save),
    so that the row's validation sees the pairing's edition and lead cities."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        setattr(form.instance, self.fk.name, self.instance)
        return form


# --- Editions -----------------------------------------------------------------------------------
class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["order", "kind", "title", "start_date", "end_date"]
    ordering = ["order", "start_date"]


class EditionCityInline(admin.TabularInline):
    model = EditionCity
    extra = 0
    fields = ["city", "thematic_areas", "topics", "goals"]
    autocomplete_fields = ["city", "thematic_areas", "topics"]


@admin.register(Edition)
class EditionAdmin(VersionsMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "start_date",
        "end_date",
        "status",
        "partner_country_list",
        "pairing_count",
    ]
    list_filter = ["status", "partner_countries"]
    search_fields = ["name", "slug", "partner_countries__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["partner_countries", "implementing_partners", "coordinators"]
    inlines = [MilestoneInline, EditionCityInline]
    date_hierarchy = "start_date"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("partner_countries")
            .annotate(pairing_total=Count("pairings", distinct=True))
            .order_by("-start_date", "name")
        )

    @admin.display(description=_("partner countries"))
    def partner_country_list(self, obj):
        return ", ".join(country.name for country in obj.partner_countries.all())

    @admin.display(description=_("pairings"), ordering="pairing_total")
    def pairing_count(self, obj):
        return obj.pairing_total

    def versions_of(self, obj) -> list[str]:
        return edition_versions(obj.pk)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and not form.instance.milestones.exists():
            # A new edition gets the programme's cycle; each date stays editable.
            edition_milestones_create(edition=form.instance)
            messages.info(request, _("The edition's cycle was laid out from the template."))


@admin.register(Milestone)
class MilestoneAdmin(VersionsMixin, admin.ModelAdmin):
    list_display = ["title", "edition", "kind", "start_date", "end_date", "order"]
    list_filter = ["edition", "kind"]
    list_select_related = ["edition"]
    search_fields = ["title", "edition__name"]
    autocomplete_fields = ["edition"]

    def versions_of(self, obj) -> list[str]:
        return edition_versions(obj.edition_id)


# --- Pairings -----------------------------------------------------------------------------------
class PairingMemberInline(admin.TabularInline):
    model = PairingMember
    formset = ParentAttachedFormSet
    extra = 0
    autocomplete_fields = ["city"]


class ActionInline(admin.TabularInline):
    model = Action
    formset = ParentAttachedFormSet
    extra = 0
    fields = ["title", "owner_organisation", "owner_person", "due_date", "status", "progress"]
    autocomplete_fields = ["owner_organisation", "owner_person"]
    show_change_link = True


class RecordInline(admin.TabularInline):
    """A record kept by the services (a history): shown, never changed here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StatusChangeInline(RecordInline):
    model = PairingStatusChange
    fields = ["changed_at", "from_status", "to_status", "changed_by", "note"]
    verbose_name_plural = _("status history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


class PairingAdminForm(forms.ModelForm):
    """The status is not a plain field: a change goes through ``pairing_set_status``, which
    allows only the lifecycle's next steps and records who made it, when and why."""

    new_status = forms.ChoiceField(label=_("Status"), required=True)
    status_note = forms.CharField(
        label=_("Reason for the status change"), required=False, max_length=500
    )

    class Meta:
        model = Pairing
        fields = [
            "edition",
            "slug",
            "eu_lead",
            "partner_lead",
            "thematic_areas",
            "topics",
            "topics_note",
            "objectives",
            "mou_signed_on",
            "mou_document",
        ]
        error_messages = {
            "eu_lead": {
                "required": _("Choose the EU lead city: a pairing has a city on each side.")
            },
            "partner_lead": {
                "required": _("Choose the partner lead city: a pairing has a city on each side.")
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = Pairing.Status(self.instance.status or Pairing.Status.PROPOSED)
        allowed = [current, *sorted(PAIRING_TRANSITIONS.get(current, ()), key=_status_order)]
        self.fields["new_status"].choices = [
            (status, Pairing.Status(status).label) for status in allowed
        ]
        self.fields["new_status"].initial = current
        self.fields["new_status"].help_text = _(
            "Only the lifecycle's next steps are offered; each change is recorded."
        )
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _(
            "Filled in from the cities and the edition's years; change it if you need to."
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("eu_lead") and cleaned.get("partner_lead"):
            cleaned["slug"] = pairing_slug_new(
                edition=cleaned.get("edition"),
                eu_lead=cleaned["eu_lead"],
                partner_lead=cleaned["partner_lead"],
            )
        return cleaned


def _status_order(status) -> int:
    return list(Pairing.Status).index(status)


def _status_action(status: Pairing.Status):
    @admin.action(
        description=_("Change the status of the selected pairings to “%(status)s”")
        % {"status": status.label.lower()},
        permissions=["change"],
    )
    def change_status(modeladmin, request, queryset):
        moved, refused = pairings_set_status(
            pairings=queryset,
            status=status,
            by=request.user,
            note=_("Bulk change in the administration"),
        )
        if moved:
            modeladmin.message_user(
                request,
                _("%(count)d pairing(s) are now %(status)s.")
                % {"count": len(moved), "status": status.label.lower()},
                messages.SUCCESS,
            )
        for pairing, reason in refused:
            modeladmin.message_user(request, f"{pairing}: {reason}", messages.ERROR)

    change_status.__name__ = f"change_status_to_{status.value}"
    return change_status


@admin.action(description=_("Export the selected pairings to CSV"))
def export_pairings_csv(modeladmin, request, queryset):
    return exports.csv_response(
        exports.pairing_rows(exports.pairings_for_export(queryset)), "pairings"
    )


@admin.action(description=_("Export the selected pairings to Excel (XLSX)"))
def export_pairings_xlsx(modeladmin, request, queryset):
    return exports.xlsx_response(
        exports.pairing_rows(exports.pairings_for_export(queryset)), "pairings", "Pairings"
    )


@admin.register(Pairing)
class PairingAdmin(VersionsMixin, ActionCheckboxMixin, SimpleHistoryAdmin):
    form = PairingAdminForm
    list_display = [
        "__str__",
        "edition",
        "eu_lead",
        "partner_lead",
        "status",
        "action_count",
        "mou_signed_on",
    ]
    list_filter = [
        "edition",
        "status",
        "thematic_areas",
        ("partner_lead__country", admin.RelatedOnlyFieldListFilter),
        ("eu_lead__country", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["edition", "eu_lead", "partner_lead"]
    list_per_page = 50
    paginator = PageByKeysPaginator
    search_fields = [
        "slug",
        "eu_lead__name",
        "partner_lead__name",
        "members__city__name",
        "topics_note",
        "objectives",
    ]
    autocomplete_fields = ["edition", "eu_lead", "partner_lead", "thematic_areas", "topics"]
    inlines = [PairingMemberInline, ActionInline, StatusChangeInline]
    readonly_fields = ["created_at", "updated_at"]

    class Media:
        js = ["js/pairing-slug-admin.js"]

    fieldsets = [
        (None, {"fields": ["edition", "eu_lead", "partner_lead", "slug"]}),
        (_("Status"), {"fields": ["new_status", "status_note"]}),
        (_("Themes"), {"fields": ["thematic_areas", "topics", "topics_note", "objectives"]}),
        (_("Memorandum of understanding"), {"fields": ["mou_signed_on", "mou_document"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    actions = [
        *(_status_action(status) for status in Pairing.Status),
        export_pairings_csv,
        export_pairings_xlsx,
    ]

    def get_queryset(self, request):
        # The count of actions is a subquery per row shown, not a join of every pairing with
        # every action grouped back (which the page's counts and filters would repeat).
        actions = (
            Action.objects.filter(pairing=OuterRef("pk"))
            .order_by()
            .values("pairing")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(action_total=Coalesce(Subquery(actions, output_field=IntegerField()), 0))
            .order_by("edition", "partner_lead__name")
        )

    @admin.display(description=_("actions"), ordering="action_total")
    def action_count(self, obj):
        return obj.action_total

    def versions_of(self, obj) -> list[str]:
        # Its page and the lists; its actions (an inline) are searched in the pairing list.
        return [*pairing_versions(obj.pk), ACTION_TEXTS]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        status = form.cleaned_data.get("new_status")
        if status and status != obj.status:
            updated = pairing_set_status(
                pairing=obj,
                status=status,
                by=request.user,
                note=form.cleaned_data.get("status_note", ""),
            )
            obj.status = updated.status


# --- Action plans -------------------------------------------------------------------------------
class ProgressUpdateInline(RecordInline):
    """An action's progress history, written from the pairing page."""

    model = ActionProgressUpdate
    fields = ["created_at", "status", "progress", "author", "note"]
    verbose_name_plural = _("progress history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


@admin.action(description=_("Export the selected actions to CSV"))
def export_actions_csv(modeladmin, request, queryset):
    return exports.csv_response(
        exports.action_rows(exports.actions_for_export(queryset)), "actions"
    )


@admin.action(description=_("Export the selected actions to Excel (XLSX)"))
def export_actions_xlsx(modeladmin, request, queryset):
    return exports.xlsx_response(
        exports.action_rows(exports.actions_for_export(queryset)), "actions", "Actions"
    )


@admin.register(Action)
class ActionAdmin(VersionsMixin, ActionCheckboxMixin, SimpleHistoryAdmin):
    list_display = [
        "title",
        "pairing",
        "owner_organisation",
        "owner_person",
        "due_date",
        "status",
        "progress",
    ]
    list_filter = [
        "status",
        "pairing__edition",
        ("pairing__partner_lead__country", admin.RelatedOnlyFieldListFilter),
        "pairing__thematic_areas",
        "due_date",
    ]
    list_select_related = [
        "pairing__eu_lead",
        "pairing__partner_lead",
        "owner_organisation",
        "owner_person",
    ]
    search_fields = [
        "title",
        "description",
        "pairing__eu_lead__name",
        "pairing__partner_lead__name",
        "owner_organisation__name",
    ]
    autocomplete_fields = ["pairing", "owner_organisation", "owner_person"]
    date_hierarchy = "due_date"
    actions = [export_actions_csv, export_actions_xlsx]
    inlines = [ProgressUpdateInline]

    def versions_of(self, obj) -> list[str]:
        return action_versions(obj.pairing_id)


@admin.register(PairingMember)
class PairingMemberAdmin(VersionsMixin, admin.ModelAdmin):
    list_display = ["city", "side", "pairing"]
    list_filter = ["side", "pairing__edition", ("city__country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["city", "pairing__eu_lead", "pairing__partner_lead"]
    search_fields = ["city__name", "pairing__eu_lead__name", "pairing__partner_lead__name"]
    autocomplete_fields = ["pairing", "city"]

    def versions_of(self, obj) -> list[str]:
        return pairing_versions(obj.pairing_id)


@admin.register(PairingStatusChange)
class PairingStatusChangeAdmin(admin.ModelAdmin):
    """The record of status changes: read only; changes are made on the pairing."""

    list_display = ["pairing", "from_status", "to_status", "changed_by", "changed_at", "note"]
    list_filter = ["to_status", "pairing__edition"]
    list_select_related = ["pairing__eu_lead", "pairing__partner_lead", "changed_by"]
    search_fields = ["pairing__eu_lead__name", "pairing__partner_lead__name", "note"]
    date_hierarchy = "changed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Workspaces and the community: moderation -----------------------------------------------------
class WrittenOnTheSiteMixin:
    """Discussions and documents are written on the site, through the services that check
    them (the Markdown, mentions and uploads) and tell the members; staff read them here,
    rename a thread or a document, and remove what must go."""

    def has_add_permission(self, request, obj=None):
        return False


class MessageInline(WrittenOnTheSiteMixin, admin.StackedInline):
    model = Message
    extra = 0
    fields = ["author", "created_at", "body"]
    readonly_fields = fields
    ordering = ["id"]
    show_change_link = False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Thread)
class ThreadAdmin(WrittenOnTheSiteMixin, ActionCheckboxMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "pairing",
        "thematic_area",
        "author",
        "message_count",
        "last_posted_at",
    ]
    list_filter = ["thematic_area", "pairing__edition", "last_posted_at"]
    list_select_related = ["pairing__eu_lead", "pairing__partner_lead", "thematic_area", "author"]
    search_fields = ["title", "pairing__eu_lead__name", "pairing__partner_lead__name"]
    fields = ["title", "pairing", "thematic_area", "author", "created_at", "message_count"]
    readonly_fields = ["pairing", "thematic_area", "author", "created_at", "message_count"]
    date_hierarchy = "last_posted_at"
    inlines = [MessageInline]


class DocumentVersionInline(WrittenOnTheSiteMixin, admin.TabularInline):
    model = DocumentVersion
    extra = 0
    fields = ["number", "original_name", "size", "note", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    ordering = ["-number"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(WrittenOnTheSiteMixin, ActionCheckboxMixin, admin.ModelAdmin):
    list_display = ["title", "pairing", "latest_version", "updated_at"]
    list_filter = ["pairing__edition", "updated_at"]
    list_select_related = ["pairing__eu_lead", "pairing__partner_lead", "latest_version__document"]
    search_fields = [
        "title",
        "description",
        "pairing__eu_lead__name",
        "pairing__partner_lead__name",
    ]
    fields = ["title", "description", "pairing", "created_by", "created_at"]
    readonly_fields = ["pairing", "created_by", "created_at"]
    date_hierarchy = "updated_at"
    inlines = [DocumentVersionInline]


admin.site.register(Pairing.history.model, HistoryAdmin)
admin.site.register(Action.history.model, HistoryAdmin)
