from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwinningConfig(AppConfig):
    name = "twinning"
    verbose_name = _("Pairings")

    def ready(self):
        from cities.sections import register_city_section

        from . import permissions  # noqa: F401  (registers the rules)
        from .selectors import pairings_of_city

        register_city_section(
            "pairings",
            template="twinning/partials/city_pairings.html",
            context=lambda request, city: {"pairings": pairings_of_city(city)},
            order=0,
        )
