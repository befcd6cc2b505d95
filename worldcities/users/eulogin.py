"""Signing in through EU Login, the European Commission's CAS server (protocol 2 and 3).

The browser goes to the server's ``login`` with the address to come back to (the *service*);
it comes back with a one-time *ticket*, which the platform checks with the server
(``serviceValidate``) and which yields the person's e-mail address. The account is the one whose
verified address it is; none is ever created. ``docs/accounts.md`` says why this small client
rather than a package, and how it meets the second factor.
"""

import logging
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode
from xml.etree import ElementTree

from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

CAS_NS = "{http://www.yale.edu/tp/cas}"
# A service response is a few hundred bytes; anything far larger is not one.
MAX_RESPONSE_BYTES = 64 * 1024
# A ticket is short printable ASCII (CAS: "ST-" then up to 256 characters).
TICKET = re.compile(r"^[A-Za-z0-9._:@~-]{1,300}$")
# The session remembers the sign-in came through EU Login: logging out then ends the server's
# session too.
SESSION_KEY = "eu_login"


class EULoginRefused(Exception):
    """A sign-in that cannot go on; the message is for the person signing in."""


@dataclass(frozen=True)
class Identity:
    """What the server vouches for."""

    username: str
    email: str


def enabled() -> bool:
    return bool(settings.EU_LOGIN_ENABLED and settings.EU_LOGIN_SERVER_URL)


def _server(path: str) -> str:
    return settings.EU_LOGIN_SERVER_URL.rstrip("/") + "/" + path.lstrip("/")


def login_url(service: str) -> str:
    return f"{_server('login')}?{urlencode({'service': service})}"


def logout_url(back_to: str) -> str:
    return f"{_server('logout')}?{urlencode({'service': back_to, 'url': back_to})}"


def _fetch(url: str) -> bytes:
    # The address is the configured server's (https in production), never the client's.
    request = urllib.request.Request(url, headers={"Accept": "application/xml"})  # noqa: S310
    with urllib.request.urlopen(  # noqa: S310
        request, timeout=settings.EU_LOGIN_TIMEOUT
    ) as response:
        body = response.read(MAX_RESPONSE_BYTES + 1)
    if len(body) > MAX_RESPONSE_BYTES:
        raise ValueError("response too large")
    return body


def _parse(body: bytes) -> Identity:
    """The identity in a service response, or ``EULoginRefused`` for a refusal."""
    # A document type could declare entities (and expand them without end): a CAS response
    # has none, so one that declares any is refused before it is parsed.
    if b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
        raise ValueError("a document type in the response")
    root = ElementTree.fromstring(body)  # noqa: S314 (no document type, size bounded above)
    failure = root.find(f"{CAS_NS}authenticationFailure")
    if failure is not None:
        logger.info(
            "EU Login refused a ticket: %s %s",
            failure.get("code", ""),
            " ".join((failure.text or "").split())[:200],
        )
        raise EULoginRefused(_("EU Login did not confirm this sign-in. Please try again."))
    success = root.find(f"{CAS_NS}authenticationSuccess")
    if success is None:
        raise ValueError("neither success nor failure in the response")
    username = (success.findtext(f"{CAS_NS}user") or "").strip()
    attribute = settings.EU_LOGIN_EMAIL_ATTRIBUTE
    # EU Login puts the address beside the user; CAS 3 servers put it under attributes.
    email = (
        success.findtext(f"{CAS_NS}{attribute}")
        or success.findtext(f"{CAS_NS}attributes/{CAS_NS}{attribute}")
        or ""
    ).strip()
    if not username or not email:
        raise EULoginRefused(
            _("EU Login did not tell us your e-mail address, so we cannot find your account.")
        )
    return Identity(username=username, email=email)


def validate(*, ticket: str, service: str) -> Identity:
    """Asks the server whether ``ticket`` was issued for ``service`` (once only)."""
    if not TICKET.match(ticket or ""):
        raise EULoginRefused(_("EU Login did not confirm this sign-in. Please try again."))
    url = (
        f"{_server(settings.EU_LOGIN_VALIDATE_PATH)}?"
        f"{urlencode({'service': service, 'ticket': ticket})}"
    )
    try:
        return _parse(_fetch(url))
    except EULoginRefused:
        raise
    except (OSError, urllib.error.URLError, ValueError, ElementTree.ParseError) as error:
        logger.warning("EU Login could not check a ticket: %s", error)
        raise EULoginRefused(
            _("EU Login could not be reached to confirm your sign-in. Please try again later.")
        ) from error


def account_for(identity: Identity):
    """The account whose verified address EU Login gave, or ``EULoginRefused`` (allauth then
    refuses an inactive one, as it does at the password login)."""
    address = (
        EmailAddress.objects.filter(email__iexact=identity.email, verified=True)
        .select_related("user")
        .first()
    )
    if address is None:
        raise EULoginRefused(
            _(
                "No account of the platform uses the address %(email)s. Accounts are created "
                "by the programme team: ask them to add you, or to change your account's "
                "address to this one."
            )
            % {"email": identity.email}
        )
    return address.user
