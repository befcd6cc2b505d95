"""The facet counts of the practice list, cached per filter combination. Every write that can
change a count (a practice, its areas, topics, partners or figures, a pairing, a city, …) moves
the version on, so a cached count is never served after such a change."""

import hashlib
import time

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "practices:facets:version"
TIMEOUT = 60 * 60


def facets_version() -> int:
    return cache.get_or_set(VERSION_KEY, time.time_ns, None)


def facets_invalidate(**_kwargs) -> None:
    cache.set(VERSION_KEY, time.time_ns(), None)


def facets_key(params) -> str:
    """The cache key of the counts for the filters in ``params`` (the page does not count)."""
    pairs = sorted(
        (key, value)
        for key in params
        if key not in ("page", "sort")
        for value in params.getlist(key)
    )
    digest = hashlib.sha256(repr(pairs).encode()).hexdigest()[:32]
    return f"practices:facets:{facets_version()}:{digest}"


def connect_invalidation() -> None:
    from cities.models import City, Country, Organisation, ThematicArea, Topic
    from twinning.models import Edition, Pairing, PairingMember

    from .models import KeyFigure, Practice, PracticePartner

    senders = [Practice, KeyFigure, PracticePartner, Pairing, PairingMember, Edition]
    senders += [City, Country, Organisation, ThematicArea, Topic]
    for sender in senders:
        uid = f"practices-facets-{sender._meta.label_lower}"
        post_save.connect(facets_invalidate, sender=sender, dispatch_uid=f"{uid}-save")
        post_delete.connect(facets_invalidate, sender=sender, dispatch_uid=f"{uid}-delete")
    for through in (Practice.thematic_areas.through, Practice.topics.through):
        m2m_changed.connect(
            facets_invalidate, sender=through, dispatch_uid=f"practices-facets-{through.__name__}"
        )
