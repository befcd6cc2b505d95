from django.contrib import admin

from .models import DraftRequest


@admin.register(DraftRequest)
class DraftRequestAdmin(admin.ModelAdmin):
    """What machine translation was asked and how it ended: read only (the callbacks write)."""

    list_display = ["__str__", "status", "requested_by", "created_at", "finished_at"]
    list_filter = ["status", "kind", "target"]
    list_select_related = ["requested_by"]
    readonly_fields = [
        "kind",
        "object_id",
        "source",
        "target",
        "requested_by",
        "parts",
        "request_ids",
        "arrived",
        "status",
        "error",
        "created_at",
        "finished_at",
    ]
    exclude = ["texts"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
