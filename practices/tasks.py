"""Background jobs of the practices app: thin, idempotent, enqueued after commit."""

from celery import shared_task

from .services import comment_notify_city


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
)
def notify_city_of_comment(comment_id: int) -> int:
    """Tells the delegates of a practice's city about a new question or comment (once)."""
    return comment_notify_city(comment_id=comment_id)
