"""Pagination for long lists."""

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import CharField, TextField


def plain_order(query) -> list[tuple[str, bool]] | None:
    """The order of ``query`` as (field or annotation name, descending) pairs, or None when it
    holds an expression or is random."""
    order = []
    for item in query.order_by:
        if not isinstance(item, str) or item == "?":
            return None
        order.append((item.lstrip("-"), item.startswith("-")))
    return order


class PageByKeysPaginator(Paginator):
    """A page of a long list in two queries: the keys of the page's rows first, in the list's
    order (a narrow query that joins only what the order needs), then those rows with
    everything they show. Otherwise the database joins the wide rows and computes every
    per-row column (a count subquery, a search headline) for all the rows before the page,
    not only for the rows shown. ``object_list`` must be a queryset whose order is total
    (ending in the key), so that reading the page's rows again keeps their order.

    When few rows match (``few``) and the list is ordered by numbers or dates, the keys of
    all of them are read with what they are ordered by, without any order, and put in order
    here. Asked for the first keys in the list's order instead, the database may walk an
    index in that order and test the filters row by row through nearly all of it, the more
    so the rarer the matches (what it does best for a long list). A list whose order an index
    follows (its filter's column, then the order's) asks the database for any page's keys:
    give it ``few=0``."""

    few = 1000
    # (page number, its keys) when they were read with something else (the facet counts).
    known_keys = None

    def __init__(self, object_list, per_page, *args, few: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        if few is not None:
            self.few = few

    def page(self, number):
        number = self.validate_number(number)
        low = (number - 1) * self.per_page
        high = low + self.per_page
        if high + self.orphans >= self.count:
            high = self.count
        keys = None
        if self.known_keys and self.known_keys[0] == number:
            keys = self.known_keys[1]
        elif self.count <= self.few:
            keys = self._keys_ordered_here(low, high)
        if keys is None:
            keys = list(self.object_list[low:high].values_list("pk", flat=True))
        return Page(self.object_list.filter(pk__in=keys), number, self)

    def _keys_ordered_here(self, low, high):
        """The keys of rows ``low`` to ``high`` in the list's order, or None if that order
        cannot be followed here (text collates differently in the database, expressions)."""
        query = self.object_list.query
        order = plain_order(query)
        if not order:
            return None
        probe = query.clone()  # resolving a related name sets up joins: not on the list's query
        for name, _descending in order:
            if isinstance(probe.resolve_ref(name).output_field, CharField | TextField):
                return None
        columns = [name for name, _descending in order if name != "pk"]
        rows = list(self.object_list.order_by().values_list("pk", *columns))
        # One stable sort per column, the last first, with NULL where the database puts it
        # (PostgreSQL: above every value).
        nulls_largest = connections[self.object_list.db].features.nulls_order_largest
        for name, descending in reversed(order):
            c = 0 if name == "pk" else 1 + columns.index(name)
            rows.sort(
                key=lambda row, c=c: (
                    (row[c] is None) == nulls_largest,
                    0 if row[c] is None else row[c],
                ),
                reverse=descending,
            )
        return [row[0] for row in rows[low:high]]


def in_batches(queryset, size: int):
    """The rows of ``queryset`` in primary-key order, ``size`` at a time: one query (and its
    prefetches) per batch, each starting after the last key of the one before."""
    last = None
    while True:
        rows = queryset if last is None else queryset.filter(pk__gt=last)
        batch = list(rows.order_by("pk")[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk
