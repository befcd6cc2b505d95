from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What a recipient's unread count depends on, of a notification's fields.
COUNTED_FIELDS = {"recipient", "recipient_id", "read_at"}  # save() takes either name


def _forget_unread_count(sender, instance, update_fields=None, **kwargs):
    from .selectors import unread_count_forget

    if update_fields is not None and not COUNTED_FIELDS & set(update_fields):
        return  # e.g. the e-mail sent for it: the count stands
    from worldcities.fragments import owners_of

    # A notification loaded from the database also knows whose it was.
    unread_count_forget(owners_of(instance))


class NotificationsConfig(AppConfig):
    name = "worldcities.notifications"
    label = "notifications"
    verbose_name = _("Notifications and e-mail")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import Notification

        # Creating, reading or deleting one notification (the admin included) changes the
        # recipient's unread count; bulk writes in the services forget the counts themselves.
        for signal, uid in ((post_save, "save"), (post_delete, "delete")):
            uid = f"notifications-unread-{uid}"
            signal.connect(_forget_unread_count, sender=Notification, dispatch_uid=uid)
