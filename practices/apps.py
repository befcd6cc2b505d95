from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = _("Good practices")

    def ready(self):
        from . import permissions  # noqa: F401  (registers the rules)

        try:
            from cities.sections import register_city_section
        except ImportError:  # a city page without sections includes the partial itself
            return
        from .selectors import practices_for_city

        register_city_section(
            "practices",
            template="practices/includes/city_practices_section.html",
            context=lambda request, city: {
                "city_practices": practices_for_city(city, request.user)
            },
            order=10,
        )
