"""Pagination and query strings shared by the public lists."""

from django.core.paginator import Paginator
from django.http import QueryDict

PER_PAGE = 20


def list_query(params, names) -> QueryDict:
    """The query string ``params`` as a list reads it: for each parameter of ``names`` and
    ``page``, its last value (where a filter reads one value, it reads the last) unless it is
    empty, in the order of ``names``. Addresses that ask for the same list get the same query
    string, hence the same page links and the same cached copy."""
    query = QueryDict(mutable=True)
    for name in [*names, "page"]:
        values = params.getlist(name)
        if values and values[-1] != "":
            query[name] = values[-1]
    return query


def paginate(params, queryset, per_page: int = PER_PAGE):
    """The page of ``queryset`` that the query string ``params`` asks for; a page number out
    of range gives the last page."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(params.get("page"))
