from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from .models import Role, User


class AuthenticationBackend(AllauthBackend):
    """Logs in by e-mail (allauth), loads the user with their city (whose time zone every page
    needs) and their unread count (which the layout shows), and gives programme staff
    (DG REGIO) every model permission in the admin."""

    def get_user(self, user_id):
        # The layout shows the reader's unread count on every page: it comes with the user.
        from worldcities.notifications.selectors import unread_count_subquery

        user = (
            User._default_manager.select_related("city")
            .annotate(unread_notification_count=unread_count_subquery())
            .filter(pk=user_id)
            .order_by()
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def _is_programme_staff(user) -> bool:
        return bool(user.is_active and getattr(user, "role", None) == Role.PROGRAMME_STAFF)

    def has_perm(self, user, perm, obj=None) -> bool:
        if obj is None and self._is_programme_staff(user):
            return True
        return super().has_perm(user, perm, obj)

    def has_module_perms(self, user, app_label) -> bool:
        return self._is_programme_staff(user) or super().has_module_perms(user, app_label)
