"""Sections that other apps add to a page of this app or of the apps built on it: the city page
(its pairings, practices and meetings) and, through ``twinning.sections``, the pairing page.

An app registers a section once, from its ``AppConfig.ready()``::

    from cities.sections import register_city_section

    register_city_section(
        "practices", template="practices/partials/city_practices.html",
        context=lambda request, city: {"practices": practices_of_city(city)},
        order=10,
    )

The city page renders every registered section, in order, inside its ``city_sections`` block.
The section template gets ``city``, ``request`` and its context's keys, both at the top level
and under ``section`` (``practices`` and ``section.practices`` alike).
A section's ``context`` callable must keep a constant number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    context: Callable
    order: int = 100


class PageSections:
    """The sections registered for one kind of page; ``name`` is the page object's name in
    the section templates (``city``, ``pairing``)."""

    def __init__(self, name: str):
        self.name = name
        self._sections: dict[str, Section] = {}

    def register(self, key: str, *, template: str, context: Callable, order: int = 100):
        self._sections[key] = Section(key=key, template=template, context=context, order=order)

    def render(self, request, obj) -> list[dict]:
        """Each registered section rendered with its context, in order."""
        rendered = []
        for section in sorted(self._sections.values(), key=lambda s: (s.order, s.key)):
            context = dict(section.context(request, obj))
            html = render_to_string(
                section.template, {**context, "section": context, self.name: obj}, request=request
            )
            rendered.append({"key": section.key, "html": html})
        return rendered


city_page = PageSections("city")


def register_city_section(key: str, *, template: str, context: Callable, order: int = 100):
    city_page.register(key, template=template, context=context, order=order)


def city_sections(request, city) -> list[dict]:
    return city_page.render(request, city)
