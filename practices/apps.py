from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = _("Good practices")

    def ready(self):
        from cities.sections import register_city_section
        from twinning.links import register_action_link
        from twinning.sections import register_pairing_section

        from . import permissions  # noqa: F401 (importing it registers the rules)
        from .caching import connect_invalidation
        from .models import Practice
        from .selectors import practices_for_city, practices_for_pairing

        connect_invalidation()

        register_city_section(
            "practices",
            template="practices/includes/city_practices_section.html",
            context=lambda request, city: {
                "city_practices": practices_for_city(city, request.user)
            },
            order=10,
        )
        register_pairing_section(
            "practices",
            template="practices/includes/pairing_practices.html",
            context=lambda request, pairing: {
                "pairing_practices": practices_for_pairing(pairing, request.user)
            },
            order=10,
        )
        register_action_link(
            "practices",
            label=_("Practices:"),
            relation="practices",
            queryset=lambda: Practice.objects.published().only("title", "slug"),
            order=20,
        )
