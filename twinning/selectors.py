from django.db.models import Count, Q

from .models import Edition, Pairing


def editions_for_home():
    return (
        Edition.objects.prefetch_related("partner_countries")
        .annotate(
            pairing_count=Count("pairings", filter=~Q(pairings__status=Pairing.Status.WITHDRAWN))
        )
        .order_by("-start_date", "name")
    )
