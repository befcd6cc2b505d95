from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def organisation_saved(sender, instance, created=False, **_kwargs) -> None:
    """An organisation is written by the ``cities`` app, which knows nothing of practices: its
    practices keep its sector on their own rows (``services.organisation_changed``)."""
    if not created:
        from .services import organisation_changed

        organisation_changed(organisation=instance)


def unpublished_shown_to(request, **section) -> list[tuple[int, str]]:
    """``selectors.unpublished_shown`` for the reader of this request, asked once per request
    and section (``city=`` or ``pairing=``): what the section is kept under and what it then
    shows come from the same answer, so a copy never shows a reader more than its key says."""
    from .selectors import unpublished_shown

    asked = request.__dict__.setdefault("practices_unpublished_shown", {})
    ((kind, obj),) = section.items()
    if (kind, obj.pk) not in asked:
        asked[kind, obj.pk] = unpublished_shown(request.user, **section)
    return asked[kind, obj.pk]


def kept_with(names: list[str], unpublished) -> tuple[list[str], list]:
    """A section's ``cached_on``: the names of its published practices, and for each
    practice the reader sees beyond those its own name, its id and its status. Readers who see
    only the published ones (visitors, most people who log in) share one copy; the others
    share theirs with whoever sees the same drafts and submissions."""
    from .services import practice_name

    if not unpublished:
        return names, []
    listing = ",".join(f"{pk}:{status}" for pk, status in unpublished)
    return [*names, *(practice_name(pk) for pk, _status in unpublished)], [listing]


def pairing_section_kept_on(request, pairing):
    """A pairing's section: its published practices (``services.listed_under``), not every
    publication's, and what the reader sees beyond them."""
    from .services import listed_under

    names = [listed_under("pairing", pairing.pk), "cities"]
    return kept_with(names, unpublished_shown_to(request, pairing=pairing))


def city_section_kept_on(request, city):
    """A city's section: its published practices (``services.listed_under``), the published
    practices it took up, with how far it got (``services.taken_up``, which a change of one of
    those practices moves too), and what the reader sees beyond them."""
    from .services import listed_under, taken_up

    names = [listed_under("city", city.pk), "cities", taken_up(city.pk)]
    return kept_with(names, unpublished_shown_to(request, city=city))


def _ids(unpublished) -> list[int]:
    return [pk for pk, _status in unpublished]


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
        # coordinators of their edition: one query finds those a reader sees, and readers who
        # see the same share a copy. The city's also shows how far the practices it took up got.
        register_city_section(
            "practices",
            template="practices/includes/city_practices_section.html",
            context=lambda request, city: {
                "city_practices": practices_for_city(
                    city, _ids(unpublished_shown_to(request, city=city))
                )
            },
            order=10,
            cached_on=city_section_kept_on,
        )
        register_pairing_section(
            "practices",
            template="practices/includes/pairing_practices.html",
            context=lambda request, pairing: {
                "pairing_practices": practices_for_pairing(
                    pairing, _ids(unpublished_shown_to(request, pairing=pairing))
                )
            },
            order=10,
            cached_on=pairing_section_kept_on,
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
