"""Meeting notices through the outbox and a real Celery worker on Redis, enqueued after the
commit."""

import datetime
import threading
import time

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from meetings import services
from tests.cities.factories import CityFactory
from tests.meetings.factories import MeetingFactory, QuotaFactory, RegistrationFactory, in_days
from tests.users.factories import DelegateFactory
from worldcities.notifications.models import EmailMessage, Notification

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def wait_for_mail(count: int, timeout: float = 15.0) -> list:
    deadline = time.monotonic() + timeout
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return mail.outbox


def test_worker_sends_waitlist_then_promotion(celery_worker_on_redis):
    city = CityFactory(name="Tampere", slug="tampere")
    meeting = MeetingFactory(registration_opens_at=in_days(-1), registration_closes_at=in_days(10))
    QuotaFactory(meeting=meeting, city=city, places=1)
    first = DelegateFactory(email="first@example.org", city=city)
    second = DelegateFactory(email="second@example.org", city=city)

    registration = services.registration_register(meeting=meeting, person=first)
    services.registration_register(meeting=meeting, person=second)
    outbox = wait_for_mail(2)
    assert sorted((m.to[0], m.subject.split(": ")[0]) for m in outbox) == [
        ("first@example.org", "Your place is confirmed"),
        ("second@example.org", "On the waiting list"),
    ]

    services.registration_cancel(registration=registration, by=first)
    outbox = wait_for_mail(3)
    assert outbox[-1].to == ["second@example.org"]
    assert "A place came free for you" in outbox[-1].subject
    time.sleep(0.5)
    assert len(mail.outbox) == 3


def _due_meeting_with(people: int):
    starts = timezone.now() + datetime.timedelta(days=2, hours=-1)
    meeting = MeetingFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=8))
    for _ in range(people):
        RegistrationFactory(meeting=meeting)
    return meeting


def test_worker_sends_a_due_reminder_once_when_the_task_runs_twice(celery_worker_on_redis):
    from meetings.tasks import send_meeting_reminders

    meeting = _due_meeting_with(3)
    first = send_meeting_reminders.delay()
    second = send_meeting_reminders.delay()
    assert sorted(
        [
            first.get(timeout=20, disable_sync_subtasks=False),
            second.get(timeout=20, disable_sync_subtasks=False),
        ]
    ) == [0, 3]
    outbox = wait_for_mail(3)
    time.sleep(0.5)
    assert len(mail.outbox) == 3
    assert {m.attachments[0][0] for m in outbox} == {f"meeting-{meeting.pk}.ics"}
    assert Notification.objects.filter(occasion="reminder:2d").count() == 3


def test_two_sweeps_at_the_same_moment_send_each_reminder_once(run_tasks):
    meeting = _due_meeting_with(8)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait()
            results.append(services.meeting_reminders_send(batch_size=3))
        except Exception as exc:  # reported by the assertion below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert EmailMessage.objects.filter(kind="meeting_reminder").count() == 8
    assert len(mail.outbox) == 8
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        r.person.email for r in meeting.registrations.select_related("person")
    )
