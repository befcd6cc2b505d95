from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorldCitiesConfig(AppConfig):
    name = "worldcities"
    verbose_name = _("World Cities Exchange")
