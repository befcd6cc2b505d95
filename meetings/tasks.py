"""E-mails about meetings. Each task takes ids, locks the registration it reports on and
records what it told the person (``notified_status``), so running it twice sends one e-mail."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Meeting, Registration

MEETING_CANCELLED = "meeting_cancelled"
EVALUATION = "evaluation"


def _meeting_context(meeting: Meeting) -> dict:
    return {
        "meeting": meeting,
        "starts": meeting.local_starts_at,
        "ends": meeting.local_ends_at,
        "time_zone": meeting.time_zone,
        "url": settings.SITE_URL.rstrip("/") + reverse("meetings:detail", args=[meeting.pk]),
        "evaluation_url": settings.SITE_URL.rstrip("/")
        + reverse("meetings:evaluation", args=[meeting.pk]),
    }


def _send(registration: Registration, notice: str) -> None:
    person = registration.person
    meeting = registration.meeting
    language = person.language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(meeting.zone):
        subjects = {
            "invited": _("Invitation: %(title)s"),
            "confirmed": _("Your place is confirmed: %(title)s"),
            "registered": _("Registration received: %(title)s"),
            "waitlisted": _("On the waiting list: %(title)s"),
            "promoted": _("A place came free for you: %(title)s"),
            MEETING_CANCELLED: _("Cancelled: %(title)s"),
            EVALUATION: _("Your evaluation: %(title)s"),
        }
        context = {**_meeting_context(meeting), "registration": registration, "notice": notice}
        send_mail(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subjects[notice] % {"title": meeting},
            message=render_to_string("meetings/email/notice.txt", context),
            from_email=None,
            recipient_list=[person.email],
        )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def send_registration_notice(registration_id: int) -> str | None:
    """Tells a person where their registration stands, once per status."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("person", "meeting__host_city")
            .filter(pk=registration_id)
            .first()
        )
        if registration is None or registration.notified_status == registration.status:
            return None
        status = registration.status
        if status not in (*Registration.HOLDING, Registration.Status.WAITLISTED, "invited"):
            return None
        notice = status
        if registration.holds_place and registration.waitlisted_at is not None:
            notice = "promoted"
        _send(registration, notice)
        registration.notified_status = status
        registration.save(update_fields=["notified_status"])
        return notice


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def send_meeting_cancelled(meeting_id: int) -> int:
    """Tells everyone still on a cancelled meeting's list, each once."""
    sent = 0
    ids = Registration.objects.filter(
        meeting_id=meeting_id,
        meeting__status=Meeting.Status.CANCELLED,
        status__in=Registration.ACTIVE,
    ).values_list("pk", flat=True)
    for pk in list(ids):
        with transaction.atomic():
            registration = (
                Registration.objects.select_for_update(of=("self",))
                .select_related("person", "meeting__host_city")
                .get(pk=pk)
            )
            if registration.notified_status == MEETING_CANCELLED:
                continue
            _send(registration, MEETING_CANCELLED)
            registration.notified_status = MEETING_CANCELLED
            registration.save(update_fields=["notified_status"])
            sent += 1
    return sent


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def send_evaluation_requests(meeting_id: int) -> int:
    """Asks each attendee of a held meeting for their evaluation, once."""
    sent = 0
    ids = Registration.objects.filter(
        meeting_id=meeting_id,
        meeting__status__in=(Meeting.Status.HELD, Meeting.Status.EVALUATED),
        attended=True,
        evaluation_requested_at__isnull=True,
    ).values_list("pk", flat=True)
    for pk in list(ids):
        with transaction.atomic():
            registration = (
                Registration.objects.select_for_update(of=("self",))
                .select_related("person", "meeting__host_city")
                .get(pk=pk)
            )
            if registration.evaluation_requested_at is not None or not registration.attended:
                continue
            _send(registration, EVALUATION)
            registration.evaluation_requested_at = timezone.now()
            registration.save(update_fields=["evaluation_requested_at"])
            sent += 1
    return sent
