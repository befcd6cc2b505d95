from django.contrib import admin

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "format",
        "requested_by",
        "status",
        "progress",
        "created_at",
        "finished_at",
    ]
    list_filter = ["kind", "format", "status"]
    list_select_related = ["requested_by"]
    search_fields = ["title", "requested_by__email"]
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request):
        return False
