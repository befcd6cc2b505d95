from celery import shared_task

from .services import action_reminders_send


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def send_action_reminders() -> dict[str, int]:
    """Reminds owners of actions due soon or overdue (safe to run twice a day: once per date)."""
    return action_reminders_send()
