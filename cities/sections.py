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

A section that names the ``scopes`` (app labels) whose data it shows is cached
(``worldcities.fragments``): its context is computed and its template rendered only when the
cache does not hold it for the current versions of those scopes. Such a section is rendered
without the request (its template gets no ``request`` or ``user``); whatever it shows
differently to different readers must be in ``vary(request, obj)``, e.g. the reader's
visibility class.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string

from worldcities.fragments import Fragment, cached_fragments


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    context: Callable
    order: int = 100
    scopes: tuple = ()
    vary: Callable | None = None


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
        scopes=(),
        vary: Callable | None = None,
    ):
        self._sections[key] = Section(
            key=key,
            template=template,
            context=context,
            order=order,
            scopes=tuple(scopes),
            vary=vary,
        )

    def _context(self, section, request, obj) -> dict:
        context = dict(section.context(request, obj))
        return {**context, "section": context, self.name: obj}

    def render(self, request, obj) -> list[dict]:
        """Each registered section rendered with its context, in order (the cached ones all
        looked up in one round trip to the cache)."""
        sections = sorted(self._sections.values(), key=lambda s: (s.order, s.key))
        cached = [s for s in sections if s.scopes]
        kept = cached_fragments(
            [
                Fragment(
                    name=f"{self.name}-section:{s.key}",
                    vary=(obj.pk, *(s.vary(request, obj) if s.vary else ())),
                    scopes=s.scopes,
                    template=s.template,
                    context=lambda s=s: self._context(s, request, obj),
                )
                for s in cached
            ]
        )
        html_of = dict(zip((s.key for s in cached), kept, strict=True))
        rendered = []
        for s in sections:
            html = html_of.get(s.key)
            if html is None:
                context = self._context(s, request, obj)
                html = render_to_string(s.template, context, request=request)
            rendered.append({"key": s.key, "html": html})
        return rendered


city_page = PageSections("city")


def register_city_section(key: str, *, template: str, context: Callable, order: int = 100, **cache):
    city_page.register(key, template=template, context=context, order=order, **cache)


def city_sections(request, city) -> list[dict]:
    return city_page.render(request, city)
