import datetime

import pytest
from django.db import connection
from django.utils import timezone

from meetings.models import Meeting
from meetings.selectors import meetings_visible, upcoming_meetings
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_the_next_meetings_are_found_without_reading_the_past_ones():
    first = MeetingFactory()
    now = timezone.now()
    Meeting.objects.bulk_create(
        MeetingFactory.build(
            edition=first.edition,
            host_city=first.host_city,
            slug=f"past-{n}",
            starts_at=now - datetime.timedelta(days=3000 - n // 2),
            ends_at=now - datetime.timedelta(days=2999 - n // 2),
        )
        for n in range(4000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE meetings_meeting")
    next_ones = upcoming_meetings(meetings_visible(None)).order_by("starts_at", "pk")[:3]

    plan = next_ones.explain(analyze=True)

    # The past meetings are passed over in an index of the ends, none of their rows read.
    assert "Index Cond: (ends_at >= " in plan
    assert "Seq Scan on meetings_meeting" not in plan
    assert "Rows Removed by Filter: 4000" not in plan
    assert list(next_ones) == [first]
    assert upcoming_meetings().count() == 1
