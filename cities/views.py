from django.shortcuts import render

from worldcities.fragments import cache_page_for_visitors, cached_html

from .sections import city_sections
from .selectors import city_detail_rows, city_for_page, city_list_parts

# A city page shows the city, its pairings, practices and meetings.
CITY_PAGE_SCOPES = ("cities", "twinning", "practices", "meetings")


@cache_page_for_visitors(scopes=CITY_PAGE_SCOPES)
def city_list(request):
    parts = city_list_parts(params=request.GET)
    if request.htmx and request.htmx.target == "city-results":
        return render(
            request, "includes/results_with_count.html", {"parts": parts, "count_id": "city-count"}
        )
    return render(request, "cities/city_list.html", {"parts": parts})


@cache_page_for_visitors(scopes=CITY_PAGE_SCOPES)
def city_detail(request, slug):
    city = city_for_page(slug)
    profile = cached_html(
        "cities:profile",
        vary=[city.pk],
        scopes=["cities"],
        template="cities/fragments/city_profile.html",
        context=lambda: {"city": city_detail_rows(city)},
    )
    return render(
        request,
        "cities/city_detail.html",
        {"city": city, "profile": profile, "sections": city_sections(request, city)},
    )
