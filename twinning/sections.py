"""Sections that other apps add to the pairing page (the pairing's meetings, its practices) and
to the edition page (its meetings), the same way.

Register once from ``AppConfig.ready()``::

    from twinning.sections import register_pairing_section

    register_pairing_section(
        "meetings", template="meetings/partials/pairing_meetings.html",
        context=lambda request, pairing: {"meetings": meetings_of_pairing(pairing)},
        order=10,
    )

The template gets ``pairing``, ``request`` and the context's keys (also under ``section``).
The sections appear after the action plan, in order; keep their queries constant.
"""

from collections.abc import Callable

from cities.sections import PageSections

pairing_page = PageSections("pairing")


def register_pairing_section(
    key: str, *, template: str, context: Callable, order: int = 100, cached_on=None
):
    """``cached_on``: as for ``cities.sections.register_city_section``."""
    pairing_page.register(key, template=template, context=context, order=order, cached_on=cached_on)


def pairing_sections(request, pairing, *, also=()) -> tuple[list[dict], list]:
    """The pairing page's sections and the values of its own kept parts ``also``."""
    return pairing_page.render_with(request, pairing, also=also)


edition_page = PageSections("edition")
# As for the pairing page; the section template gets ``edition``.
register_edition_section = edition_page.register
edition_sections = edition_page.render


application_page = PageSections("application")
# The application page of a call (``templates/twinning/application_detail.html``): an app built
# on this one adds a part of the application it keeps (the practices attach the city's published
# practices). The template gets ``application``, ``request`` and the context's keys; the context
# callable decides with ``twinning.permissions`` whether the reader may change the part. Keep its
# queries constant.
register_application_section = application_page.register
application_sections = application_page.render
