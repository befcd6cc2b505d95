from django.shortcuts import get_object_or_404, render

from .models import City


def city_list(request):
    cities = City.objects.select_related("country").order_by("name")
    return render(request, "cities/city_list.html", {"cities": cities})


def city_detail(request, slug):
    city = get_object_or_404(City.objects.select_related("country"), slug=slug)
    return render(request, "cities/city_detail.html", {"city": city})
