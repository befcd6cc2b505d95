from django.conf import settings

from worldcities.users.permissions import is_coordinator, is_delegate, is_programme_staff


def platform(request):
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        from worldcities.notifications.selectors import unread_count

        unread = unread_count(user)
    return {
        "UNREAD_NOTIFICATIONS": unread,
        "SITE_NAME": "World Cities Exchange",
        "ROLE": {
            "programme_staff": bool(user and is_programme_staff(user)),
            "coordinator": bool(user and is_coordinator(user)),
            "delegate": bool(user and is_delegate(user)),
        },
        "LANGUAGES": settings.LANGUAGES,
    }
