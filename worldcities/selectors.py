"""Reads that span the apps: the home page's figures, the search across the site."""

from django.utils.translation import gettext as _

from cities.models import City
from cities.selectors import cities_matching
from meetings.selectors import in_reader_language as meetings_in_reader_language
from meetings.selectors import (
    meetings_matching,
    meetings_visible,
    upcoming_meetings,
    upcoming_meetings_count,
)
from practices.models import Practice
from practices.selectors import in_reader_language as practices_in_reader_language
from practices.selectors import practices_matching, published_practice_count
from twinning.impact import impact_columns, impact_of, impact_per, programme_mix
from twinning.models import Pairing
from twinning.selectors import pairings_matching
from worldcities.charts import bar_chart


def programme_figures() -> dict:
    """The headline counts: cities, countries, pairings, practices, upcoming meetings."""
    return {
        "cities": City.objects.exclude(kind=City.Kind.ALLIANCE).count(),
        "countries": City.objects.values("country").distinct().count(),
        "pairings": Pairing.objects.exclude(status=Pairing.Status.WITHDRAWN).count(),
        "practices": published_practice_count(),
        "upcoming_meetings": upcoming_meetings_count(),
    }


def programme_impact() -> dict:
    """What the checked outcomes of every pairing add up to, in all and per edition, country
    and thematic area, with the triple-helix mix of the pairings' organisations and the charts
    of jobs per country and of that mix: five queries, however many outcomes."""
    per_country = impact_per("country")
    mix = programme_mix()
    return {
        "impact": impact_of(),
        "impact_columns": impact_columns(),
        "per_edition": impact_per("edition"),
        "per_country": per_country,
        "per_area": impact_per("area"),
        "mix": mix,
        "jobs_chart": bar_chart(
            id="jobs-per-country",
            title=_("Jobs created per country"),
            rows=[(name, impact.jobs) for name, impact in per_country],
        ),
        "mix_chart": bar_chart(
            id="triple-helix-mix",
            title=_("Organisations of the pairings per sector"),
            rows=mix,
        ),
    }


def home_highlights(user) -> dict:
    """What is new: the next meetings and the latest published practices, each with its
    translation into the reader's language where it has one."""
    return {
        "next_meetings": meetings_in_reader_language(
            list(upcoming_meetings(meetings_visible(user)).order_by("starts_at", "pk")[:3])
        ),
        "latest_practices": practices_in_reader_language(
            list(
                Practice.objects.published()
                .select_related("city__country")
                .order_by("-published_at", "-pk")[:3]
            )
        ),
    }


# --- Search across the site ---------------------------------------------------------------------
# What the site search finds, in the order its groups are shown: (kind, its own list).
SEARCH_KINDS = (
    ("practices", "practices:list"),
    ("cities", "cities:list"),
    ("pairings", "twinning:pairing_list"),
    ("meetings", "meetings:list"),
)


def site_search(*, user, q: str, kinds, limit: int) -> list[dict]:
    """For each kind of ``kinds`` (in the order of ``SEARCH_KINDS``): how many of what
    ``user`` may see match ``q`` and the ``limit`` best. Each app searches its own rows
    (its selectors); two queries per kind, however many match."""
    finders = {
        "practices": lambda: practices_matching(user, q, limit=limit),
        "cities": lambda: cities_matching(q, limit=limit),
        "pairings": lambda: pairings_matching(q, limit=limit),
        "meetings": lambda: meetings_matching(user, q, limit=limit),
    }
    groups = []
    for kind, list_url in SEARCH_KINDS:
        if kind not in kinds:
            continue
        count, rows = finders[kind]()
        groups.append({"kind": kind, "list_url": list_url, "count": count, "rows": rows})
    return groups
