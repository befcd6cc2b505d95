"""What is kept per person for the meeting pages: the meetings they have a registration for
(invited, registered, waitlisted, declined…). A meeting page then asks the database for the
reader's registration only for a meeting in that set, so most readers' pages make no query of
their own. It is forgotten whenever one of the person's registrations is saved or deleted
(the services, the admin, a cascade), at once and again on commit (``cache_forget``)."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from worldcities.fragments import cache_forget, owners_of

# This only bounds how long the set outlives a change made by hand in the database.
REGISTERED_TIMEOUT = 24 * 60 * 60


def _registered_key(user_id) -> str:
    return f"meetings:registered:{user_id}"


def registered_meeting_ids(user) -> frozenset:
    """The ids of the meetings ``user`` has a registration for, whatever its status."""
    from .models import Registration

    key = _registered_key(user.pk)
    ids = cache.get(key)
    if ids is None:
        ids = frozenset(
            Registration.objects.filter(person=user).values_list("meeting_id", flat=True)
        )
        cache.set(key, ids, REGISTERED_TIMEOUT)
    return ids


def registration_changed(sender, instance, **_kwargs) -> None:
    cache_forget(_registered_key(user_id) for user_id in owners_of(instance))


def connect_invalidation() -> None:
    from .models import Registration

    post_save.connect(registration_changed, sender=Registration, dispatch_uid="meetings-reg-save")
    post_delete.connect(
        registration_changed, sender=Registration, dispatch_uid="meetings-reg-delete"
    )
