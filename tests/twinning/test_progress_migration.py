"""The migration that brings existing actions in line with the status-and-percentage rule and
gives them a first progress update (``twinning.0006_action_progress_history``)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("twinning", "0005_action_progress_updates")]
# The migration under test and the next one, whose constraint the moved actions must satisfy.
AFTER = [("twinning", "0007_action_status_matches_progress")]


def migrate(targets):
    """Migrates to ``targets`` and returns the models as they stand there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db
def test_existing_actions_are_brought_in_line_and_get_a_first_update(pairing):
    # PostgreSQL changes the schema inside the test's transaction, so going back and forth
    # takes only the migrations in between: the rollback at the end restores the schema of
    # every later migration without applying them again. Foreign keys are checked at once:
    # the schema of a table cannot change while checks of its rows are still pending.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    old = migrate(BEFORE).get_model("twinning", "Action")
    for name, status, progress in [
        ("planned at 40", "planned", 40),
        ("in progress at 0", "in_progress", 0),
        ("done at 60", "done", 60),
        ("dropped at 30", "dropped", 30),
        ("not started", "planned", 0),
    ]:
        old.objects.create(
            pairing_id=pairing.pk,
            title=name,
            due_date=datetime.date(2018, 3, 31),
            status=status,
            progress=progress,
        )
    last_change = timezone.now() - datetime.timedelta(days=400)
    old.objects.update(updated_at=last_change)

    new = migrate(AFTER)
    Action = new.get_model("twinning", "Action")
    ActionProgressUpdate = new.get_model("twinning", "ActionProgressUpdate")

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
    assert Action.objects.get(title="not started").progress_updates.count() == 0
