"""Filters: each resource reuses the FilterSet of its list page, so a filter has the same
name in the API as in the page's address. A parameter the resource does not know is a 400
that names it (a typo never returns the whole list as if it had filtered)."""

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
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
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs
