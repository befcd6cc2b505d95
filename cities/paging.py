"""Pagination shared by the public lists."""

from django.core.paginator import Paginator

PER_PAGE = 20


def paginate(params, queryset, per_page: int = PER_PAGE):
    """The page of ``queryset`` that the query string ``params`` asks for; a page number out
    of range gives the last page."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(params.get("page"))
