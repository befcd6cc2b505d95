"""Reads of notifications."""

from worldcities.fragments import forget_for_people, kept_for_person

from .models import Notification

UNREAD = "notifications:unread"


def unread_count(user) -> int:
    """How many notifications ``user`` has not read (the layout shows it on every page), kept
    in the cache until one of theirs is created, read or deleted."""
    return kept_for_person(
        UNREAD,
        user.pk,
        lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    )


def unread_count_forget(user_ids) -> None:
    """Drops the kept counts of these people (see ``forget_for_people``)."""
    forget_for_people(UNREAD, user_ids)
