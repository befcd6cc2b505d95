"""The facet counts of the practice list, cached per filter combination. They count practices
over their cities, pairings and editions, so the key holds the versions of those scopes
(``worldcities.fragments``): a count is never served after a change that could move it."""

import hashlib

from worldcities.fragments import scope_versions

FACET_SCOPES = ("practices", "twinning", "cities")
TIMEOUT = 60 * 60


def facets_key(params) -> str:
    """The cache key of the counts for the filters in ``params`` (the page does not count)."""
    pairs = sorted(
        (key, value)
        for key in params
        if key not in ("page", "sort")
        for value in params.getlist(key)
    )
    digest = hashlib.sha256(repr((pairs, scope_versions(FACET_SCOPES))).encode()).hexdigest()
    return f"practices:facets:{digest[:40]}"
