from celery import shared_task
from django.db import InterfaceError, OperationalError

from worldcities.notifications.services import retry_delay

from .services import action_reminders_send, application_decisions_notify


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def send_action_reminders() -> dict[str, int]:
    """Reminds owners of actions due soon or overdue (safe to run twice a day: once per date)."""
    return action_reminders_send()


@shared_task(bind=True, acks_late=True, max_retries=5, soft_time_limit=120, time_limit=180)
def send_application_decisions(self, application_ids: list[int]) -> int:
    """Tells the cities the decisions on their applications (safe to repeat: each person is
    told of a decision once)."""
    try:
        return application_decisions_notify(application_ids=application_ids)
    except (OperationalError, InterfaceError) as exc:  # the database away for a while
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries)) from exc
