"""The facet counts of the practice list, cached per filter combination.

They count published practices over their areas, topics, cities, countries, pairings,
editions, partners and figures, so they have a scope of their own (``practice-facets``, see
``worldcities.fragments``) that only writes to those rows move on: a question, a transfer or a
follow leaves the counts (the list's most expensive query) in place."""

import hashlib

from django.db.models.signals import m2m_changed, post_delete, post_save

from worldcities.fragments import (
    forget_for_people,
    owners_of,
    query_vary,
    scope_versions,
    scopes_changed,
)

FACETS_SCOPE = "practice-facets"
# The results part of the list (cards and facets) shows more than the counts.
FACET_SCOPES = ("practices", "twinning", "cities")
TIMEOUT = 60 * 60
# Fields of a practice no count depends on.
UNCOUNTED_FIELDS = {"adoption_count", "updated_at"}


def facets_key(params) -> str:
    """The cache key of the counts for the filters in ``params`` (the page does not count)."""
    pairs = query_vary(params, leave_out=("page", "sort"))
    digest = hashlib.sha256(repr((pairs, scope_versions([FACETS_SCOPE]))).encode()).hexdigest()
    return f"practices:facets:{digest[:40]}"


def facets_changed(sender=None, update_fields=None, **_kwargs) -> None:
    if update_fields and set(update_fields) <= UNCOUNTED_FIELDS:
        return
    scopes_changed(FACETS_SCOPE)


def organisation_saved(sender, instance, created=False, **_kwargs) -> None:
    """The practices an organisation is a partner of keep its sector for the counts."""
    if created:
        return
    from .models import Practice
    from .services import practices_reindex

    practices_reindex(Practice.objects.filter(partners__organisation=instance))


# What each person follows (``selectors.followed_by``), forgotten whenever they follow or stop
# following something.
FOLLOWS = "practices:follows"


def follow_changed(sender, instance, **_kwargs) -> None:
    forget_for_people(FOLLOWS, owners_of(instance))


def connect_invalidation() -> None:
    from cities.models import City, Country, Organisation, ThematicArea, Topic
    from twinning.models import Edition, Pairing, PairingMember

    from .models import Follow, KeyFigure, Practice, PracticePartner

    senders = [Practice, KeyFigure, PracticePartner, Pairing, PairingMember, Edition]
    senders += [City, Country, Organisation, ThematicArea, Topic]
    for sender in senders:
        uid = f"practices-facets-{sender._meta.label_lower}"
        post_save.connect(facets_changed, sender=sender, dispatch_uid=f"{uid}-save")
        post_delete.connect(facets_changed, sender=sender, dispatch_uid=f"{uid}-delete")
    post_save.connect(follow_changed, sender=Follow, dispatch_uid="practices-follows-save")
    post_delete.connect(follow_changed, sender=Follow, dispatch_uid="practices-follows-delete")
    post_save.connect(
        organisation_saved, sender=Organisation, dispatch_uid="practices-partner-sectors"
    )
    for through in (Practice.thematic_areas.through, Practice.topics.through):
        m2m_changed.connect(
            facets_changed, sender=through, dispatch_uid=f"practices-facets-{through.__name__}"
        )
