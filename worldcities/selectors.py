"""Reads that span the apps (the home page's figures)."""

from cities.models import City
from meetings.selectors import meetings_visible, upcoming_meetings, upcoming_meetings_count
from practices.models import Practice
from twinning.models import Pairing


def programme_figures() -> dict:
    """The headline counts: cities, countries, pairings, practices, upcoming meetings."""
    return {
        "cities": City.objects.exclude(kind=City.Kind.ALLIANCE).count(),
        "countries": City.objects.values("country").distinct().count(),
        "pairings": Pairing.objects.exclude(status=Pairing.Status.WITHDRAWN).count(),
        "practices": Practice.objects.published().count(),
        "upcoming_meetings": upcoming_meetings_count(),
    }


def home_highlights(user) -> dict:
    """What is new: the next meetings and the latest published practices."""
    return {
        "next_meetings": list(
            upcoming_meetings(meetings_visible(user)).order_by("starts_at", "pk")[:3]
        ),
        "latest_practices": list(
            Practice.objects.published()
            .select_related("city__country")
            .order_by("-published_at", "-pk")[:3]
        ),
    }
