from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from worldcities import versions

from . import extensions
from .filters import CityFilterSet
from .paging import list_query, paginate
from .sections import city_sections
from .selectors import cities_public, city_detail_rows, city_for_page, city_list_rows


def _city_list_parts(query) -> dict:
    """The list's filter form, its page of cities and their count, as HTML rendered without
    the request (every reader gets the same list)."""
    filterset = CityFilterSet(query or None, queryset=cities_public())
    page = paginate(query, filterset.qs)
    context = {
        "filterset": filterset,
        "page": page,
        "cities": city_list_rows(page),
        "columns": list(extensions.columns.values()),
        "params": query,
    }
    return {
        part: render_to_string(f"cities/fragments/city_list_{part}.html", context)
        for part in ("filters", "results", "count")
    }


@versions.for_visitors
def city_list(request):
    query = list_query(request.GET, CityFilterSet.parameters())
    parts = versions.cached(
        "cities:list",
        depends_on=extensions.city_list_shows(),
        vary=[query.urlencode()],
        compute=lambda: _city_list_parts(query),
    )
    parts = {name: mark_safe(html) for name, html in parts.items()}
    if request.htmx and request.htmx.target == "city-results":
        return render(
            request, "includes/results_with_count.html", {"parts": parts, "count_id": "city-count"}
        )
    return render(request, "cities/city_list.html", {"parts": parts})


@versions.for_visitors
def city_detail(request, slug):
    city = city_for_page(slug)
    profile = versions.cached(
        "cities:profile",
        depends_on=[f"city:{city.pk}"],
        vary=[city.pk],
        # Read again once the versions are known: a change committed since the first read is
        # never kept under its new version.
        compute=lambda: render_to_string(
            "cities/fragments/city_profile.html", {"city": city_detail_rows(city_for_page(slug))}
        ),
    )
    return render(
        request,
        "cities/city_detail.html",
        {"city": city, "profile": mark_safe(profile), "sections": city_sections(request, city)},
    )
