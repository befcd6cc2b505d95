"""The read API's addresses (``/api/v1/``), its OpenAPI schema (``/api/schema/``) and its
documentation (``/api/docs/``): the composition root gathers each app's resources
(``<app>/api.py``, ``RESOURCES``) into one router."""

from collections import OrderedDict

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import routers
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from cities import api as cities_api
from meetings import api as meetings_api
from practices import api as practices_api
from twinning import api as twinning_api

RESOURCES = [
    *cities_api.RESOURCES,
    *twinning_api.RESOURCES,
    *practices_api.RESOURCES,
    *meetings_api.RESOURCES,
]

router = routers.SimpleRouter(use_regex_path=False)
for prefix, viewset, basename in RESOURCES:
    router.register(prefix, viewset, basename=basename)


class ApiRoot(APIView):
    """The API's entry point: a link to every resource, the schema and the documentation."""

    @extend_schema(
        summary=_("Entry point"),
        description=_("Links to every resource of the API, its schema and its documentation."),
        responses={
            200: {
                "type": "object",
                "additionalProperties": {"type": "string", "format": "uri"},
                "description": str(_("Each resource's name with the address of its list.")),
            }
        },
    )
    def get(self, request, format=None):
        links = OrderedDict(
            (prefix, reverse(f"api:{basename}-list", request=request))
            for prefix, _viewset, basename in RESOURCES
        )
        links["schema"] = reverse("api-schema", request=request)
        links["documentation"] = reverse("api-docs", request=request)
        return Response(links)


class ApiDocs(SpectacularSwaggerSplitView):
    """Swagger UI from the vendored assets; its start-up script is served from this address
    too (``?script``), never inline."""

    template_name = "api/swagger_ui.html"
    url_name = "api-schema"


urlpatterns = [
    path("v1/", ApiRoot.as_view(), name="api-root"),
    path("v1/", include((router.urls, "api"), namespace="api")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Under the site's own policy: the page's styles and scripts are files (no inline
    # <style> or <script>), Swagger UI sets its styles from script, which the policy allows.
    path("docs/", ApiDocs.as_view(), name="api-docs"),
]
