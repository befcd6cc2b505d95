"""Filters: each resource reuses the FilterSet of its list page, so a filter has the same
name in the API as in the page's address. A parameter the resource does not know is a 400
that names it (a typo never returns the whole list as if it had filtered)."""

import copy

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.drainage import set_override
from rest_framework.exceptions import ValidationError

# Parameters every list reads besides its filters.
PAGING = ("cursor", "page_size")


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        known = set(PAGING)
        filterset = self.get_filterset(request, queryset, view)
        if filterset is not None:
            known.update(filterset.filters)
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise ValidationError(
                {
                    name: [
                        _("Unknown parameter. This list reads: %(known)s.")
                        % {"known": ", ".join(sorted(known))}
                    ]
                    for name in unknown
                }
            )
        if filterset is None:
            return queryset
        # Only the filters the query string names are validated and applied: an absent one
        # filters nothing (each list's filters hold to that), and building its form field,
        # and for a multiple choice an empty queryset to test, cost more than the filtering.
        filterset.filters = {
            name: filter_
            for name, filter_ in filterset.filters.items()
            if name in request.query_params
        }
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs


def described(filterset_class, **parameters):
    """A subclass of ``filterset_class`` (a list page's FilterSet) whose filters the OpenAPI
    schema describes as given: ``name=(schema type, description)``, e.g.
    ``area=("string", _("A thematic area's slug."))``. A filter that reads several values
    (``?area=a&area=b``) is described as a list of them."""
    # Copies, declared on the subclass: the list page's own filters stay as they are.
    declared = {}
    for name, (kind, description) in parameters.items():
        declared[name] = copy.deepcopy(filterset_class.base_filters[name])
        set_override(declared[name], "field", {"type": kind, "description": str(description)})
    return type(filterset_class.__name__, (filterset_class,), {**declared, "__module__": __name__})
