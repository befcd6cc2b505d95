from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from worldcities.audit import HistoryAdmin
from worldcities.versions import everything_changed

from .forms import AdminUserCreationForm
from .models import User
from .services import account_email_register, people_changed, user_create


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    add_form = AdminUserCreationForm
    list_display = ["email", "full_name", "role", "city", "organisation", "is_active", "last_login"]
    list_filter = ["role", "is_active", "city__country"]
    list_select_related = ["city", "organisation"]
    search_fields = ["email", "full_name", "city__name", "organisation__name"]
    ordering = ["email"]
    autocomplete_fields = ["city", "organisation"]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ["groups", "user_permissions", "interests"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "organisation", "city", "language", "time_zone"]}),
        (
            _("Directory of people"),
            {"fields": ["in_directory", "show_email", "spoken_languages", "interests"]},
        ),
        (_("Role"), {"fields": ["role", "is_active", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "fields": [
                    "email",
                    "full_name",
                    "role",
                    "city",
                    "organisation",
                    "language",
                    "time_zone",
                ],
                "description": _("The new account holder receives an e-mail to set a password."),
            },
        )
    ]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            account_email_register(user=obj)
            people_changed()
            return
        created = user_create(
            email=obj.email,
            full_name=obj.full_name,
            role=obj.role,
            city=obj.city,
            organisation=obj.organisation,
            language=obj.language,
            time_zone=obj.time_zone,
        )
        obj.pk = created.pk
        obj._state.adding = False
        obj._state.db = created._state.db
        messages.info(request, _("An e-mail to set a password is on its way to %s.") % obj.email)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)  # their questions and registrations go with them
        everything_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        everything_changed()


admin.site.register(User.history.model, HistoryAdmin)
