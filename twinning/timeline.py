"""The timeline of a pairing's workspace: what happened in the pairing, newest first, from
every app that has something to say about it. Each source is registered once, from its app's
``AppConfig.ready()`` (``meetings`` adds the pairing's meetings the way ``cities.sections``
takes sections from the apps above)::

    from twinning.timeline import register_timeline_source

    register_timeline_source(
        "meetings",
        entries=lambda pairing: Meeting.objects.filter(pairings=pairing),
        at="starts_at",
        load=lambda ids: Meeting.objects.in_bulk(ids),
        template="meetings/partials/timeline_meeting.html",
    )

``entries`` gives a queryset of the pairing's rows, ``at`` the field that dates them, ``load``
the rows of a page by id with what the template shows (one query). A page of the timeline
is read in a fixed number of queries: its length, the page's (kind, id, date) across all
sources in one ``UNION ALL``, and one query per source that has rows on the page.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import CharField, F, Value


@dataclass(frozen=True)
class TimelineSource:
    key: str
    entries: Callable
    at: str
    load: Callable
    template: str


_sources: dict[str, TimelineSource] = {}


def register_timeline_source(
    key: str, *, entries: Callable, at: str, load: Callable, template: str
) -> None:
    _sources[key] = TimelineSource(key=key, entries=entries, at=at, load=load, template=template)


def sources() -> list[TimelineSource]:
    return sorted(_sources.values(), key=lambda s: s.key)


def _keys(pairing):
    """(kind, id, date) of every entry of every source, as one union, newest first."""
    parts = [
        source.entries(pairing)
        .order_by()
        .annotate(
            entry_kind=Value(source.key, output_field=CharField()),
            entry_id=F("pk"),
            entry_at=F(source.at),
        )
        .values_list("entry_kind", "entry_id", "entry_at")
        for source in sources()
    ]
    if not parts:
        return None
    first, *others = parts
    union = first.union(*others, all=True) if others else first
    return union.order_by("-entry_at", "-entry_kind", "-entry_id")


def timeline_page(pairing, number, *, per_page: int = 20):
    """The page ``number`` of the pairing's timeline: a Django page whose ``entries`` are dicts
    with ``kind``, ``at``, ``object`` and ``template``."""
    keys = _keys(pairing)
    paginator = Paginator(keys if keys is not None else [], per_page)
    page = paginator.get_page(number)
    rows = list(page.object_list)
    by_kind: dict[str, list[int]] = {}
    for kind, pk, _at in rows:
        by_kind.setdefault(kind, []).append(pk)
    loaded = {kind: _sources[kind].load(ids) for kind, ids in by_kind.items()}
    page.entries = [
        {
            "kind": kind,
            "at": at,
            "object": loaded[kind][pk],
            "template": _sources[kind].template,
        }
        for kind, pk, at in rows
        if pk in loaded[kind]
    ]
    return page
