"""Pagination shared by the public lists."""

from django.core.paginator import Paginator

PER_PAGE = 20


def paginate(request, queryset, per_page: int = PER_PAGE):
    """The requested page of ``queryset``; a page number out of range gives the last page."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))
