"""Middleware of the platform as a whole (the apps' own live in their packages)."""

from urllib.parse import unquote

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import bad_request


class RefuseNulCharacters:
    """PostgreSQL can neither store nor compare a NUL character: a path or query string holding
    one (``%00``) is answered ``400 Bad Request`` before any view or admin filter passes it to
    a query. Form fields refuse it themselves (every ``CharField`` does), with a message. The
    read API (``/api/``) says it in JSON, as it says every error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "\x00" in unquote(query):
            if request.path.startswith("/api/"):
                message = _("The address holds a NUL character, which no value may hold.")
                return JsonResponse({"detail": message}, status=400)
            return bad_request(request, ValueError("NUL character in the address"))
        return self.get_response(request)
