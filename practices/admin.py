"""The admin for programme staff. Saves go through the services' derived data (rendered
body, search vector) and say what changed (``services.practice_changed``); the review
lifecycle stays on the platform's pages. Translations are written through the translation
services, as on the site."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from twinning.models import Action
from twinning.services import action_links_changed

from .models import (
    Attachment,
    Comment,
    Follow,
    KeyFigure,
    Practice,
    PracticeLink,
    PracticePartner,
    PracticeStatusChange,
    PracticeTranslation,
    PracticeVersion,
    Transfer,
)
from .permissions import can
from .rendering import render_markdown
from .services import (
    lists_showing,
    practice_changed,
    practice_index,
    practice_slug_new,
    practice_translation_check,
    practice_translation_delete,
    practice_translation_language_check,
    practice_translation_save,
    questions_changed,
)


def _changed(practices, listed_before=()) -> None:
    """The pages of ``practices`` move on, and the public lists if one of them is published
    (with the filtered lists it showed in before the change, ``listed_before``)."""
    for practice in practices:
        listed = practice.status == Practice.Status.PUBLISHED
        practice_changed(practice=practice, listed=listed, listed_before=listed_before)


class SideFilter(admin.SimpleListFilter):
    """The side a practice's city is on now (``models.side_expression``)."""

    title = _("side")
    parameter_name = "side"

    def lookups(self, request, model_admin):
        return Practice.Side.choices

    def queryset(self, request, queryset):
        if self.value() in Practice.Side.values:
            return queryset.with_side().filter(side=self.value())
        return queryset


class KeyFigureInline(admin.TabularInline):
    model = KeyFigure
    extra = 0


class PartnerInline(admin.TabularInline):
    model = PracticePartner
    extra = 0
    autocomplete_fields = ["organisation"]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["title", "original_name", "content_type", "size"]
    readonly_fields = ["original_name", "content_type", "size"]

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the practice form, which checks their content


class LinkInline(admin.TabularInline):
    model = PracticeLink
    extra = 0


