"""Dietary needs and visa-letter requests are forgotten a while after their meeting ends."""

import datetime

import pytest
from django.utils import timezone

from meetings.services import travel_details_purge
from meetings.tasks import purge_travel_details

from .factories import MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _registration(days_since_end: int, **details):
    ends = timezone.now() - datetime.timedelta(days=days_since_end)
    meeting = MeetingFactory(starts_at=ends - datetime.timedelta(days=2), ends_at=ends)
    return RegistrationFactory(meeting=meeting, **details)


def test_travel_details_are_purged_after_the_days_kept(settings, django_assert_num_queries):
    settings.TRAVEL_DETAILS_KEEP_DAYS = 30
    old = [_registration(31, dietary_needs="Vegetarian", needs_visa_letter=True) for _ in range(3)]
    recent = _registration(29, dietary_needs="No nuts", needs_visa_letter=True)
    with django_assert_num_queries(1):
        assert travel_details_purge() == 3
    for registration in old:
        registration.refresh_from_db()
        assert (registration.dietary_needs, registration.needs_visa_letter) == ("", False)
    recent.refresh_from_db()
    assert (recent.dietary_needs, recent.needs_visa_letter) == ("No nuts", True)
    # The registrations themselves stay: who came is the programme's record.
    assert all(r.__class__.objects.filter(pk=r.pk).exists() for r in old)


def test_the_purge_runs_as_a_daily_job_and_twice_changes_nothing(settings):
    assert "travel-details-purge" in settings.CELERY_BEAT_SCHEDULE
    _registration(60, dietary_needs="Halal")
    assert purge_travel_details() == 1
    assert purge_travel_details() == 0
