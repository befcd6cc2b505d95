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
    again.get(timeout=20, disable_sync_subtasks=False)
    assert wait_until_sent(notification.email_id)
    assert (
        send_email.delay(notification.email_id).get(timeout=20, disable_sync_subtasks=False)
        is False
    )
    assert len([m for m in mail.outbox if m.subject == "In two days"]) == 1
    assert EmailMessage.objects.get(pk=notification.email_id).attempts == 1


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


def test_a_question_asked_while_the_broker_is_down_is_mailed_once_it_is_back(
    celery_worker_on_redis, client
):
    """The broker stops answering while a delegate asks a question: the request succeeds,
    the e-mail waits in the outbox, and the sweep sends it once the broker is back."""
    from django.utils import timezone

    from tests.conftest import _reconnect
    from tests.practices.factories import PracticeFactory
    from tests.users.factories import DelegateFactory

    practice = PracticeFactory()
    author_city_delegate = DelegateFactory(email="author.city@example.org", city=practice.city)
    asker = DelegateFactory(email="asker@example.org")
    app = celery_worker_on_redis
    working_broker = app.conf.broker_url
    _reconnect(app, broker_url="redis://127.0.0.1:1/0")  # nothing listens there
    try:
        client.force_login(asker)
        response = client.post(
            f"/practices/{practice.slug}/comments/",
            {"comment-kind": "question", "comment-body": "Who runs it now?"},
        )
    finally:
        _reconnect(app, broker_url=working_broker)
    assert response.status_code == 302
    message = EmailMessage.objects.get(to=author_city_delegate.email)
    assert message.status == EmailMessage.Status.PENDING
    EmailMessage.objects.update(created_at=timezone.now() - timezone.timedelta(minutes=5))
    assert services.email_sweep() == 1
    assert wait_until_sent(message.pk)
    assert [m.to for m in mail.outbox if "Who runs it now?" in m.body] == [
        [author_city_delegate.email]
    ]
