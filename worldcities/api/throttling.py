"""Rate limits: per token (or per logged-in person) and, for anonymous use, per client
address. Counted in the platform's cache (Redis in production); over the limit, 429 with
``Retry-After``."""

from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from worldcities.users.models import ApiToken


class VisitorRateThrottle(AnonRateThrottle):
    scope = "anonymous"


class TokenRateThrottle(SimpleRateThrottle):
    """Counts per token; a person using the API with their session counts as one token."""

    scope = "token"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}
