"""Reads of notifications."""

from .models import Notification


def unread_count(user) -> int:
    """How many notifications ``user`` has not read (the layout shows it on every page): one
    count over the (recipient, read) index."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
