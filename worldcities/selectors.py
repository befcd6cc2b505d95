"""Reads that span the apps (the home page's figures)."""

from cities.models import City
from twinning.models import Pairing


def programme_figures() -> dict:
    """The headline counts: cities, countries, pairings, practices, upcoming meetings."""
    return {
        "cities": City.objects.exclude(kind=City.Kind.ALLIANCE).count(),
        "countries": City.objects.values("country").distinct().count(),
        "pairings": Pairing.objects.exclude(status=Pairing.Status.WITHDRAWN).count(),
        "practices": None,
        "upcoming_meetings": None,
    }
