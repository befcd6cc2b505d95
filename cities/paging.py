"""Pagination shared by the public lists."""

from django.core.paginator import Paginator

from worldcities.fragments import cached_parts, query_vary

PER_PAGE = 20


def filtered_list_parts(name: str, *, params, filterset_class, queryset, scopes) -> dict:
    """A public list's parts for the query string ``params``: its filter form (``filters``), a
    page of its rows with the page links (``results``) and their number (``count``), from the
    templates ``<app>/fragments/<name>_{filters,results,count}.html`` (``name`` is
    ``<app>:<name>``). Every reader gets the same list, so they are rendered once and kept
    until a row of ``scopes`` changes. The templates get ``filterset``, ``page`` and
    ``params``."""

    def context():
        filterset = filterset_class(params or None, queryset=queryset)
        return {"filterset": filterset, "page": paginate(params, filterset.qs), "params": params}

    app, list_name = name.split(":")
    return cached_parts(
        name,
        vary=query_vary(params),
        scopes=scopes,
        templates={
            part: f"{app}/fragments/{list_name}_{part}.html"
            for part in ("filters", "results", "count")
        },
        context=context,
    )


def paginate(params, queryset, per_page: int = PER_PAGE):
    """The page of ``queryset`` that the query string ``params`` asks for; a page number out
    of range gives the last page."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(params.get("page"))
