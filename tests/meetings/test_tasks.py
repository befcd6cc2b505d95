"""The e-mail tasks through a real Celery worker on Redis, enqueued after the commit."""

import time

import pytest
from django.core import mail

from meetings import services
from tests.cities.factories import CityFactory
from tests.meetings.factories import MeetingFactory, QuotaFactory, in_days
from tests.users.factories import DelegateFactory

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
        ("first@example.org", "[World Cities Exchange] Your place is confirmed"),
        ("second@example.org", "[World Cities Exchange] On the waiting list"),
    ]

    services.registration_cancel(registration=registration, by=first)
    outbox = wait_for_mail(3)
    assert outbox[-1].to == ["second@example.org"]
    assert "A place came free for you" in outbox[-1].subject
    time.sleep(0.5)
    assert len(mail.outbox) == 3
