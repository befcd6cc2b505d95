"""Fifty people register at the same moment, each from their own thread and database
connection: the row lock on the meeting gives exactly as many places as there are."""

import threading
import time
from collections import Counter

import pytest
from django.db import OperationalError, connection

from meetings import services
from meetings.models import Registration
from tests.cities.factories import CityFactory
from tests.meetings.factories import MeetingFactory, QuotaFactory, RegistrationFactory, in_days
from tests.users.factories import DelegateFactory

pytestmark = pytest.mark.django_db(transaction=True)


def with_a_connection(call, attempts: int = 50):
    """Runs ``call``, waiting for a free connection slot when the server has none left (other
    test processes may hold many at the same moment)."""
    for attempt in range(attempts):
        try:
            return call()
        except OperationalError as exc:
            if "connection slots" not in str(exc) and "too many clients" not in str(exc):
                raise
            connection.close()
            time.sleep(0.05 * (attempt + 1))
    return call()


def register_all_at_once(meeting, people) -> list:
    barrier = threading.Barrier(len(people))
    outcomes = [None] * len(people)

    def register(index, person):
        try:
            barrier.wait()
            registration = with_a_connection(
                lambda: services.registration_register(meeting=meeting, person=person)
            )
            outcomes[index] = (registration.status, services.registration_message(registration))
        except Exception as exc:  # reported by the assertion below
            outcomes[index] = ("error", repr(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=register, args=(i, person)) for i, person in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def open_meeting(**kwargs):
    return MeetingFactory(
        registration_opens_at=in_days(-1), registration_closes_at=in_days(10), **kwargs
    )


def test_fifty_at_once_for_the_last_places_of_a_city_quota():
    city = CityFactory(name="Tampere", slug="tampere")
    meeting = open_meeting()
    QuotaFactory(meeting=meeting, city=city, places=5)
    for i in range(3):
        RegistrationFactory(
            meeting=meeting, person=DelegateFactory(email=f"early{i}@example.org", city=city)
        )
    people = [DelegateFactory(email=f"rush{i}@example.org", city=city) for i in range(50)]

    outcomes = register_all_at_once(meeting, people)

    statuses = Counter(status for status, _message in outcomes)
    assert statuses == {"confirmed": 2, "waitlisted": 48}, outcomes
    assert Registration.objects.filter(meeting=meeting, status="confirmed").count() == 5
    waiting_messages = {
        message.split(" You are")[0] for s, message in outcomes if s == "waitlisted"
    }
    assert waiting_messages == {"The delegation of Tampere is full (5 places)."}
    positions = sorted(
        services.waitlist_position(r)
        for r in Registration.objects.filter(meeting=meeting, status="waitlisted")
    )
    assert positions == list(range(1, 49))


def test_fifty_at_once_for_the_total_capacity_across_cities():
    cities = [CityFactory(name=f"City {i}", slug=f"city-{i}") for i in range(5)]
    meeting = open_meeting(capacity=8)
    for city in cities:
        QuotaFactory(meeting=meeting, city=city, places=5)
    people = [DelegateFactory(email=f"p{i}@example.org", city=cities[i % 5]) for i in range(50)]

    outcomes = register_all_at_once(meeting, people)

    assert Counter(s for s, _m in outcomes) == {"confirmed": 8, "waitlisted": 42}, outcomes
    per_city = Counter(
        Registration.objects.filter(meeting=meeting, status="confirmed").values_list(
            "city__name", flat=True
        )
    )
    assert sum(per_city.values()) == 8 and max(per_city.values()) <= 5
