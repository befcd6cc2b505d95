"""Cursor pagination: a page is reached by an opaque ``cursor`` from the previous page's
``next`` link, stable while rows are added. ``page_size`` between 1 and ``MAX_PAGE_SIZE``;
any other value is a 400 that says so (never silently changed)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class Cursor(CursorPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_cursor_message = gettext_lazy(
        "The cursor is not one this API gave: follow the next link."
    )

    def get_ordering(self, request, queryset, view):
        """Each resource's own fixed order (its ``ordering``), which the cursor encodes."""
        ordering = getattr(view, "ordering", None) or self.ordering
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_PAGE_SIZE:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("A page holds 1 to %(max)s rows.") % {"max": MAX_PAGE_SIZE}
                    ]
                }
            )
        return int(value)

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["properties"]["next"]["description"] = _(
            "The address of the next page, or null on the last."
        )
        described["properties"]["previous"]["description"] = _(
            "The address of the previous page, or null on the first."
        )
        return described

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PAGE_SIZE,
                    "default": DEFAULT_PAGE_SIZE,
                }
        return parameters
