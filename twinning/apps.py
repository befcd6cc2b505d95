from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwinningConfig(AppConfig):
    name = "twinning"
    verbose_name = _("Pairings")

    def ready(self):
        from cities.extensions import register_city_column, register_city_filter
        from cities.sections import register_city_section

        from . import permissions  # noqa: F401  (registers the rules)
        from .filters import city_edition_filter, city_thematic_area_filter
        from .selectors import pairing_count_of_city, pairings_of_city

        register_city_section(
            "pairings",
            template="twinning/partials/city_pairings.html",
            context=lambda request, city: {"pairings": pairings_of_city(city)},
            order=0,
            cached_on=lambda request, city: (["pairings", "cities"], []),
        )
        register_city_column(
            "pairing_count",
            label=_("Pairings"),
            annotation=pairing_count_of_city,
            shows=["pairings"],
        )
        register_city_filter("thematic_area", make=city_thematic_area_filter, shows=["pairings"])
        register_city_filter("edition", make=city_edition_filter, shows=["pairings"])
        _register_timeline()


def _register_timeline():
    """The workspace timeline's own entries: discussions opened, actions added to the plan,
    progress notes (the meetings come from ``meetings``)."""
    from .models import Action, ActionProgressUpdate, Thread
    from .timeline import register_timeline_source

    register_timeline_source(
        "thread",
        entries=lambda pairing: Thread.objects.filter(pairing=pairing),
        at="created_at",
        load=lambda ids: Thread.objects.select_related("author", "pairing").in_bulk(ids),
        template="twinning/timeline/thread.html",
    )
    register_timeline_source(
        "action",
        entries=lambda pairing: Action.objects.filter(pairing=pairing),
        at="created_at",
        load=lambda ids: Action.objects.in_bulk(ids),
        template="twinning/timeline/action.html",
    )
    register_timeline_source(
        "progress",
        entries=lambda pairing: ActionProgressUpdate.objects.filter(action__pairing=pairing),
        at="created_at",
        load=lambda ids: ActionProgressUpdate.objects.select_related("action", "author").in_bulk(
            ids
        ),
        template="twinning/timeline/progress.html",
    )
