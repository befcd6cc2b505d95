"""The outbox against the real Redis broker and a real worker."""

import threading

import pytest
from django.core import mail
from django.db import connection

from tests.cities.factories import CityFactory
from worldcities.notifications import services
from worldcities.notifications.models import EmailMessage, Kind

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def wait_until_sent(message_id, timeout=20):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if EmailMessage.objects.get(pk=message_id).status == EmailMessage.Status.SENT:
            return True
        time.sleep(0.1)
    return False


def test_a_reminder_enqueued_twice_is_sent_once(celery_worker_on_redis, delegate):
    from worldcities.notifications.tasks import send_email

    # notify() enqueues the e-mail once its transaction commits; a redelivery enqueues it again.
    notification = services.notify(
        recipient=delegate, kind=Kind.MEETING_REMINDER, target=CityFactory(), title="In two days"
    )
    again = send_email.delay(notification.email_id)
    again.get(timeout=20)
    assert wait_until_sent(notification.email_id)
    assert send_email.delay(notification.email_id).get(timeout=20) is False
    assert len([m for m in mail.outbox if m.subject == "In two days"]) == 1
    assert EmailMessage.objects.get(pk=notification.email_id).attempts == 1


@pytest.mark.postgres
def test_two_sweeps_at_once_send_each_email_once(celery_worker_on_redis, delegate):
    from django.utils import timezone

    ids = [
        services.notify(
            recipient=delegate, kind=Kind.ACTION_DUE, target=city, title=f"Due: {city}"
        ).email_id
        for city in CityFactory.create_batch(5)
    ]
    EmailMessage.objects.update(created_at=timezone.now() - timezone.timedelta(minutes=5))

    def sweep():
        try:
            services.email_sweep()
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(wait_until_sent(message_id) for message_id in ids)
    subjects = [m.subject for m in mail.outbox if m.subject.startswith("Due:")]
    assert sorted(subjects) == sorted(set(subjects)) and len(subjects) == 5


def test_an_email_queued_while_the_broker_was_down_goes_out_when_it_is_back(
    celery_worker_on_redis, delegate, monkeypatch
):
    from django.utils import timezone

    from worldcities.notifications import tasks

    original_delay = tasks.send_email.delay

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.send_email, "delay", broker_down)
    notification = services.notify(
        recipient=delegate, kind=Kind.REGISTRATION, target=CityFactory(), title="Confirmed"
    )
    assert EmailMessage.objects.get().status == EmailMessage.Status.PENDING
    monkeypatch.setattr(tasks.send_email, "delay", original_delay)
    EmailMessage.objects.update(created_at=timezone.now() - timezone.timedelta(minutes=5))
    assert services.email_sweep() == 1
    assert wait_until_sent(notification.email_id)
