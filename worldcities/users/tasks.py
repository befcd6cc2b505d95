from celery import shared_task

from .models import User
from .services import account_invitation_send


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def send_account_invitation(user_id: int) -> bool:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return False
    account_invitation_send(user=user)
    return True
