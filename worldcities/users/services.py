from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from worldcities import versions

from .models import Role, User

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
