"""Conditional GET for the API: every 200 answer to a GET has an ``ETag``; a request whose
``If-None-Match`` holds it gets ``304 Not Modified`` with no body.

For visitors, a resource names the versions of what it shows (``worldcities.versions``, moved
by the services that write): its ETag is a digest of those versions and the address, and its
``Last-Modified`` the time the newest of them moved. A repeated request is answered 304 from
the cache alone, before any query; ``If-Modified-Since`` works too. For someone with a token
(who may see drafts and their own rows, which no public version follows), the ETag is a digest
of the answer itself: the answer is built, but not sent again."""

import datetime
import hashlib

from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from rest_framework import status
from rest_framework.response import Response

from worldcities import versions


class NotModified(Exception):
    """Raised before the answer is built when the reader's copy is current."""

    def __init__(self, headers):
        self.headers = headers


def _digest(value) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:40]


def etag_matches(request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    return header.strip() == "*" or etag in [part.strip() for part in header.split(",")]


class ConditionalGetMixin:
    """For API views: set ``shows(self)`` to the version names of what the resource shows to
    visitors (or leave it None to use the digest of the answer)."""

    def shows(self) -> list[str] | None:
        return None

    def _version_validators(self, request):
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            return None
        names = self.shows()
        if names is None:
            return None
        names = [versions.EVERYTHING, *names]
        current = versions.current(names)
        etag = '"v-{}"'.format(
            _digest(
                (
                    versions.release(),
                    request.get_full_path(),
                    translation.get_language(),
                    current,
                )
            )
        )
        newest = max(current) / 1e9
        return etag, datetime.datetime.fromtimestamp(newest, datetime.UTC)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.validators = self._version_validators(request)
        if self.validators is None:
            return
        etag, last_modified = self.validators
        headers = {"ETag": etag, "Last-Modified": http_date(last_modified.timestamp())}
        if "If-None-Match" in request.headers:
            if etag_matches(request, etag):
                raise NotModified(headers)
            return
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        if since is not None and int(last_modified.timestamp()) <= since:
            raise NotModified(headers)

    def handle_exception(self, exc):
        if isinstance(exc, NotModified):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers=exc.headers)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Authorization", "Accept", "Accept-Language", "Cookie"))
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, no_cache=True)
        if request.method not in ("GET", "HEAD"):
            return response
        if response.status_code == status.HTTP_304_NOT_MODIFIED:
            return response
        if response.status_code != status.HTTP_200_OK:
            return response
        validators = getattr(self, "validators", None)
        if validators is not None:
            response["ETag"] = validators[0]
            response["Last-Modified"] = http_date(validators[1].timestamp())
            return response
        response.render()
        etag = f'"c-{_digest(response.content)}"'
        if etag_matches(request, etag):
            not_modified = Response(status=status.HTTP_304_NOT_MODIFIED)
            not_modified = super().finalize_response(request, not_modified, *args, **kwargs)
            not_modified["ETag"] = etag
            patch_cache_control(not_modified, private=True, no_cache=True)
            return not_modified
        response["ETag"] = etag
        return response
