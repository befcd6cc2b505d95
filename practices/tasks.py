"""Background jobs of the practices app: thin and safe to run twice."""

from celery import shared_task

from worldcities.machine_translation import TransientError

from .services import (
    moderation_digest_send,
    pending_uploads_expire,
    practice_translation_draft_make,
)


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def send_moderation_digests() -> int:
    """Tells coordinators, once a day, how many practices wait for their review."""
    return moderation_digest_send()


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def expire_pending_uploads() -> int:
    """Removes files chosen on practice forms that were never saved, once they are old."""
    return pending_uploads_expire()


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
def draft_practice_translation(practice_id: int, language: str, by_id: int | None) -> bool:
    """Drafts, by machine translation, the translation of a practice a delegate asked for;
    does nothing if the practice has one into that language by then."""
    return practice_translation_draft_make(practice_id=practice_id, language=language, by_id=by_id)
