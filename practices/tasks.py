"""Background jobs of the practices app: thin and safe to run twice."""

from celery import shared_task

from .services import moderation_digest_send, pending_uploads_expire


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def send_moderation_digests() -> int:
    """Tells coordinators, once a day, how many practices wait for their review."""
    return moderation_digest_send()


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def expire_pending_uploads() -> int:
    """Removes files chosen on practice forms that were never saved, once they are old."""
    return pending_uploads_expire()
