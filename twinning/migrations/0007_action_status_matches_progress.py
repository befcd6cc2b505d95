from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("twinning", "0006_action_progress_history"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="action",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("progress", 0), ("status", "planned")),
                    models.Q(
                        ("progress__gte", 1), ("progress__lte", 99), ("status", "in_progress")
                    ),
                    models.Q(("progress", 100), ("status", "done")),
                    ("status", "dropped"),
                    _connector="OR",
                ),
                name="action_status_matches_progress",
                violation_error_message="Planned goes with 0 %, in progress with 1 to 99 %, done with 100 %; dropped keeps whatever was reached.",
            ),
        ),
    ]
