from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitiesConfig(AppConfig):
    name = "cities"
    verbose_name = _("Cities")

    def ready(self):
        from . import permissions  # noqa: F401  (registers the rules)
