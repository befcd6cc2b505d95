"""The audit trail: django-simple-history records every save of the models that carry
``history`` (who, when, what it became). Programme staff read it in the admin, one list per
kind of row, and from each row's "History" button."""

from django.contrib import admin


class HistoryAdmin(admin.ModelAdmin):
    """The recorded changes of one model, newest first: read, never written."""

    list_display = ["history_date", "history_type", "history_user", "__str__"]
    list_filter = ["history_type", "history_date"]
    list_select_related = ["history_user"]
    search_fields = ["history_user__full_name", "history_user__email", "history_change_reason"]
    date_hierarchy = "history_date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
