from django.shortcuts import get_object_or_404, render

from .models import Edition, Pairing


def pairing_list(request):
    pairings = Pairing.objects.select_related("edition", "eu_lead", "partner_lead")
    return render(request, "twinning/pairing_list.html", {"pairings": pairings})


def pairing_detail(request, slug):
    pairing = get_object_or_404(
        Pairing.objects.select_related("edition", "eu_lead", "partner_lead"), slug=slug
    )
    return render(request, "twinning/pairing_detail.html", {"pairing": pairing})


def edition_detail(request, slug):
    edition = get_object_or_404(Edition, slug=slug)
    return render(request, "twinning/edition_detail.html", {"edition": edition})
