from django.shortcuts import get_object_or_404, render

from .filters import CityFilterSet
from .paging import paginate
from .sections import city_sections
from .selectors import cities_public, city_for_detail


def city_list(request):
    filterset = CityFilterSet(request.GET or None, queryset=cities_public())
    page = paginate(request, filterset.qs)
    context = {"filterset": filterset, "page": page, "cities": page.object_list}
    if request.htmx and request.htmx.target == "city-results":
        return render(request, "cities/partials/city_results.html", context)
    return render(request, "cities/city_list.html", context)


def city_detail(request, slug):
    city = get_object_or_404(city_for_detail(), slug=slug)
    return render(
        request,
        "cities/city_detail.html",
        {
            "city": city,
            "sections": city_sections(request, city),
        },
    )
