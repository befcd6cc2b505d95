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

A section that passes ``cached_on(request, obj)`` is cached: it returns the version names the
section shows (``worldcities.versions``) and what else it varies on for this reader, e.g.
``(["practices:published"], [visibility])``, or None to render it for this reader alone. Its
context is computed and its template rendered only when those versions moved on.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from worldcities import versions


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    context: Callable
    order: int = 100
    cached_on: Callable | None = None


class PageSections:
    """The sections registered for one kind of page; ``name`` is the page object's name in
    the section templates (``city``, ``pairing``)."""

    def __init__(self, name: str):
        self.name = name
        self._sections: dict[str, Section] = {}

    def register(
        self,
        key: str,
        *,
        template: str,
        context: Callable,
        order: int = 100,
        cached_on: Callable | None = None,
    ):
        self._sections[key] = Section(
            key=key, template=template, context=context, order=order, cached_on=cached_on
        )

    def _context(self, section, request, obj) -> dict:
        context = dict(section.context(request, obj))
        return {**context, "section": context, self.name: obj}

    def _html(self, section, request, obj, *, shared=False) -> str:
        """A section kept for other readers (``shared``) is rendered without the request, so
        no context processor puts the reader, a CSRF token or a message into it."""
        context = self._context(section, request, obj)
        return render_to_string(section.template, context, request=None if shared else request)

    def render(self, request, obj) -> list[dict]:
        """Each registered section rendered with its context, in order."""
        return self.render_with(request, obj, also=())[0]

    def render_with(self, request, obj, *, also) -> tuple[list[dict], list]:
        """The sections (``render``) and the values of the page's own kept parts ``also``
        (``versions.Part``): the kept sections and those parts are looked up together, in two
        round trips to the cache (``versions.cached_many``)."""
        ordered = sorted(self._sections.values(), key=lambda s: (s.order, s.key))
        html, kept = {}, {}
        for s in ordered:
            if shared := s.cached_on and s.cached_on(request, obj):
                depends_on, vary = shared
                kept[s.key] = versions.Part(
                    f"{self.name}-section:{s.key}",
                    depends_on=list(depends_on),
                    vary=[obj.pk, *vary],
                    compute=lambda s=s: self._html(s, request, obj, shared=True),
                )
            else:
                html[s.key] = self._html(s, request, obj)
        also = list(also)
        values = versions.cached_many([*also, *kept.values()])
        html.update(zip(kept, values[len(also) :], strict=True))
        rendered = [{"key": s.key, "html": mark_safe(html[s.key])} for s in ordered]
        return rendered, values[: len(also)]


city_page = PageSections("city")


def register_city_section(
    key: str, *, template: str, context: Callable, order: int = 100, cached_on=None
):
    city_page.register(key, template=template, context=context, order=order, cached_on=cached_on)


def city_sections(request, city, *, also=()) -> tuple[list[dict], list]:
    """The city page's sections and the values of its own kept parts ``also``."""
    return city_page.render_with(request, city, also=also)
