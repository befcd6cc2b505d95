from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services
from .models import Delivery


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=services.MAX_ATTEMPTS - 1,
    soft_time_limit=60,
    time_limit=90,
)
def send_email(self, message_id: int) -> bool:
    try:
        return services.email_send(message_id=message_id)
    except services.TRANSIENT_ERRORS as exc:
        final = self.request.retries >= self.max_retries
        services.email_record_failure(message_id=message_id, error=exc, final=final)
        if final:
            return False
        raise self.retry(exc=exc, countdown=services.retry_delay(self.request.retries)) from exc


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=services.MAX_ATTEMPTS - 1,
    soft_time_limit=120,
    time_limit=180,
)
def notify_people(self, **payload) -> int:
    """Tells many people of one thing (``services.notify_people_later``)."""
    try:
        return services.notify_people_now(**payload)
    except (OperationalError, InterfaceError) as exc:  # the database away for a while
        raise self.retry(exc=exc, countdown=services.retry_delay(self.request.retries)) from exc


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def sweep_outbox() -> int:
    return services.email_sweep()


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def send_daily_digests() -> int:
    return services.digest_send(period=Delivery.DAILY)


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def send_weekly_digests() -> int:
    return services.digest_send(period=Delivery.WEEKLY)
