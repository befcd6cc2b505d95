from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import EmailMessage, Notification, NotificationPreference
from .services import email_retry


@admin.register(EmailMessage)
class EmailMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "kind", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject", "key"]
    readonly_fields = [f.name for f in EmailMessage._meta.fields]
    actions = ["retry"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the selected failed or uncertain e-mails again"))
    def retry(self, request, queryset):
        count = email_retry(messages=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail is queued again.", "%(count)d e-mails are queued again.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "delivery", "created_at", "read_at"]
    list_filter = ["kind", "delivery"]
    list_select_related = ["recipient"]
    search_fields = ["title", "recipient__email"]
    raw_id_fields = ["recipient", "email"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "delivery"]
    list_filter = ["kind", "delivery"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
