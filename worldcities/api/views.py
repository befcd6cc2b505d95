"""The base of every resource of the read API."""

from django.utils.translation import gettext as _
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError

from .conditional import ConditionalGetMixin


class ReadOnlyResource(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """A list (filtered, cursor-paginated) and its items, read only. A single item reads no
    query string."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action == "retrieve" and request.query_params:
            raise ValidationError(
                {
                    name: [_("Unknown parameter: a single resource reads none.")]
                    for name in request.query_params
                }
            )
