"""The platform's URLs plus the ceiling view; used only by ``worldcities.settings.bench``."""

from django.http import HttpResponse
from django.urls import path

from worldcities.urls import urlpatterns as platform_urlpatterns


def ceiling(request):
    """The least a page can cost: the full middleware stack and a tiny response."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/ceiling/", ceiling, name="bench_ceiling"), *platform_urlpatterns]
