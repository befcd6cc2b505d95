"""Reads of notifications."""

from django.core.cache import cache
from django.db import transaction

from .models import Notification

UNREAD_TIMEOUT = 10 * 60


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
    """Drops the kept counts of these people, now and once the transaction commits (a count
    read in between, from the rows before the commit, is not kept)."""
    keys = [_unread_key(pk) for pk in set(user_ids)]
    if not keys:
        return
    cache.delete_many(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: cache.delete_many(keys))
