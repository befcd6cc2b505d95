from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import get_fields_from_path
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from worldcities.fragments import cached_object

from .models import City, Country, Organisation, ThematicArea, Topic


class AccessibleAutocompleteMixin:
    """Names the autocomplete widgets after their labels, for screen readers."""

    class Media:
        js = ["js/pairings-admin.js"]


class ActionCheckboxMixin:
    """The changelist's selection checkbox, the same HTML as Django's, written directly: the
    admin renders a form widget template for it on every row, most of a long list's time."""

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )


class CachedRelatedOnlyFilter(admin.RelatedOnlyFieldListFilter):
    """Choices among the related rows in use (e.g. the countries of the pairings' lead
    cities), kept in the cache until a row of an app on the filter's path changes: finding
    them reads every row of the list. For lists whose rows every staff member sees alike."""

    def field_choices(self, field, request, model_admin):
        model = model_admin.model
        fields = get_fields_from_path(model, self.field_path)
        scopes = sorted(
            {model._meta.app_label}
            | {f.model._meta.app_label for f in fields}
            | {f.related_model._meta.app_label for f in fields if f.related_model}
        )
        return cached_object(
            "admin:related-only",
            vary=[model._meta.label_lower, self.field_path],
            scopes=scopes,
            load=lambda: list(
                super(CachedRelatedOnlyFilter, self).field_choices(field, request, model_admin)
            ),
        )


class EUMembershipFilter(admin.SimpleListFilter):
    title = _("EU membership")
    parameter_name = "eu"

    def lookups(self, request, model_admin):
        return [
            ("member", _("EU member state now")),
            ("former", _("Former EU member")),
            ("partner", _("Never an EU member (partner country)")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "member":
            return queryset.filter(
                Q(eu_joined__lte=today), Q(eu_left__isnull=True) | Q(eu_left__gte=today)
            )
        if self.value() == "former":
            return queryset.filter(eu_left__lt=today)
        if self.value() == "partner":
            return queryset.filter(eu_joined__isnull=True)
        return queryset


class CitySideFilter(admin.SimpleListFilter):
    """A city's side: EU (its country is or was a member) or partner."""

    title = _("side")
    parameter_name = "side"

    def lookups(self, request, model_admin):
        return [("eu", _("EU")), ("partner", _("Partner"))]

    def queryset(self, request, queryset):
        if self.value() == "eu":
            return queryset.filter(country__eu_joined__isnull=False)
        if self.value() == "partner":
            return queryset.filter(country__eu_joined__isnull=True)
        return queryset


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "eu_joined", "eu_left", "eu_member_now"]
    list_filter = [EUMembershipFilter]
    search_fields = ["name", "code"]

    @admin.display(description=_("EU member now"), boolean=True)
    def eu_member_now(self, obj):
        return obj.is_eu_member


@admin.register(City)
class CityAdmin(AccessibleAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "country", "kind", "population", "latitude", "longitude", "time_zone"]
    list_filter = [CitySideFilter, "kind", ("country", CachedRelatedOnlyFilter)]
    list_select_related = ["country"]
    search_fields = ["name", "country__name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country", "parent", "members"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "country", "kind"]}),
        (_("Place"), {"fields": ["latitude", "longitude", "time_zone", "population"]}),
        (_("Districts and alliances"), {"fields": ["parent", "members"]}),
        (_("Profile"), {"fields": ["website", "profile"]}),
    ]


@admin.register(Organisation)
class OrganisationAdmin(AccessibleAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "sector", "city"]
    list_filter = ["kind", "sector", ("city__country", CachedRelatedOnlyFilter)]
    list_select_related = ["city"]
    search_fields = ["name", "city__name"]
    autocomplete_fields = ["city"]


class TopicInline(admin.TabularInline):
    model = Topic
    prepopulated_fields = {"slug": ["name"]}
    extra = 1


@admin.register(ThematicArea)
class ThematicAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "topic_list"]
    search_fields = ["name", "topics__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TopicInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("topics")

    @admin.display(description=_("topics"))
    def topic_list(self, obj):
        return ", ".join(topic.name for topic in obj.topics.all())


@admin.register(Topic)
class TopicAdmin(AccessibleAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "area", "order"]
    list_filter = ["area"]
    list_select_related = ["area"]
    search_fields = ["name", "area__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["area"]