class StatusChangeInline(admin.TabularInline):
    model = PracticeStatusChange
    extra = 0
    fields = ["changed_at", "from_status", "to_status", "changed_by", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    model = PracticeVersion
    extra = 0
    fields = ["number", "published_at", "published_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class TransferInline(admin.TabularInline):
    model = Transfer
    extra = 0
    fields = ["city", "status", "story", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class TranslationInline(admin.TabularInline):
    """Shown only: each translation is added, edited, checked and deleted in its own admin
    (``PracticeTranslationAdmin``, through the services), linked from here."""

    model = PracticeTranslation
    extra = 0
    fields = ["language", "title", "machine", "written_by", "checked_by", "checked_at"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["title", "city", "status", "published_at", "adoption_count", "is_demo"]
    list_filter = ["status", SideFilter, "is_demo", "thematic_areas", "language"]
    search_fields = ["title", "summary", "city__name"]
    list_select_related = ["city"]
    autocomplete_fields = ["city", "author"]
    filter_horizontal = ["thematic_areas", "topics", "actions"]
    readonly_fields = [
        "slug",
        "cover_image",
        "status",
        "review_comment",
        "adoption_count",
        "submitted_at",
        "published_at",
        "created_at",
        "updated_at",
    ]
    inlines = [
        KeyFigureInline,
        PartnerInline,
        AttachmentInline,
        LinkInline,
        TransferInline,
        TranslationInline,
        StatusChangeInline,
        VersionInline,
    ]

    def save_model(self, request, obj, form, change):
        if not obj.slug:
            obj.slug = practice_slug_new(obj.title)
        obj.body_html = render_markdown(obj.body)
        if change:  # the actions it answered until now, and its lists, if they change
            action_links_changed(actions=Action.objects.filter(practices=obj.pk))
            form.listed_before = lists_showing([obj.pk])
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        practice_index(practice=form.instance)
        _changed([form.instance], getattr(form, "listed_before", ()))

    def delete_model(self, request, obj):
        self.delete_queryset(request, Practice.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        # What the deleted practices were shown on, named while they still exist.
        deleted = [
            Practice(pk=pk, status=status) for pk, status in queryset.values_list("pk", "status")
        ]
        _changed(deleted)
        super().delete_queryset(request, queryset)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """A question shows on its practice's page only: that page moves on."""

    list_display = ["practice", "author", "kind", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["practice", "author"]
    raw_id_fields = ["practice", "author"]

    def _changed(self, comments) -> None:
        questions_changed(practice_ids={comment.practice_id for comment in comments})

    def save_model(self, request, obj, form, change):
        if change:  # a question moved to another practice leaves the first one too
            self._changed(Comment.objects.filter(pk=obj.pk).order_by().only("practice_id"))
        super().save_model(request, obj, form, change)
        self._changed([obj])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._changed([obj])

    def delete_queryset(self, request, queryset):
        comments = [
            Comment(practice_id=pk) for pk in queryset.values_list("practice_id", flat=True)
        ]
        super().delete_queryset(request, queryset)
        self._changed(comments)


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "practice", "thematic_area", "created_at"]
    list_select_related = ["user", "practice", "thematic_area"]
    raw_id_fields = ["user", "practice"]


class PracticeTranslationForm(forms.ModelForm):
    """The practice and language of a new translation are checked as on the platform's pages
    (an offered language, not the practice's own, one translation per language)."""

    class Meta:
        model = PracticeTranslation
        fields = ["practice", "language", "title", "summary", "body"]

    def clean(self):
        cleaned = super().clean()
        practice, language = cleaned.get("practice"), cleaned.get("language")
        if self.instance.pk is None and practice is not None and language:
            try:
                practice_translation_language_check(practice=practice, language=language)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(PracticeTranslation)
class PracticeTranslationAdmin(admin.ModelAdmin):
    """Programme staff add, correct, check and delete translations. Every write goes through
    the practices services, which reindex the practice and move its versions; an edit waits
    for a check again, as on the site."""

    form = PracticeTranslationForm
    list_display = ["title", "practice", "language", "machine", "checked_by", "updated_at"]
    list_filter = ["language", "machine", ("checked_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "practice__title"]
    list_select_related = ["practice", "checked_by"]
    autocomplete_fields = ["practice"]
    actions = ["mark_checked"]

    def has_module_permission(self, request):
        return can(request.user, "manage_translations")

    def has_view_permission(self, request, obj=None):
        return can(request.user, "manage_translations")

    def has_add_permission(self, request):
        return can(request.user, "manage_translations")

    def has_change_permission(self, request, obj=None):
        return can(request.user, "manage_translations")

    def has_delete_permission(self, request, obj=None):
        return can(request.user, "manage_translations")

    def get_readonly_fields(self, request, obj=None):
        written = ["machine", "written_by", "checked_by", "checked_at", "updated_at"]
        # A translation keeps its practice and language: another language is another row.
        return ["practice", "language", *written] if obj is not None else written

    def get_fields(self, request, obj=None):
        fields = ["practice", "language", "title", "summary", "body"]
        return [*fields, "machine", "written_by", "checked_by", "checked_at"] if obj else fields

    def save_model(self, request, obj, form, change):
        texts = {name: form.cleaned_data[name] for name in ("title", "summary", "body")}
        if change:
            practice_translation_save(
                practice=obj.practice, by=request.user, translation=obj, **texts
            )
        else:
            saved = practice_translation_save(
                practice=form.cleaned_data["practice"],
                by=request.user,
                language=form.cleaned_data["language"],
                **texts,
            )
            obj.pk = saved.pk

    def delete_model(self, request, obj):
        practice_translation_delete(translation=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for translation in queryset:
            practice_translation_delete(translation=translation, by=request.user)

    @admin.action(description=_("Mark as checked"))
    def mark_checked(self, request, queryset):
        count = 0
        for translation in queryset.filter(checked_at__isnull=True):
            practice_translation_check(translation=translation, by=request.user)
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
