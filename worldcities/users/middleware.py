import zoneinfo

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from worldcities import timezones


class UserPreferencesMiddleware:
    """Shows times in the viewer's zone: a logged-in person's from their profile, a visitor's
    from their cookie (``worldcities.timezones``); and pages in a logged-in person's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.effective_time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
            if user.language and not request.COOKIES.get("django_language"):
                translation.activate(user.language)
                request.LANGUAGE_CODE = translation.get_language()
        elif zone := timezones.visitor_zone(request):
            timezone.activate(zone)
        else:
            timezone.deactivate()
        return self.get_response(request)


class RequireTwoFactor:
    """People of the roles in ``TWO_FACTOR_REQUIRED_FOR`` (programme staff and coordinators)
    set up an authenticator app before anything else: every other page, the admin's included,
    leads them to its set-up. Once they have one, logging in asks for its code (allauth), and
    their session remembers that they have it (no query on every request)."""

    SESSION_KEY = "two_factor_set_up"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.role in settings.TWO_FACTOR_REQUIRED_FOR
            and not request.session.get(self.SESSION_KEY)
        ):
            if is_mfa_enabled(user, [Authenticator.Type.TOTP]):
                request.session[self.SESSION_KEY] = True
            elif not self._allowed(request.path):
                messages.info(
                    request,
                    _("Your role needs a second factor: set up an authenticator app to go on."),
                )
                setup = reverse("mfa_activate_totp")
                return redirect(f"{setup}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _allowed(path: str) -> bool:
        """The set-up itself (and confirming one's password for it), logging out, and what its
        pages load."""
        return path.startswith(
            (
                reverse("mfa_index"),
                reverse("account_reauthenticate"),
                reverse("account_logout"),
                settings.STATIC_URL,
                reverse("set_language"),
                reverse("language"),
            )
        )
