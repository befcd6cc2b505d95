import functools

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from worldcities.users import eulogin
from worldcities.users.permissions import (
    is_coordinator,
    is_delegate,
    is_expert,
    is_programme_staff,
)

# The main menu: a page belongs to a section whose address is its own (home) or starts its own.
SECTIONS = (
    ("home", "home", _("Home")),
    ("cities", "cities:list", _("Cities")),
    ("pairings", "twinning:pairing_list", _("Pairings")),
    ("practices", "practices:list", _("Practices")),
    ("meetings", "meetings:list", _("Meetings")),
)


@functools.cache
def menu(script_prefix: str) -> tuple:
    """The main menu's sections as (name, address, label)."""
    return tuple((name, reverse(url_name), label) for name, url_name, label in SECTIONS)


# What the layout (``templates/base.html``) links to on every page, by the names it uses.
LAYOUT_LINKS = {
    "home": "home",
    "search": "search",
    "notifications": "notifications:list",
    "people": "cities:people",
    "opportunities": "cities:opportunities",
    "community": "twinning:community",
    "profile": "users:profile",
    "reports": "reports:list",
    "reviews": "twinning:review_list",
    "admin": "admin:index",
    "log_in": "account_login",
    "log_out": "account_logout",
    "privacy": "privacy",
    "accessibility": "accessibility",
    "open_data": "opendata:index",
    "time_zone": "time_zone",
    "language": "language",
    "set_language": "set_language",
    "javascript_catalog": "javascript-catalog",
}


@functools.cache
def layout_links(script_prefix: str) -> dict[str, str]:
    """The layout's links (``LAYOUT_LINKS``), each address reversed once per process, as the
    menu's: a page someone logged in reads renders the layout every time, and reversing its
    twenty addresses was a tenth of such a page's time."""
    return {key: reverse(url_name) for key, url_name in LAYOUT_LINKS.items()}


def nav_section(request) -> str:
    """The main menu's section the page belongs to (marked as the current one), or ''."""
    path = request.path
    for name, url, _label in menu(get_script_prefix()):
        if path == url if name == "home" else path.startswith(url):
            return name
    return ""


def unread_notifications(request):
    """The reader's unread count, counted once per request however many templates of the
    page show it (sections rendered for the reader run the context processors again), and
    only if one does."""
    if not hasattr(request, "unread_notifications"):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from worldcities.notifications.selectors import unread_count

            # Read with the user when the request logged them in from their session
            # (``users.backends``), else counted when a template first shows it.
            counted = getattr(user, "unread_notification_count", None)
            request.unread_notifications = (
                counted if counted is not None else SimpleLazyObject(lambda: unread_count(user))
            )
        else:
            request.unread_notifications = 0
    return request.unread_notifications


def platform(request):
    user = getattr(request, "user", None)
    return {
        "UNREAD_NOTIFICATIONS": unread_notifications(request),
        "SITE_NAME": "World Cities Exchange",
        "ROLE": {
            "programme_staff": bool(user and is_programme_staff(user)),
            "coordinator": bool(user and is_coordinator(user)),
            "delegate": bool(user and is_delegate(user)),
            "expert": bool(user and is_expert(user)),
        },
        "LANGUAGES": settings.LANGUAGES,
        "EU_LOGIN": eulogin.enabled(),
        "TIME_ZONE_COOKIE_NAME": settings.TIME_ZONE_COOKIE_NAME,
        "MENU": menu(get_script_prefix()),
        "LINKS": layout_links(get_script_prefix()),
        "NAV_SECTION": nav_section(request),
    }
