import base64
import datetime
import logging
import random
import smtplib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import (
    Delivery,
    EmailMessage,
    Kind,
    Notification,
    NotificationPreference,
    default_delivery,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# Errors worth trying again later: the mail server or the network is away for a while.
TRANSIENT_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


def _absolute(url: str) -> str:
    return url if "://" in url else settings.SITE_URL.rstrip("/") + url


def preferences_for(user) -> dict[str, str]:
    """Every kind with the user's delivery choice (the kind's default, immediate for most,
    unless they chose otherwise)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, default_delivery(kind)) for kind in Kind.values}


@transaction.atomic
def preferences_set(*, user, choices: dict[str, str]) -> None:
    for kind, delivery in choices.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=Kind(kind), defaults={"delivery": Delivery(delivery)}
        )


def notify(
    *,
    recipient,
    kind: str,
    target,
    title: str,
    body: str = "",
    url: str = "",
    occasion: str = "",
    attachments: list[dict] | None = None,
) -> Notification:
    """Tells ``recipient`` about ``target``: a notification on the site and, as they chose, an
    e-mail now, a place in their next digest, or nothing more. Call it inside the transaction
    of the change it reports; calling it again for the same occasion does nothing."""
    target_type = ContentType.objects.get_for_model(target)
    delivery = preferences_for(recipient)[kind] if recipient.is_active else Delivery.OFF
    lookup = {
        "kind": kind,
        "target_type": target_type,
        "target_id": str(target.pk),
        "recipient": recipient,
        "occasion": occasion,
    }
    try:
        with transaction.atomic():
            notification, created = Notification.objects.get_or_create(
                **lookup, defaults={"title": title, "body": body, "url": url, "delivery": delivery}
            )
    except IntegrityError:
        return Notification.objects.get(**lookup)
    if created and delivery == Delivery.IMMEDIATE:
        notification.email = email_queue(
            key=_email_key(kind, target_type.pk, target.pk, occasion, recipient.pk),
            kind=kind,
            recipient=recipient,
            template="notifications/email/notification",
            context={"notification": notification},
            subject=title,
            attachments=attachments or [],
        )
        notification.save(update_fields=["email"])
    return notification


def _email_key(kind, target_type_id, target_id, occasion, recipient_id) -> str:
    """The outbox key of the e-mail that carries one notification."""
    return f"{kind}:{target_type_id}:{target_id}:{recipient_id}:{occasion}"


def email_queue(
    *,
    key: str,
    kind: str,
    recipient,
    template: str,
    context: dict,
    subject: str,
    attachments: list[dict] | None = None,
) -> EmailMessage:
    """Puts an e-mail in the outbox (once per key) and sends it after the transaction commits.
    ``template`` names a pair ``<template>.txt`` / ``<template>.html``."""
    existing = EmailMessage.objects.filter(key=key).first()
    if existing is not None:
        return existing
    message = _email_build(
        key=key,
        kind=kind,
        recipient=recipient,
        template=template,
        context=context,
        subject=subject,
        attachments=attachments,
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return EmailMessage.objects.get(key=key)
    transaction.on_commit(lambda: email_enqueue(message_id=message.pk))
    return message


def _email_build(*, key, kind, recipient, template, context, subject, attachments=None):
    """An unsaved outbox row with both parts rendered in the recipient's language."""
    with translation.override(getattr(recipient, "language", None) or settings.LANGUAGE_CODE):
        full_context = {
            **context,
            "recipient": recipient,
            "site_url": settings.SITE_URL.rstrip("/"),
            "settings_url": _absolute(reverse("notifications:settings")),
            "subject": subject,
        }
        text = render_to_string(f"{template}.txt", full_context)
        html = render_to_string(f"{template}.html", full_context)
    return EmailMessage(
        key=key,
        kind=kind,
        recipient=recipient,
        to=recipient.email,
        subject=subject,
        text=text,
        html=html,
        attachments=attachments or [],
    )


@dataclass
class Notice:
    """What one person is told, for ``notify_many``."""

    recipient: object
    title: str
    body: str = ""
    url: str = ""
    attachments: list = field(default_factory=list)


def notify_many(*, kind: str, target, occasion: str = "", notices: list[Notice]) -> int:
    """``notify`` for many people about one thing on one occasion (a meeting's reminder to all
    its delegates), in a fixed number of queries however many they are. Those already told are
    skipped. Returns how many were told now."""
    return notify_each(kind=kind, occasions=[(target, occasion, notices)])


def notify_each(*, kind: str, occasions: Iterable[tuple[object, str, list[Notice]]]) -> int:
    """``notify_many`` for many things at once, each on its own occasion with its own people
    (every overdue action of a sweep): a fixed number of queries however many things and
    people there are. Those already told of a thing on its occasion are skipped. Returns how
    many notifications were made now."""
    wanted = {}  # (target type, target id, occasion, recipient) → the notice
    for target, occasion, notices in occasions:
        target_type = ContentType.objects.get_for_model(target)  # kept by the manager
        for notice in notices:
            wanted[(target_type.pk, str(target.pk), str(occasion), notice.recipient.pk)] = notice
    if not wanted:
        return 0
    # One query for all: a superset of the pairs asked for, narrowed down here.
    near = {
        "kind": kind,
        "target_type_id__in": {key[0] for key in wanted},
        "target_id__in": {key[1] for key in wanted},
        "occasion__in": {key[2] for key in wanted},
    }
    ids = {key[3] for key in wanted}
    told = set(
        Notification.objects.filter(**near, recipient_id__in=ids)
        .order_by()
        .values_list("target_type_id", "target_id", "occasion", "recipient_id")
    )
    fresh = {
        key: notice
        for key, notice in wanted.items()
        if key not in told and notice.recipient.is_active
    }
    if not fresh:
        return 0
    chosen = dict(
        NotificationPreference.objects.filter(kind=kind, user_id__in=ids).values_list(
            "user_id", "delivery"
        )
    )
    delivery = {rid: chosen.get(rid, default_delivery(kind)) for (*_, rid) in fresh}
    # The e-mails first (once per key), so that each notification is made with its e-mail.
    messages = {}
    for key, n in fresh.items():
        if delivery[key[3]] == Delivery.IMMEDIATE:
            email_key = _email_key(kind, *key)
            messages[email_key] = _email_build(
                key=email_key,
                kind=kind,
                recipient=n.recipient,
                template="notifications/email/notification",
                context={"notification": n},
                subject=n.title,
                attachments=n.attachments,
            )
    emails = {}
    if messages:
        EmailMessage.objects.bulk_create(messages.values(), ignore_conflicts=True)
        emails = dict(EmailMessage.objects.filter(key__in=messages).values_list("key", "pk"))
        transaction.on_commit(lambda: [email_enqueue(message_id=pk) for pk in emails.values()])
    Notification.objects.bulk_create(
        [
            Notification(
                kind=kind,
                target_type_id=type_id,
                target_id=target_id,
                occasion=occasion,
                recipient=n.recipient,
                title=n.title,
                body=n.body,
                url=n.url,
                delivery=delivery[rid],
                email_id=emails.get(_email_key(kind, type_id, target_id, occasion, rid)),
            )
            for (type_id, target_id, occasion, rid), n in fresh.items()
        ],
        ignore_conflicts=True,
    )
    return len(fresh)


def notify_people_later(
    *,
    kind: str,
    target,
    recipients,
    title: str,
    body: str = "",
    url: str = "",
    occasion: str = "",
) -> None:
    """``notify_many`` in the background: the same notice to everyone in ``recipients`` (a
    queryset of users), made by a worker once the current transaction commits. The request
    that reports the change writes nothing per person; the ids are read once, here."""
    ids = list(recipients.values_list("pk", flat=True))
    if not ids:
        return
    target_type = ContentType.objects.get_for_model(target)
    payload = {
        "kind": kind,
        "target_type_id": target_type.pk,
        "target_id": target.pk,
        "recipient_ids": ids,
        "title": str(title),
        "body": str(body),
        "url": url,
        "occasion": str(occasion),
    }
    transaction.on_commit(lambda: _notify_people_enqueue(payload))


def _notify_people_enqueue(payload: dict) -> None:
    """Hands the notices to a worker. If the broker is away, the request that made the change
    still succeeds: the notices are made here instead, and their e-mails wait in the outbox
    for the sweep."""
    from .tasks import notify_people

    try:
        notify_people.delay(**payload)
    except Exception as exc:  # the broker's client raises many kinds of connection error
        logger.warning("could not enqueue notices (%s); making them now", exc)
        with transaction.atomic():
            notify_people_now(**payload)


def notify_people_now(
    *, kind, target_type_id, target_id, recipient_ids, title, body, url, occasion
) -> int:
    """The worker's side of ``notify_people_later``: idempotent, since ``notify_many`` skips
    whoever was already told of this target on this occasion."""
    from worldcities.users.models import User

    model = ContentType.objects.get_for_id(target_type_id).model_class()
    target = model._default_manager.filter(pk=target_id).first()
    if target is None:  # deleted meanwhile: nothing to tell
        return 0
    people = User.objects.filter(pk__in=recipient_ids, is_active=True)
    notices = [Notice(recipient=p, title=title, body=body, url=url) for p in people]
    return notify_many(kind=kind, target=target, occasion=occasion, notices=notices)


def email_enqueue(*, message_id: int) -> bool:
    """Hands the e-mail to a worker. If the broker is away the caller's request still
    succeeds: the e-mail stays pending and the sweep sends it once the broker is back."""
    from .tasks import send_email

    try:
        send_email.delay(message_id)
    except Exception as exc:  # the broker's client raises many kinds of connection error
        logger.warning("could not enqueue e-mail %s (%s); the sweep will send it", message_id, exc)
        return False
    return True


# Longer than a sending task may run (its hard time limit): a claim older than this was
# interrupted (a worker killed or lost).
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)


