"""One background job over all generated data, in a process of its own so that its peak
memory is the job's: ``python -m worldcities.benchmarks.jobs report-pdf|report-xlsx|
action-reminders|meeting-reminders|open-data-practices|opportunity-matching``. Prints one JSON
object (seconds, peak RSS, queries)."""

import contextlib
import datetime
import importlib
import json
import resource
import sys
import time


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _largest_edition():
    from django.db.models import Count

    from twinning.models import Edition

    return Edition.objects.annotate(n=Count("pairings")).order_by("-n", "pk").first()


def report(fmt: str) -> dict:
    from worldcities.datagen import GENERATED_DOMAIN
    from worldcities.reports.models import Report
    from worldcities.reports.services import report_generate
    from worldcities.users.models import User

    edition = _largest_edition()
    staff = User.objects.get(email=f"staff@{GENERATED_DOMAIN}")
    row = Report.objects.create(
        kind=Report.Kind.EDITION,
        format=fmt,
        target_id=edition.pk,
        title=f"Edition progress: {edition}",
        requested_by=staff,
    )
    ok = report_generate(report_id=row.pk)
    row.refresh_from_db()
    return {
        "edition": str(edition),
        "pairings": edition.n,
        "ok": ok,
        "bytes": row.file.size if row.file else 0,
    }


@contextlib.contextmanager
def _from_a_clean_outbox(kind: str):
    """Runs a reminder job as if nobody had been told yet, and leaves the database as it was:
    the job's notifications and e-mails are written, then rolled back (so every run measures
    the sending, and nothing is enqueued)."""
    from django.db import transaction

    from worldcities.notifications.models import EmailMessage, Notification

    with transaction.atomic():
        Notification.objects.filter(kind=kind).delete()
        EmailMessage.objects.filter(kind=kind).delete()
        yield
        transaction.set_rollback(True)


def action_reminders() -> dict:
    from twinning.services import action_reminders_send
    from worldcities.datagen import ANCHOR

    with _from_a_clean_outbox("action_due"):
        counts = action_reminders_send(today=ANCHOR.date())
    return {"items": counts["due_soon"] + counts["overdue"], **counts}


def meeting_reminders() -> dict:
    """The meetings app's reminder sweep, if it has one (named ``*reminders_send``)."""
    for module_name in ("meetings.services", "meetings.notices", "meetings.tasks"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name in ("meeting_reminders_send", "registration_reminders_send", "reminders_send"):
            sweep = getattr(module, name, None)
            if callable(sweep):
                with _from_a_clean_outbox("meeting_reminder"):
                    result = sweep(now=datetime.datetime.now(tz=datetime.UTC))
                return {"function": f"{module_name}.{name}", "result": str(result)}
    return {"skipped": "the meetings app has no reminder sweep yet"}


def open_data_practices() -> dict:
    """The practices' bulk downloads (CSV and JSON, written in one pass), into a folder of
    their own that is removed afterwards."""
    import shutil
    import tempfile

    from django.test import override_settings

    from worldcities.opendata import services
    from worldcities.opendata.resources import PRACTICES

    folder = tempfile.mkdtemp(prefix="bench-open-data-")
    try:
        with override_settings(OPEN_DATA_ROOT=folder):
            built = services.resource_build(resource=PRACTICES)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"rows": built["rows"], "json_bytes": built["bytes"]["json"]}


def opportunity_matching() -> dict:
    """The periodic matching (``cities.tasks.match_opportunities``: batch after batch) over
    every opportunity, as if none had been matched and nobody told, rolled back afterwards.
    ``match_seconds`` is the matching's own time, without making the data ready for it."""
    from django.db import transaction
    from django.db.models import Count

    from cities.models import Opportunity
    from cities.services import opportunities_match
    from worldcities.notifications.models import EmailMessage, Notification

    kind = "opportunity_match"
    with transaction.atomic():
        Notification.objects.filter(kind=kind).delete()
        EmailMessage.objects.filter(kind=kind).delete()
        Opportunity.objects.update(matched_at=None)
        matched = batches = 0
        started = time.perf_counter()
        while done := opportunities_match():
            matched += done
            batches += 1
        match_seconds = time.perf_counter() - started
        told = Notification.objects.filter(kind=kind).aggregate(
            notices=Count("pk"), people=Count("recipient", distinct=True)
        )
        emails = EmailMessage.objects.filter(kind=kind).count()
        transaction.set_rollback(True)
    return {
        "match_seconds": round(match_seconds, 2),
        "items": matched,
        "batches": batches,
        **told,
        "emails": emails,
    }


JOBS = {
    "report-pdf": lambda: report("pdf"),
    "report-xlsx": lambda: report("xlsx"),
    "action-reminders": action_reminders,
    "meeting-reminders": meeting_reminders,
    "open-data-practices": open_data_practices,
    "opportunity-matching": opportunity_matching,
}


def main(name: str) -> dict:
    import django

    django.setup()
    from django.db import connection

    queries = [0]

    def counting(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    # A worker has loaded the URL configuration by its first task: not a job's cost (a job
    # that links to a page would otherwise pay it, about 3 s on the benchmark machine).
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - loads every URL module
    baseline = _peak_rss_mib()
    started = time.perf_counter()
    with connection.execute_wrapper(counting):
        details = JOBS[name]()
    seconds = time.perf_counter() - started
    result = {
        "job": name,
        "seconds": round(seconds, 2),
        "peak_rss_mib": round(_peak_rss_mib(), 1),
        "rss_before_mib": round(baseline, 1),
        "queries": queries[0],
        **details,
    }
    if details.get("items"):
        result["queries_per_item"] = round(queries[0] / details["items"], 2)
    return result


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
