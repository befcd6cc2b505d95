from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def organisation_saved(sender, instance, created=False, **_kwargs) -> None:
    """An organisation is written by the ``cities`` app, which knows nothing of practices: its
    practices keep its sector on their own rows (``services.organisation_changed``)."""
    if not created:
        from .services import organisation_changed

        organisation_changed(organisation=instance)


def published_only_for_visitors(request, pairing):
    """Visitors see the published practices of a pairing alone: they share one copy of the
    section until the pairing's published practices move on (``services.listed_under``), not
    every publication's. People who log in may see drafts or submissions of their city or
    edition: theirs is read for them."""
    if request.user.is_authenticated:
        return None
    from .services import listed_under

    return [listed_under("pairing", pairing.pk), "cities"], []


def published_and_taken_up_for_visitors(request, city):
    """A city's section for visitors: its published practices (``services.listed_under``) and
    the published practices it took up, with how far it got (``services.taken_up``, which a
    change of one of those practices moves too)."""
    if request.user.is_authenticated:
        return None
    from .services import listed_under, taken_up

    return [listed_under("city", city.pk), "cities", taken_up(city.pk)], []


class PracticesConfig(AppConfig):
    name = "practices"
    verbose_name = _("Good practices")

    def ready(self):
        from cities.models import Organisation
        from cities.sections import register_city_section
        from twinning.links import register_action_link
        from twinning.matching import register_experience_source
        from twinning.sections import register_application_section, register_pairing_section
        from worldcities import machine_translation

        from . import permissions  # noqa: F401 (importing it registers the rules)
        from .selectors import (
            application_practices_section,
            experience_of_cities,
            practices_for_city,
            practices_for_links,
            practices_for_pairing,
        )
        from .services import MACHINE_KIND, practice_translation_draft_store

        # eTranslation answers later: the drafts it sends are stored by the practices' service.
        machine_translation.register(MACHINE_KIND, practice_translation_draft_store)

        post_save.connect(
            organisation_saved, sender=Organisation, dispatch_uid="practices-partner-sectors"
        )
        # Both sections show drafts to the delegates of their city and submissions to the
        # coordinators of their edition: they are read for each reader who logs in, in a fixed
        # number of queries (two and one); visitors share one copy. The city's also shows how
        # far the practices it took up got.
        register_city_section(
            "practices",
            template="practices/includes/city_practices_section.html",
            context=lambda request, city: {
                "city_practices": practices_for_city(city, request.user)
            },
            order=10,
            cached_on=published_and_taken_up_for_visitors,
        )
        register_pairing_section(
            "practices",
            template="practices/includes/pairing_practices.html",
            context=lambda request, pairing: {
                "pairing_practices": practices_for_pairing(pairing, request.user)
            },
            order=10,
            cached_on=published_only_for_visitors,
        )
        # The city's published practices, offered to attach to its application to a call.
        register_application_section(
            "practices",
            template="practices/includes/application_practices.html",
            context=application_practices_section,
            order=10,
        )
        # Matchmaking reads what each city has done from its published practices.
        register_experience_source("practices", experience_of_cities)
        register_action_link(
            "practices",
            label=_("Practices:"),
            relation="practices",
            queryset=practices_for_links,
            order=20,
        )
