"""Periodic jobs of meetings (declared in ``CELERY_BEAT_SCHEDULE``). Each calls a service that
tells people through ``notify`` with a stable occasion, so two runs, or two beat processes,
send each message once."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from worldcities.machine_translation import TransientError
from worldcities.notifications.services import MAX_ATTEMPTS, retry_delay

from . import services


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def send_meeting_reminders() -> int:
    return services.meeting_reminders_send()


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def send_invitation_reminders() -> int:
    return services.invitation_reminders_auto()


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def send_evaluation_reminders() -> int:
    return services.evaluation_reminders_send()


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def purge_travel_details() -> int:
    return services.travel_details_purge()


@shared_task(
    acks_late=True,
    soft_time_limit=120,
    time_limit=180,
    autoretry_for=(TransientError,),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=6,
)
def draft_meeting_translation(meeting_id: int, language: str, by_id: int | None) -> bool:
    """Drafts, by machine translation, the translation of a meeting a coordinator asked for;
    does nothing if the meeting has one into that language by then."""
    return services.meeting_translation_draft_make(
        meeting_id=meeting_id, language=language, by_id=by_id
    )


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=MAX_ATTEMPTS - 1,
    soft_time_limit=120,
    time_limit=180,
)
def tell_registrations(self, registration_ids: list[int], promoted: bool = False) -> int:
    """Tells people where their registration stands once the change is committed
    (``services.registration_notices_send``, safe to repeat)."""
    try:
        return services.registration_notices_send(
            registration_ids=registration_ids, promoted=promoted
        )
    except (OperationalError, InterfaceError) as exc:  # the database away for a while
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries)) from exc
