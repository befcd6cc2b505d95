"""One background job over all generated data, in a process of its own so that its peak
memory is the job's: ``python -m worldcities.benchmarks.jobs report-pdf|report-xlsx|
action-reminders|meeting-reminders|open-data-practices|opportunity-matching|matchmaking|
similar-practices``. Prints one JSON object (seconds, peak RSS, queries)."""

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


MATCH_SIDE = 100
SIMILAR_SAMPLE = 200


def matchmaking() -> dict:
    """The suggestions and the whole-edition assignment for an edition of up to 100 EU and
    100 partner cities (fewer where the data has fewer), each wanting one or two thematic
    areas and up to three topics, with goals written from the topics' words, over every
    generated practice. The edition is made for the run and rolled back; only the
    suggestions are timed."""
    import random

    from django.db import connection, transaction

    from cities.models import City, Topic
    from practices.models import Practice
    from twinning.models import Edition, EditionCity
    from twinning.selectors import edition_matchmaking
    from worldcities.datagen import AREAS

    rng = random.Random(22)
    words = {topic: ws for topics in AREAS.values() for topic, ws in topics.items()}
    topics = list(Topic.objects.select_related("area"))
    today = datetime.date(2026, 1, 1)
    with transaction.atomic():
        edition = Edition.objects.create(
            name="Matchmaking benchmark",
            slug="matchmaking-benchmark",
            start_date=today,
            end_date=today + datetime.timedelta(days=400),
        )
        eu = City.objects.filter(country__eu_joined__isnull=False, country__eu_left__isnull=True)
        partner = City.objects.filter(country__eu_joined__isnull=True)
        cities = [*eu.order_by("?")[:MATCH_SIDE], *partner.order_by("?")[:MATCH_SIDE]]
        rows = EditionCity.objects.bulk_create(
            EditionCity(edition=edition, city=city, goals="") for city in cities
        )
        area_links, topic_links = [], []
        for row in rows:
            chosen = rng.sample(topics, k=rng.randint(1, 3))
            row.goals = (
                "We want "
                + ", ".join(rng.choice(words.get(t.name, [t.name.lower()])) for t in chosen)
                + " for our citizens."
            )
            topic_links += [(row.pk, t.pk) for t in chosen]
            area_links += [(row.pk, pk) for pk in {t.area_id for t in chosen}]
        EditionCity.objects.bulk_update(rows, ["goals"])
        EditionCity.topics.through.objects.bulk_create(
            EditionCity.topics.through(editioncity_id=r, topic_id=t) for r, t in topic_links
        )
        EditionCity.thematic_areas.through.objects.bulk_create(
            EditionCity.thematic_areas.through(editioncity_id=r, thematicarea_id=a)
            for r, a in area_links
        )
        queries = [0]

        def counting(execute, sql, params, many, context):
            queries[0] += 1
            return execute(sql, params, many, context)

        # What a serving process has loaded already: the solver and the URL patterns.
        import scipy.optimize  # noqa: F401
        from django.urls import reverse

        reverse("practices:list")
        started = time.perf_counter()
        with connection.execute_wrapper(counting):
            result = edition_matchmaking(edition)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {
        "eu_cities": len(result.eu),
        "partner_cities": len(result.partners),
        "practices": Practice.objects.published().count(),
        "pairs_scored": len(result.eu) * len(result.partners),
        "assignment_pairs": len(result.assignment),
        "suggestions_seconds": round(seconds, 3),
        "suggestions_queries": queries[0],
    }


def similar_practices() -> dict:
    """ "Similar practices" as a practice page computes it when nothing is cached, for 200
    published practices drawn at random: milliseconds per practice (p50, p95) and queries."""
    import random
    import statistics

    from django.db import connection

    from practices.models import Practice
    from practices.selectors import similar_practices as similar

    pks = list(Practice.objects.published().values_list("pk", flat=True))
    sample = random.Random(22).sample(pks, k=min(SIMILAR_SAMPLE, len(pks)))
    practices = Practice.objects.filter(pk__in=sample).only("pk", "topic_ids", "area_ids")
    timings, queries = [], [0]

    def counting(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        for practice in practices:
            started = time.perf_counter()
            similar(practice)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "practices": len(timings),
        "p50_ms": round(statistics.median(timings), 2) if timings else None,
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 2) if timings else None,
        "queries_per_practice": round(queries[0] / max(len(timings), 1), 2),
    }


JOBS = {
    "report-pdf": lambda: report("pdf"),
    "report-xlsx": lambda: report("xlsx"),
    "action-reminders": action_reminders,
    "meeting-reminders": meeting_reminders,
    "open-data-practices": open_data_practices,
    "opportunity-matching": opportunity_matching,
    "matchmaking": matchmaking,
    "similar-practices": similar_practices,
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
