"""Reads of notifications."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from .models import Notification


def unread_count_subquery():
    """The unread count of the outer query's user, to read with the user in one query."""
    unread = Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
    return Coalesce(
        Subquery(unread.order_by().values("recipient").annotate(n=Count("pk")).values("n")),
        0,
    )


def unread_count(user) -> int:
    """How many notifications ``user`` has not read (the layout shows it on every page): one
    count over the (recipient, read) index."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
