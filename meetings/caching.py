"""What is kept per person for the meeting pages: the meetings they have a registration for
(invited, registered, waitlisted, declined…). A meeting page then asks the database for the
reader's registration only for a meeting in that set, so most readers' pages make no query of
their own. It is forgotten whenever one of the person's registrations is saved or deleted
(the services, the admin, a cascade), at once and again on commit (``forget_for_people``)."""

from django.db.models.signals import post_delete, post_save

from worldcities.fragments import forget_for_people, kept_for_person, owners_of

REGISTERED = "meetings:registered"


def registered_meeting_ids(user) -> frozenset:
    """The ids of the meetings ``user`` has a registration for, whatever its status."""
    from .models import Registration

    return kept_for_person(
        REGISTERED,
        user.pk,
        lambda: frozenset(
            Registration.objects.filter(person=user).values_list("meeting_id", flat=True)
        ),
    )


def registration_changed(sender, instance, **_kwargs) -> None:
    forget_for_people(REGISTERED, owners_of(instance))


def connect_invalidation() -> None:
    from .models import Registration

    post_save.connect(registration_changed, sender=Registration, dispatch_uid="meetings-reg-save")
    post_delete.connect(
        registration_changed, sender=Registration, dispatch_uid="meetings-reg-delete"
    )
