from .models import Role


class ProgrammeStaffBackend:
    """Programme staff (DG REGIO) may do everything in the admin: every model permission."""

    def authenticate(self, request, **credentials):
        return None

    def _is_programme_staff(self, user) -> bool:
        return bool(user.is_active and getattr(user, "role", None) == Role.PROGRAMME_STAFF)

    def has_perm(self, user, perm, obj=None) -> bool:
        return obj is None and self._is_programme_staff(user)

    def has_module_perms(self, user, app_label) -> bool:
        return self._is_programme_staff(user)
