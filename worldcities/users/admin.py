from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from worldcities.audit import HistoryAdmin
from worldcities.versions import everything_changed

from .forms import AdminUserCreationForm
from .models import ApiToken, User
from .services import account_email_register, api_tokens_revoke, people_changed, user_create


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


# --- Personal API tokens ------------------------------------------------------------------------
class TokenStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("usable", _("Usable")),
            ("expired", _("Expired")),
            ("revoked", _("Revoked")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "usable":
            return queryset.usable()
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.action(
    description=_("Revoke the selected tokens (the API refuses them at once)"),
    permissions=["revoke"],
)
def revoke_tokens(modeladmin, request, queryset):
    reason = str(_("Revoked in the administration"))
    revoked = api_tokens_revoke(tokens=queryset, by=request.user, reason=reason)
    for token in revoked:
        modeladmin.log_change(request, token, reason)
    left = queryset.count() - len(revoked)
    if revoked:
        modeladmin.message_user(
            request,
            _("%(count)d token(s) revoked: %(names)s.")
            % {"count": len(revoked), "names": ", ".join(str(token) for token in revoked)},
            messages.SUCCESS,
        )
    if left:
        modeladmin.message_user(
            request,
            _("%(count)d of the selected token(s) had already been revoked.") % {"count": left},
            messages.WARNING,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    """Programme staff see every person's tokens and may revoke them. Only the owner makes a
    token (in their profile); neither the secret nor its digest is ever shown here."""

    list_display = ["name", "user", "owner_email", "prefix", "created_at", "last_used_at", "state"]
    list_filter = [TokenStateFilter, "user__role", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__full_name", "user__email"]
    date_hierarchy = "created_at"
    fields = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = [revoke_tokens]

    @admin.display(description=_("e-mail address"), ordering="user__email")
    def owner_email(self, obj):
        return obj.user.email

    @admin.display(description=_("state"))
    def state(self, obj):
        def day(value):
            return date_format(timezone.localtime(value), "DATE_FORMAT")

        if obj.revoked_at:
            return _("Revoked on %(date)s") % {"date": day(obj.revoked_at)}
        if obj.is_expired:
            return _("Expired on %(date)s") % {"date": day(obj.expires_at)}
        if obj.expires_at:
            return _("Usable until %(date)s") % {"date": day(obj.expires_at)}
        return _("Usable, no expiry")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A revoked token stays, with its history: it is revoked, never deleted.
        return False

    def has_revoke_permission(self, request):
        return request.user.has_perm("users.revoke_any_api_token")


admin.site.register(ApiToken.history.model, HistoryAdmin)
