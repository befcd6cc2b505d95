"""Pagination for long lists."""

from django.core.paginator import Paginator


class PageByKeysPaginator(Paginator):
    """A page of a long list in two queries: the keys of the page's rows first, in the list's
    order (a narrow query that joins only what the order needs), then those rows with
    everything they show. Otherwise the database joins the wide rows and computes every
    per-row column (a count subquery, a search headline) for all the rows before the page,
    not only for the rows shown. ``object_list`` must be a queryset whose order is total
    (ending in the key), so that reading the page's rows again keeps their order."""

    def _get_page(self, object_list, number, paginator):
        # ``object_list`` is the page's slice of the list: only its keys are read.
        keys = list(object_list.values_list("pk", flat=True))
        return super()._get_page(self.object_list.filter(pk__in=keys), number, paginator)
