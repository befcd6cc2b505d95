"""Reads of notifications."""

from django.core.cache import cache

from .models import Notification

# A count read by another request while a new notification is not yet committed is kept for
# at most this long.
UNREAD_TIMEOUT = 60


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
    """Drops the kept counts of these people."""
    keys = [_unread_key(pk) for pk in set(user_ids)]
    if keys:
        cache.delete_many(keys)
