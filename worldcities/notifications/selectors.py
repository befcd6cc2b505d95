"""Reads of notifications."""

from django.core.cache import cache

from worldcities.fragments import cache_forget

from .models import Notification

# Counts are forgotten on every change (``unread_count_forget``); this only bounds how long a
# count outlives a change made outside the platform's code (by hand in the database).
UNREAD_TIMEOUT = 24 * 60 * 60


def _unread_key(user_id) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user) -> int:
    """How many notifications ``user`` has not read (the layout shows it on every page), kept
    in the cache until one of theirs is created, read or deleted."""
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_TIMEOUT)
    return count


def unread_count_forget(user_ids) -> None:
    """Drops the kept counts of these people, at once and again when the change commits: a
    count another request reads in between (without the change, not yet committed) is not
    kept either."""
    cache_forget(_unread_key(pk) for pk in set(user_ids))
