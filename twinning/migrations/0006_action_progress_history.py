"""Brings existing actions in line with the rule that status and percentage go together, and
gives each action that had moved past "planned at 0 %" a first progress update: the status
and percentage it held, at the time of its last change, with no author and no note."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

BATCH = 1000


def consistent(status: str, progress: int) -> tuple[str, int]:
    """The nearest consistent pair: the percentage is what was measured, so the status
    follows it; only a done action is taken at its word (100 %)."""
    if status == "dropped":
        return status, progress
    if status == "done":
        return status, 100
    if progress == 0:
        return "planned", 0
    if progress == 100:
        return "done", 100
    return "in_progress", progress


def forwards(apps, schema_editor):
    Action = apps.get_model("twinning", "Action")
    Update = apps.get_model("twinning", "ActionProgressUpdate")
    actions = Action.objects.order_by("pk").only("pk", "status", "progress", "updated_at")
    updates = []
    for action in actions.iterator(chunk_size=BATCH):
        status, progress = consistent(action.status, action.progress)
        if (status, progress) != (action.status, action.progress):
            # ``update`` keeps ``updated_at``: the data did not change in substance.
            Action.objects.filter(pk=action.pk).update(status=status, progress=progress)
        if (status, progress) != ("planned", 0):
            updates.append(Update(action_id=action.pk, status=status, progress=progress))
    Update.objects.bulk_create(updates, batch_size=BATCH)
    # Dated when the action last changed, not today (``auto_now_add`` set them to now).
    Update.objects.update(
        created_at=Subquery(Action.objects.filter(pk=OuterRef("action_id")).values("updated_at"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("twinning", "0005_action_progress_updates"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
