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
