"""Upcoming and past follow the clock: each kept meeting list moves on every five minutes, at a
moment of its own (``selectors.list_shows``), so that the lists are not all computed again at
the same moment."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from meetings.selectors import meeting_list_html
from tests.meetings.factories import MeetingFactory
from worldcities import versions

pytestmark = pytest.mark.django_db

QUERIES = [f"q=word{n}" for n in range(8)]


def computed_again(monkeypatch, at: float) -> set[str]:
    """The lists that had to be computed again at ``at`` (the clock's time)."""
    monkeypatch.setattr(versions.time, "time", lambda: at)
    found = set()
    for query in QUERIES:
        with CaptureQueriesContext(connection) as captured:
            meeting_list_html(QueryDict(query))
        if captured.captured_queries:
            found.add(query)
    return found


def test_each_meeting_list_moves_on_within_five_minutes_at_a_moment_of_its_own(monkeypatch):
    MeetingFactory()
    start = 30_000.0
    assert computed_again(monkeypatch, start) == set(QUERIES)
    assert computed_again(monkeypatch, start) == set()  # kept

    steps = []
    for second in range(1, 301):
        if moved := computed_again(monkeypatch, start + second):
            steps.append(moved)
    # Every list moved on within five minutes, once, and not all of them at once.
    assert sorted(q for moved in steps for q in moved) == sorted(QUERIES)
    assert len(steps) > 1
