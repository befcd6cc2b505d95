from django.contrib import admin

from .models import City, Country, Organisation, ThematicArea, Topic


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "eu_joined", "eu_left"]
    search_fields = ["name", "code"]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "kind", "population", "time_zone"]
    list_filter = ["kind", "country"]
    list_select_related = ["country"]
    search_fields = ["name", "country__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country", "parent", "members"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "sector", "city"]
    list_filter = ["kind", "sector"]
    list_select_related = ["city"]
    search_fields = ["name", "city__name"]
    autocomplete_fields = ["city"]


class TopicInline(admin.TabularInline):
    model = Topic
    prepopulated_fields = {"slug": ["name"]}
    extra = 1


@admin.register(ThematicArea)
class ThematicAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TopicInline]
