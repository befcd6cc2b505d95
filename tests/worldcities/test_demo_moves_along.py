"""The demo loaded on an earlier day moves along when loaded again. Apart from the other demo
tests (``test_demo.py``), whose module shares one seeded demo: this one seeds its own, on a
database without it."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from meetings.models import Meeting
from twinning.models import Edition
from worldcities import demo

from .test_demo import open_for_registration

pytestmark = pytest.mark.django_db


def test_loaded_on_an_earlier_day_it_moves_along_and_stays_live():
    call_command("load_worldcities", stdout=None)
    call_command("seed_demo", stdout=None)
    edition = Edition.objects.get(slug=demo.SLUG)
    # As if loaded 40 days ago: move it back, then load again today.
    demo._move(edition, -datetime.timedelta(days=40))
    assert not open_for_registration(edition).filter(kind=Meeting.Kind.WORKING).exists()
    starts = dict(Meeting.objects.filter(edition=edition).values_list("pk", "starts_at"))

    call_command("seed_demo", stdout=None)
    edition.refresh_from_db()
    assert edition.start_date == timezone.localdate() - datetime.timedelta(days=demo.LIVE_DAY)
    assert open_for_registration(edition).count() >= 2
    for pk, starts_at in Meeting.objects.filter(edition=edition).values_list("pk", "starts_at"):
        assert starts_at - starts[pk] == datetime.timedelta(days=40)
