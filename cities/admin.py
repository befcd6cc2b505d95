from django.contrib import admin
from django.contrib.admin import helpers
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from worldcities import versions

from .models import (
    City,
    ContactMessage,
    Country,
    Opportunity,
    OpportunityResponse,
    Organisation,
    ThematicArea,
    Topic,
)


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


class VersionsMixin:
    """Admin writes move the versions (``worldcities.versions``) of what they change, as the
    services do: each admin using it defines ``versions_of(obj)``, which names them. A change
    moves those of the row as it was too (a city that left an alliance, an action moved to
    another pairing); a bulk delete moves those of every row it deletes."""

    def _bump(self, *objs) -> None:
        versions.bump(*sorted({name for obj in objs for name in self.versions_of(obj)}))

    def save_model(self, request, obj, form, change):
        before = self.model._default_manager.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        self._bump(*(row for row in (before, obj) if row is not None))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._bump(form.instance)

    def delete_model(self, request, obj):
        names = self.versions_of(obj)
        super().delete_model(request, obj)
        versions.bump(*names)

    def delete_queryset(self, request, queryset):
        names = sorted({name for obj in queryset for name in self.versions_of(obj)})
        super().delete_queryset(request, queryset)
        versions.bump(*names)


class CitiesVersionsMixin(VersionsMixin):
    """Countries, organisations, thematic areas and topics show wherever a city, a pairing or
    a practice does: any change of them moves ``cities``."""

    def versions_of(self, obj) -> list[str]:
        return ["cities"]


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
class CountryAdmin(VersionsMixin, admin.ModelAdmin):
    list_display = ["name", "code", "eu_joined", "eu_left", "eu_member_now"]
    list_filter = [EUMembershipFilter]
    search_fields = ["name", "code"]

    @admin.display(description=_("EU member now"), boolean=True)
    def eu_member_now(self, obj):
        return obj.is_eu_member

    def versions_of(self, obj) -> list[str]:
        """Its cities' pages show the country's name and EU membership."""
        return ["cities", *(f"city:{pk}" for pk in obj.cities.values_list("pk", flat=True))]


@admin.register(City)
class CityAdmin(VersionsMixin, admin.ModelAdmin):
    list_display = ["name", "country", "kind", "population", "latitude", "longitude", "time_zone"]
    list_filter = [CitySideFilter, "kind", ("country", admin.RelatedOnlyFieldListFilter)]
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

    def versions_of(self, obj) -> list[str]:
        """The city's page, the city list, and the pages of the cities that name it: its
        alliances, their members, the city it is part of and its districts."""
        related = set(
            City.objects.filter(Q(parent=obj) | Q(members=obj) | Q(alliances=obj))
            .values_list("pk", flat=True)
            .distinct()
        )
        if obj.parent_id:
            related.add(obj.parent_id)
        return ["cities", *(f"city:{pk}" for pk in sorted({obj.pk, *related}))]


@admin.register(Organisation)
class OrganisationAdmin(CitiesVersionsMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "sector", "city"]
    list_filter = ["kind", "sector", ("city__country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["city"]
    search_fields = ["name", "city__name"]
    autocomplete_fields = ["city"]


class TopicInline(admin.TabularInline):
    model = Topic
    prepopulated_fields = {"slug": ["name"]}
    extra = 1


@admin.register(ThematicArea)
class ThematicAreaAdmin(CitiesVersionsMixin, admin.ModelAdmin):
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
class TopicAdmin(CitiesVersionsMixin, admin.ModelAdmin):
    list_display = ["name", "area", "order"]
    list_filter = ["area"]
    list_select_related = ["area"]
    search_fields = ["name", "area__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["area"]


class OpportunityResponseInline(admin.TabularInline):
    model = OpportunityResponse
    extra = 0
    fields = ["responder", "organisation", "message", "created_at", "confirmed_at", "confirmed_by"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["responder", "organisation", "confirmed_by"]


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    """Programme staff correct or withdraw opportunities; posting is done on the site, where
    the matching people are told."""

    list_display = [
        "title",
        "direction",
        "kind",
        "organisation",
        "city",
        "valid_until",
        "matched_at",
    ]
    list_filter = ["direction", "kind", "organisation__sector", "areas"]
    list_select_related = ["organisation", "city"]
    search_fields = ["title", "organisation__name", "city__name"]
    autocomplete_fields = ["organisation", "city", "posted_by"]
    filter_horizontal = ["areas"]
    readonly_fields = ["published_at", "matched_at"]
    date_hierarchy = "published_at"
    inlines = [OpportunityResponseInline]
    actions = ["match_again"]

    @admin.action(description=_("Tell the matching people again (those not told yet)"))
    def match_again(self, request, queryset):
        count = queryset.update(matched_at=None)
        self.message_user(
            request,
            _("%(count)d opportunities will be matched by the next periodic run.")
            % {"count": count},
        )


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    """Messages sent through the directory, for programme staff to follow up abuse."""

    list_display = ["subject", "sender", "recipient", "share_email", "created_at"]
    list_select_related = ["sender", "recipient"]
    search_fields = ["subject", "sender__full_name", "recipient__full_name"]
    readonly_fields = ["sender", "recipient", "subject", "body", "share_email", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False
