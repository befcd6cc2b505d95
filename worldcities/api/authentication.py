"""Personal tokens: ``Authorization: Bearer <secret>``. A request without the header is a
visitor's; a header that is malformed, or names a token that is unknown, revoked or expired, is
refused with 401 and a message that says which."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from worldcities.users.models import ApiToken
from worldcities.users.services import api_token_used, looks_like_token, token_digest

KEYWORD = "Bearer"


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    """Authenticates as the token's owner; ``request.auth`` is the ``ApiToken``."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request)
        if not header:
            return None
        try:
            parts = header.decode("ascii").split()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(
                _("The Authorization header holds characters a token never has.")
            ) from None
        if not parts or parts[0].lower() != KEYWORD.lower():
            raise exceptions.AuthenticationFailed(
                _("Send the token as “Authorization: Bearer <token>”.")
            )
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("The Authorization header must hold “Bearer” and the token, nothing else.")
            )
        secret = parts[1]
        if not looks_like_token(secret):
            raise exceptions.AuthenticationFailed(
                _("This is not a token of this platform: tokens start with “wce_”.")
            )
        token = (
            ApiToken.objects.select_related("user__city")
            .filter(digest=token_digest(secret))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Unknown token."))
        if token.is_revoked:
            raise exceptions.AuthenticationFailed(_("This token was revoked."))
        if token.is_expired:
            raise exceptions.AuthenticationFailed(_("This token has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The account of this token is inactive."))
        api_token_used(token)
        return token.user, token

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the personal tokens."""

    target_class = PersonalTokenAuthentication
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _(
                    "A personal token made in your profile (read only): the API answers as you. "
                    "Without one, as to any visitor."
                )
            ),
        }
