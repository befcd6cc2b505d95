import functools

from django.conf import settings
from django.urls import get_script_prefix, reverse

from worldcities.users.permissions import is_coordinator, is_delegate, is_programme_staff

# The main menu's sections: the page whose address is the URL's (home) or starts with it.
SECTIONS = (
    ("home", "home"),
    ("cities", "cities:list"),
    ("pairings", "twinning:pairing_list"),
    ("practices", "practices:list"),
    ("meetings", "meetings:list"),
)


@functools.cache
def _section_urls(script_prefix: str) -> tuple:
    return tuple((name, reverse(url_name)) for name, url_name in SECTIONS)


def nav_section(request) -> str:
    """The main menu's section the page belongs to (marked as the current one), or ''."""
    path = request.path
    for name, url in _section_urls(get_script_prefix()):
        if path == url if name == "home" else path.startswith(url):
            return name
    return ""


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
        # What the layout's cached parts (the "layout" cache) depend on besides the language.
        "SCRIPT_PREFIX": get_script_prefix(),
        "NAV_SECTION": nav_section(request),
    }
