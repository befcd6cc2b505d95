"""The migration that brings existing actions in line with the status-and-percentage rule and
gives them a first progress update (``twinning.0006_action_progress_history``)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.twinning.factories import ActionFactory
from twinning.models import Action, ActionProgressUpdate

BEFORE = [("twinning", "0005_action_progress_updates")]
AFTER = [("twinning", "0007_action_status_matches_progress")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_existing_actions_are_brought_in_line_and_get_a_first_update(pairing):
    migrate(BEFORE)
    try:
        rows = {
            name: ActionFactory(pairing=pairing, title=name, status=status, progress=progress)
            for name, status, progress in [
                ("planned at 40", "planned", 40),
                ("in progress at 0", "in_progress", 0),
                ("done at 60", "done", 60),
                ("dropped at 30", "dropped", 30),
                ("not started", "planned", 0),
            ]
        }
        last_change = timezone.now() - datetime.timedelta(days=400)
        Action.objects.update(updated_at=last_change)
    finally:
        migrate(AFTER)

    moved = {a.title: (a.status, a.progress) for a in Action.objects.all()}
    assert moved == {
        "planned at 40": ("in_progress", 40),
        "in progress at 0": ("planned", 0),
        "done at 60": ("done", 100),
        "dropped at 30": ("dropped", 30),
        "not started": ("planned", 0),
    }
    updates = {u.action.title: u for u in ActionProgressUpdate.objects.select_related("action")}
    assert set(updates) == {"planned at 40", "done at 60", "dropped at 30"}
    for update in updates.values():
        assert (update.author, update.note) == (None, "")
        assert update.created_at == last_change  # dated when the action last changed
        assert (update.status, update.progress) == moved[update.action.title]
    assert rows["not started"].progress_updates.count() == 0