def email_send(*, message_id: int) -> bool:
    """Sends one pending e-mail, once. The claim is committed before the mail server is
    spoken to: the row is marked "being sent", then sent, then marked sent. A task that runs
    twice, or two workers at once, find it claimed and do nothing. If the worker dies after the
    claim, the row stays "being sent" and the sweep holds it as "uncertain" for programme
    staff to release (``email_sweep``): it is never sent twice by itself."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            EmailMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=EmailMessage.Status.PENDING)
            .first()
        )
        if message is None:
            return False
        message.status = EmailMessage.Status.SENDING
        message.claimed_at = now
        message.attempts += 1
        message.save(update_fields=["status", "claimed_at", "attempts"])
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        to=[message.to],
        headers={"Message-ID": message.message_id},
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    for attachment in message.attachments:
        email.attach(
            attachment["filename"],
            base64.b64decode(attachment["content"]),
            attachment.get("mimetype", "application/octet-stream"),
        )
    try:
        email.send()
    except Exception:
        # Not sent: back in the outbox (the task retries it, or marks it failed).
        EmailMessage.objects.filter(pk=message.pk, status=EmailMessage.Status.SENDING).update(
            status=EmailMessage.Status.PENDING
        )
        raise
    EmailMessage.objects.filter(pk=message.pk, status=EmailMessage.Status.SENDING).update(
        status=EmailMessage.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def email_record_failure(*, message_id: int, error: Exception, final: bool) -> None:
    updates = {"last_error": f"{type(error).__name__}: {error}"}
    if final:
        updates["status"] = EmailMessage.Status.FAILED
    EmailMessage.objects.filter(pk=message_id, status=EmailMessage.Status.PENDING).update(**updates)


def email_retry(*, messages) -> int:
    """Puts failed and uncertain e-mails back in the outbox (programme staff do it from the
    admin). An uncertain one is sent again with the same Message-ID."""
    ids = list(
        messages.filter(
            status__in=[EmailMessage.Status.FAILED, EmailMessage.Status.UNCERTAIN]
        ).values_list("pk", flat=True)
    )
    EmailMessage.objects.filter(pk__in=ids).update(
        status=EmailMessage.Status.PENDING, attempts=0, last_error=""
    )
    for message_id in ids:
        transaction.on_commit(lambda message_id=message_id: email_enqueue(message_id=message_id))
    return len(ids)


def retry_delay(retries: int) -> float:
    """Exponential backoff with full jitter: 0–10 s, 0–20 s, 0–40 s, … up to ten minutes."""
    return random.uniform(0, min(600, 10 * 2**retries))


def email_sweep(*, older_than_seconds: int = 60, batch: int = 500) -> int:
    """Enqueues pending e-mails whose task never ran (e.g. the broker was down), and holds as
    "uncertain" those whose sending was interrupted (claimed longer ago than any task runs):
    perhaps delivered, so never sent again without a person deciding."""
    EmailMessage.objects.filter(
        status=EmailMessage.Status.SENDING, claimed_at__lt=timezone.now() - CLAIM_TIMEOUT
    ).update(
        status=EmailMessage.Status.UNCERTAIN,
        last_error="Interrupted while sending: it may have been delivered.",
    )
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    ids = list(
        EmailMessage.objects.filter(status=EmailMessage.Status.PENDING, created_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch]
    )
    for message_id in ids:
        email_enqueue(message_id=message_id)
    return len(ids)


def digest_send(*, period: str) -> int:
    """Gathers every user's notifications waiting for their daily (or weekly) digest into one
    e-mail each. The digest's key names its last notification, so running twice adds nothing."""
    waiting = (
        Notification.objects.filter(delivery=period, email__isnull=True)
        .select_related("recipient")
        .order_by("recipient_id", "kind", "created_at", "pk")
    )
    by_user = defaultdict(list)
    for notification in waiting:
        by_user[notification.recipient].append(notification)
    sent = 0
    for recipient, notifications in by_user.items():
        with transaction.atomic():
            groups = defaultdict(list)
            for notification in notifications:
                groups[Kind(notification.kind).label].append(notification)
            last = max(n.pk for n in notifications)
            message = email_queue(
                key=f"digest:{period}:{recipient.pk}:{last}",
                kind=f"digest_{period}",
                recipient=recipient,
                template="notifications/email/digest",
                context={
                    "groups": sorted(groups.items()),
                    "period": period,
                    "count": len(notifications),
                },
                subject=_digest_subject(period, len(notifications), recipient),
            )
            Notification.objects.filter(
                pk__in=[n.pk for n in notifications], email__isnull=True
            ).update(email=message)
            sent += 1
    return sent


def _digest_subject(period: str, count: int, recipient) -> str:
    from django.utils.translation import ngettext

    with translation.override(getattr(recipient, "language", None) or settings.LANGUAGE_CODE):
        if period == Delivery.WEEKLY:
            return ngettext(
                "Your weekly digest: %(count)d notification",
                "Your weekly digest: %(count)d notifications",
                count,
            ) % {"count": count}
        return ngettext(
            "Your daily digest: %(count)d notification",
            "Your daily digest: %(count)d notifications",
            count,
        ) % {"count": count}


def notifications_mark_read(*, user, ids=None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
