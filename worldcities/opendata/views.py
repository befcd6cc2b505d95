"""The open-data pages: the list of bulk downloads, the fields they hold, the files and the
DCAT-AP catalogue. Everything here is public: the files hold only what a visitor may see."""

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from worldcities.downloads import file_download

from . import selectors
from .catalog import catalog as catalog_document
from .resources import BY_NAME, RESOURCES
from .services import FORMATS, download_path


@require_safe
def index(request):
    context = {
        "datasets": selectors.datasets(),
        "catalog_url": request.build_absolute_uri(reverse("opendata:catalog")),
    }
    return render(request, "opendata/index.html", context)


@require_safe
def fields(request):
    return render(
        request,
        "opendata/fields.html",
        {"resources": RESOURCES, "index_url": reverse("opendata:index")},
    )


@require_safe
def download(request, resource: str, fmt: str):
    if resource not in BY_NAME or fmt not in FORMATS:
        raise Http404
    content_type = FORMATS[fmt] + "; charset=utf-8"
    return file_download(
        download_path(resource, fmt),
        filename=f"{resource}.{fmt}",
        content_type=content_type,
        public=True,
    )


@require_safe
def catalog(request):
    response = JsonResponse(
        catalog_document(selectors.downloads()),
        content_type="application/ld+json",
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response
