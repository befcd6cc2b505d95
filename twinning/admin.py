"""The programme staff's administration of editions, pairings and action plans."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cities.admin import ActionCheckboxMixin, VersionsMixin
from worldcities.audit import HistoryAdmin
from worldcities.pagination import PageByKeysPaginator
from worldcities.uploads import ATTACHMENT_EXTENSIONS, MAX_ATTACHMENT_SIZE, validate_upload

from . import exports
from .models import (
    Action,
    ActionProgressUpdate,
    Application,
    ApplicationAnswer,
    ApplicationDocument,
    ApplicationPartner,
    Call,
    CallDocument,
    CallInvitation,
    CallQuestion,
    Document,
    DocumentVersion,
    Edition,
    EditionCity,
    MatchDecision,
    Message,
    Milestone,
    Outcome,
    Pairing,
    PairingMember,
    PairingStatusChange,
    ReviewAssignment,
    ReviewCriterion,
    Score,
    Thread,
)
from .services import (
    ACTION_TEXTS,
    PAIRING_TRANSITIONS,
    action_versions,
    call_decisions_send,
    call_invitation_check,
    call_invitation_send,
    edition_milestones_create,
    edition_versions,
    outcome_check,
    outcome_versions,
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


# --- Calls for cities and applications ----------------------------------------------------------
class CallQuestionInline(admin.TabularInline):
    model = CallQuestion
    extra = 0
    fields = ["order", "text", "help_text", "required", "max_length"]


class CallDocumentInline(admin.TabularInline):
    model = CallDocument
    extra = 0
    fields = ["order", "name", "description", "required"]


class ReviewCriterionInline(admin.TabularInline):
    model = ReviewCriterion
    extra = 0
    fields = ["order", "name", "description", "weight", "scale_max"]


@admin.action(description=_("Export the selected call to Excel (XLSX): applications, scores"))
def export_call_xlsx(modeladmin, request, queryset):
    calls = list(queryset.select_related("edition")[:2])
    if len(calls) != 1:
        modeladmin.message_user(
            request, _("Choose one call: each call is exported to its own file."), messages.ERROR
        )
        return None
    return exports.call_xlsx_response(calls[0])


@admin.action(description=_("Send the decisions of the selected calls to the cities"))
def send_call_decisions(modeladmin, request, queryset):
    for call in queryset:
        try:
            sent = call_decisions_send(call=call, by=request.user)
        except ValidationError as exc:
            modeladmin.message_user(request, f"{call}: {' '.join(exc.messages)}", messages.WARNING)
        else:
            modeladmin.message_user(
                request,
                _("%(call)s: %(count)d decision(s) are being sent.")
                % {"call": call, "count": len(sent)},
                messages.SUCCESS,
            )


@admin.register(Call)
class CallAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "edition",
        "opens_at",
        "closes_at",
        "time_zone",
        "application_count",
        "review_link",
    ]
    actions = [export_call_xlsx, send_call_decisions]
    list_filter = ["edition"]
    list_select_related = ["edition"]
    search_fields = ["title", "slug", "edition__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["edition", "eu_countries", "partner_countries", "thematic_areas"]
    inlines = [CallQuestionInline, CallDocumentInline, ReviewCriterionInline]
    fieldsets = [
        (None, {"fields": ["edition", "title", "slug", "introduction"]}),
        (_("Who may apply"), {"fields": ["eu_countries", "partner_countries", "thematic_areas"]}),
        (_("Dates"), {"fields": ["opens_at", "closes_at", "time_zone"]}),
        (
            _("Eligibility"),
            {
                "fields": [
                    "min_population",
                    "max_population",
                    "one_application_per_city",
                    "alliances_allowed",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(application_total=Count("applications"))

    @admin.display(description=_("applications"), ordering="application_total")
    def application_count(self, obj):
        return obj.application_total

    @admin.display(description=_("review"))
    def review_link(self, obj):
        url = reverse("twinning:call_review", kwargs={"slug": obj.edition.slug, "call": obj.slug})
        return format_html('<a href="{}">{}</a>', url, _("Reviews and decisions"))


class ApplicationAnswerInline(RecordInline):
    model = ApplicationAnswer
    fields = ["question", "text"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question")


class ApplicationPartnerInline(RecordInline):
    model = ApplicationPartner
    fields = ["sector", "name", "role"]


class ApplicationDocumentInline(RecordInline):
    model = ApplicationDocument
    fields = ["required_document", "file", "original_name", "size", "uploaded_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("required_document")


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    """What a city filled in is read here, never changed: the city owns its application."""

    list_display = ["city", "call", "status", "submitted_at", "decision"]
    list_filter = [
        "call",
        "status",
        "decision",
        ("city__country", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["city", "call"]
    search_fields = ["city__name", "call__title", "goals"]
    date_hierarchy = "submitted_at"
    inlines = [ApplicationAnswerInline, ApplicationPartnerInline, ApplicationDocumentInline]
    readonly_fields = [
        "call",
        "city",
        "status",
        "thematic_areas",
        "topics",
        "goals",
        "experience",
        "delegation",
        "created_by",
        "created_at",
        "updated_at",
        "submitted_at",
        "submitted_by",
        "withdrawn_at",
        "withdrawal_reason",
        "decision",
        "decision_reason",
        "decided_by",
        "decided_at",
    ]

    def has_add_permission(self, request):
        return False


class CallInvitationForm(forms.ModelForm):
    """An invitation is sent by ``call_invitation_send``: its checks run here first, so that
    a refusal shows on the form next to the field it is about."""

    class Meta:
        model = CallInvitation
        fields = ["call", "city", "email"]

    def clean(self):
        cleaned = super().clean()
        call, city, email = cleaned.get("call"), cleaned.get("city"), cleaned.get("email")
        if call and city and email and not self.errors:
            try:
                call_invitation_check(call=call, city=city, email=email)
            except ValidationError as exc:
                errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.messages}
                for field, messages_ in errors.items():
                    self.add_error(field if field in self.fields else None, messages_)
        return cleaned


@admin.register(CallInvitation)
class CallInvitationAdmin(admin.ModelAdmin):
    """Staff invite a person to apply for a city that has no account yet: the invitation makes
    the account and sends the e-mail (``call_invitation_send``). Kept as a record afterwards."""

    form = CallInvitationForm
    list_display = ["city", "call", "user", "invited_at", "invited_by"]
    list_filter = ["call"]
    list_select_related = ["city", "call", "invited_by", "user"]
    search_fields = ["city__name", "email"]
    autocomplete_fields = ["call", "city"]
    fields = ["call", "city", "email"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        invitation = call_invitation_send(
            call=obj.call, city=obj.city, email=obj.email, by=request.user
        )
        obj.pk = invitation.pk


class ScoreInline(RecordInline):
    model = Score
    fields = ["criterion", "value", "comment"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("criterion")


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(admin.ModelAdmin):
    """The record of reviews. Reviewers are assigned on the call's review page (through
    ``review_assign``, which checks who may review), and they declare and score on theirs:
    here a review is read, or deleted if it was assigned by mistake."""

    list_display = ["application", "reviewer", "state", "conflict_of_interest", "assigned_at"]
    list_filter = ["state", "application__call"]
    list_select_related = ["application__city", "application__call", "reviewer"]
    search_fields = ["application__city__name", "reviewer__full_name"]
    autocomplete_fields = ["application", "reviewer"]
    inlines = [ScoreInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
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
admin.site.register(Call.history.model, HistoryAdmin)
admin.site.register(Application.history.model, HistoryAdmin)


@admin.register(MatchDecision)
class MatchDecisionAdmin(admin.ModelAdmin):
    """The pins and exclusions of the editions' matchmaking, made on its page (which checks
    that the cities take part and that a city is pinned once): listed and removable here."""

    list_display = ["edition", "eu_city", "partner_city", "kind", "decided_by", "decided_at"]
    list_filter = ["kind", "edition"]
    list_select_related = ["edition", "eu_city", "partner_city", "decided_by"]
    search_fields = ["eu_city__name", "partner_city__name", "edition__name"]
    date_hierarchy = "decided_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- Outcomes -----------------------------------------------------------------------------------
class OutcomeAdminForm(forms.ModelForm):
    """An evidence file uploaded here is checked as on the site."""

    class Meta:
        model = Outcome
        fields = [
            "pairing",
            "action",
            "city",
            "opportunity",
            "kind",
            "title",
            "description",
            "quantity",
            "amount",
            "currency",
            "funder",
            "achieved_on",
            "source",
            "evidence_url",
            "evidence_file",
        ]

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if isinstance(upload, UploadedFile):  # a new file, not the one already kept
            self.instance.evidence_content_type = validate_upload(
                upload, allowed=ATTACHMENT_EXTENSIONS, max_size=MAX_ATTACHMENT_SIZE
            )
            self.instance.evidence_name = (upload.name or "")[:255]
        return upload


@admin.action(description=_("Check the selected outcomes"))
def check_outcomes(modeladmin, request, queryset):
    checked, refused = 0, []
    for outcome in queryset.select_related("pairing__edition").prefetch_related("pairing__members"):
        try:
            outcome_check(outcome=outcome, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            refused.append(f"{outcome}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
        else:
            checked += 1
    if checked:
        modeladmin.message_user(
            request, _("%(count)d outcome(s) checked.") % {"count": checked}, messages.SUCCESS
        )
    for reason in refused:
        modeladmin.message_user(request, reason, messages.WARNING)


@admin.register(Outcome)
class OutcomeAdmin(VersionsMixin, ActionCheckboxMixin, SimpleHistoryAdmin):
    form = OutcomeAdminForm
    list_display = [
        "title",
        "kind",
        "pairing",
        "city",
        "quantity",
        "amount",
        "currency",
        "achieved_on",
        "checked_at",
    ]
    list_filter = [
        "kind",
        ("checked_at", admin.EmptyFieldListFilter),
        "pairing__edition",
        ("city__country", admin.RelatedOnlyFieldListFilter),
        "pairing__thematic_areas",
        "currency",
    ]
    list_select_related = ["pairing__eu_lead", "pairing__partner_lead", "city"]
    search_fields = [
        "title",
        "description",
        "source",
        "funder",
        "pairing__eu_lead__name",
        "pairing__partner_lead__name",
    ]
    autocomplete_fields = ["pairing", "action", "city", "opportunity"]
    readonly_fields = [
        "evidence_name",
        "evidence_content_type",
        "recorded_by",
        "recorded_at",
        "checked_by",
        "checked_at",
    ]
    date_hierarchy = "achieved_on"
    actions = [check_outcomes]

    def versions_of(self, obj) -> list[str]:
        return outcome_versions(obj.pairing_id)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


admin.site.register(Outcome.history.model, HistoryAdmin)
