import datetime
import hashlib
import secrets

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from worldcities import versions

from .models import ApiToken, Role, User

# The version (``worldcities.versions``) of people's names as cached pages show them (who
# asked a question, who owns an action, who changed a status, a meeting's delegations).
PEOPLE = "people"


def people_changed() -> None:
    versions.bump(PEOPLE)


@transaction.atomic
def profile_update(*, form) -> User:
    """Saves a person's own profile (``ProfileForm``, valid): their name shows on pages."""
    user = form.save()
    if "full_name" in form.changed_data:
        people_changed()
    return user


def password_set_url(user: User) -> str:
    """An absolute link that lets ``user`` choose a password (allauth's reset-by-key view)."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL.rstrip("/") + path


def account_invitation_send(*, user: User):
    """Puts in the outbox (once per account) the e-mail that gives a new account holder a link
    to set their password, in their own language; it leaves when the transaction commits."""
    from worldcities.notifications.services import email_queue

    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"user": user, "url": password_set_url(user)}
        subject = render_to_string("users/email/invitation_subject.txt", context).strip()
    return email_queue(
        key=f"account-invitation:{user.pk}",
        kind="account_invitation",
        recipient=user,
        template="users/email/invitation",
        context=context,
        subject=subject,
    )


@transaction.atomic
def user_create(
    *,
    email: str,
    full_name: str = "",
    role: str = Role.DELEGATE,
    city=None,
    organisation=None,
    language: str = "en",
    time_zone: str = "",
    password: str | None = None,
    send_invitation: bool = True,
) -> User:
    """Creates an account (sign-up is closed) and, unless a password is given, e-mails its
    owner a link to set one once the transaction commits."""
    user = User(
        email=User.objects.normalize_email(email).strip(),
        full_name=full_name,
        role=role,
        city=city,
        organisation=organisation,
        language=language,
        time_zone=time_zone,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    account_email_register(user=user)
    if send_invitation and not password:
        account_invitation_send(user=user)
    return user


def account_email_register(*, user: User) -> None:
    """Records the account's e-mail as verified and primary, so allauth logs in and resets by it."""
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).update(primary=False)
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


# --- Personal API tokens --------------------------------------------------------------------------
# A secret is this prefix and 43 characters of ``secrets.token_urlsafe(32)`` (256 random bits): a
# digest of such a secret needs no salt or slow hash to be safe at rest.
TOKEN_PREFIX = "wce_"  # noqa: S105 - the visible start of every token, not a secret
TOKEN_SECRET_LENGTH = len(TOKEN_PREFIX) + 43
TOKEN_LIFETIMES = (30, 90, 365)
MAX_TOKENS = 20


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def looks_like_token(secret: str) -> bool:
    """Whether ``secret`` has the shape of a token at all (before any lookup)."""
    body = secret[len(TOKEN_PREFIX) :]
    return (
        secret.startswith(TOKEN_PREFIX)
        and len(secret) == TOKEN_SECRET_LENGTH
        and all(c.isascii() and (c.isalnum() or c in "-_") for c in body)
    )


@transaction.atomic
def api_token_create(*, user: User, name: str, days: int | None) -> tuple[ApiToken, str]:
    """Makes a read-only API token for ``user`` and returns it with its secret, which is kept
    nowhere: only its digest is stored, so the caller shows it once."""
    if user.api_tokens.filter(revoked_at__isnull=True).count() >= MAX_TOKENS:
        raise ValidationError(
            _("You have %(max)s tokens: revoke one before making another.") % {"max": MAX_TOKENS}
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=secret[: len(TOKEN_PREFIX) + 4],
        digest=token_digest(secret),
        expires_at=timezone.now() + datetime.timedelta(days=days) if days else None,
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revokes one of ``user``'s own tokens: the API refuses it from the next request on."""
    token = (
        ApiToken.objects.select_for_update()
        .filter(user=user, pk=token_id, revoked_at__isnull=True)
        .first()
    )
    if token is None:
        raise ValidationError(_("This token does not exist or was already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
def api_tokens_revoke(*, tokens, by: User, reason: str) -> list[ApiToken]:
    """Revokes ``tokens`` (any person's) for programme staff: the API refuses each of them from
    the next request on. Tokens already revoked are left as they were; the others are revoked
    and returned, each with a record of who revoked it and why in its history."""
    if not by.has_perm("users.revoke_any_api_token"):
        raise ValidationError(_("Only programme staff may revoke other people's tokens."))
    now = timezone.now()
    revoked = list(
        ApiToken.objects.select_for_update()
        .filter(pk__in=[token.pk for token in tokens], revoked_at__isnull=True)
        .select_related("user")
        .order_by("pk")
    )
    for token in revoked:
        token.revoked_at = now
        token._history_user = by
        token._change_reason = reason
        token.save(update_fields=["revoked_at"])
    return revoked


# How often a token's "last used" time is written: not on every request.
LAST_USED_EVERY = datetime.timedelta(minutes=5)


def api_token_used(token: ApiToken) -> None:
    """Records that ``token`` was used (at most every few minutes)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
