import random

from celery import shared_task
from django.db import DatabaseError

from . import services

MAX_ATTEMPTS = 3


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_ATTEMPTS - 1,
    soft_time_limit=30 * 60,
    time_limit=35 * 60,
)
def build_open_data(self) -> dict[str, int]:
    """Rebuilds every bulk download (idempotent: each run rewrites the files whole)."""
    try:
        return services.open_data_build()
    except (OSError, DatabaseError) as exc:  # a full disk or a lost connection may pass
        countdown = 60 * 2**self.request.retries + random.randint(0, 15)
        raise self.retry(exc=exc, countdown=countdown) from exc
