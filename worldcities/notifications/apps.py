from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "worldcities.notifications"
    label = "notifications"
    verbose_name = _("Notifications and e-mail")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import Notification
        from .selectors import unread_count_forget

        def forget(sender, instance, **kwargs):
            unread_count_forget([instance.recipient_id])

        # Creating, reading or deleting one notification (the admin included) changes the
        # recipient's unread count; bulk writes in the services forget the counts themselves.
        post_save.connect(forget, sender=Notification, dispatch_uid="notifications-unread-save")
        post_delete.connect(forget, sender=Notification, dispatch_uid="notifications-unread-del")
