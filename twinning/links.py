"""What the actions of a pairing's plan link to, added by the apps built on this one: the
meetings that agreed an action, the practices that came from it. Register once, from
``AppConfig.ready()``::

    from twinning.links import register_action_link

    register_action_link(
        "meetings", label=_("Decided at"), relation="meetings",
        queryset=lambda: Meeting.objects.only("title"), order=10,
    )

``relation`` is the action's reverse relation (``action.meetings``) and ``queryset()`` the rows
of it the plan shows (each with a ``title`` and a ``get_absolute_url``). The plan prefetches
each link in one query, however many actions it holds. The plan is kept under the pairing's
version (``pairing:<pk>``): whoever adds or removes a link, or changes what it shows (a
meeting's title, a practice published or withdrawn), moves it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch


@dataclass(frozen=True)
class ActionLink:
    key: str
    label: str
    relation: str
    queryset: Callable
    order: int = 100

    @property
    def attribute(self) -> str:
        return f"linked_{self.key}"


_links: dict[str, ActionLink] = {}


def register_action_link(
    key: str, *, label, relation: str, queryset: Callable, order: int = 100
) -> None:
    _links[key] = ActionLink(
        key=key, label=label, relation=relation, queryset=queryset, order=order
    )


def _in_order() -> list[ActionLink]:
    return sorted(_links.values(), key=lambda link: (link.order, link.key))


def action_link_prefetches() -> list[Prefetch]:
    return [
        Prefetch(link.relation, queryset=link.queryset(), to_attr=link.attribute)
        for link in _in_order()
    ]


def links_of(action) -> list[dict]:
    """The action's links (prefetched with ``action_link_prefetches``) that have rows, in
    order: ``{"key", "label", "items"}`` each."""
    found = []
    for link in _in_order():
        items = getattr(action, link.attribute, [])
        if items:
            found.append({"key": link.key, "label": link.label, "items": items})
    return found
