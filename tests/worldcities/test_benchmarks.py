"""What the benchmark reads off each response (queries and their time) and how a run's
slowest requests appear in its report."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from worldcities.benchmarks.middleware import QueryCountMiddleware
from worldcities.benchmarks.report import render


def test_each_response_reports_its_queries_and_their_time(db):
    def view(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.execute("SELECT 2")
        return HttpResponse("ok")

    response = QueryCountMiddleware(view)(RequestFactory().get("/"))
    assert response["X-Queries"] == "2"
    assert float(response["X-Queries-Ms"]) > 0

    quiet = QueryCountMiddleware(lambda request: HttpResponse("ok"))(RequestFactory().get("/"))
    assert (quiet["X-Queries"], quiet["X-Queries-Ms"]) == ("0", "0.0")


def test_the_report_lists_the_slowest_request_of_each_page_with_nothing_cached():
    page = {
        "rps": 100.0,
        "R": 0.5,
        "rate": 40.0,
        "p50_ms": 3.0,
        "p95_ms": 4.0,
        "p99_ms": 5.0,
        "cold_slowest": [
            {"ms": 160.2, "sql_ms": 120.5, "path": "/practices/?q=solar"},
            {"ms": 90.0, "sql_ms": 60.0, "path": "/practices/?q=wind"},
        ],
    }
    results = {
        "machine": {"cpus": 2, "cpu": "x", "memory_gib": 1, "python": "3", "system": "y"},
        "date": "2026-12-02",
        "scale": 1,
        "seed": 0,
        "duration_s": 8,
        "gunicorn": "3 workers",
        "pages": {"anonymous": {"practice_search": page}, "logged_in": {}},
    }
    text = render(results)
    assert (
        "| practice list, full-text search | anonymous | `/practices/?q=solar` | 160.2 | 120.5 |"
        in text
    )
    assert "?q=wind" not in text
    assert "- **Database:**" not in text  # a run from before the server was recorded

    results["database"] = {
        "server": "PostgreSQL 15.19",
        "shared_buffers": "128MB",
        "practice_table": "192 MB",
    }
    assert (
        "- **Database:** PostgreSQL 15.19, shared buffers 128MB (the practice table: 192 MB)"
        in render(results)
    )


def test_a_run_records_the_database_server_and_its_shared_buffers(db):
    from worldcities.benchmarks.run import database_server

    with connection.cursor() as cursor:
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    server = database_server()
    assert server["server"].startswith("PostgreSQL ")
    assert server["shared_buffers"] == shared_buffers
    assert server["practice_table"].endswith(("bytes", "kB", "MB", "GB"))


# --- The mixed mode -----------------------------------------------------------------------------
def _write(kind, ms, *, status=302, ok=True, queries=5, phase="paced", request_ms=None):
    return {
        "kind": kind,
        "status": status,
        "ms": ms,
        "queries": queries,
        "sql_ms": ms / 2,
        "request_ms": request_ms if request_ms is not None else ms - 1,
        "phase": phase,
        "late_ms": 0.0,
        "ok": ok,
    }


def test_the_response_also_says_how_long_the_request_took_in_the_server(db):
    response = QueryCountMiddleware(lambda request: HttpResponse("ok"))(RequestFactory().get("/"))
    assert float(response["X-Request-Ms"]) >= 0


def test_writes_are_summed_up_per_kind_in_rotation_order():
    from worldcities.benchmarks.writer import summarise

    writes = [
        *(_write("question", ms) for ms in range(10, 30)),  # 10 … 29 ms, below saturation
        # A write that waited for a free worker behind wrk's load, then took 25 ms.
        _write("question", 400, phase="saturated", request_ms=25),
        _write("question", 5, status=400, ok=False, queries=None),
        _write("register", 12, queries=9),
        _write("register", 14, queries=11),
        # A redirect to the login page is no registration.
        _write("register", 3, status=302, ok=False),
        _write("publish", 40, queries=30),
    ]
    summary = summarise(writes)

    assert list(summary) == ["question", "register", "publish"]
    question = summary["question"]
    assert (question["count"], question["failed"], question["failed_statuses"]) == (22, 1, [400])
    # Latencies below saturation are judged; those behind wrk's load are shown apart.
    assert (question["p50_ms"], question["p95_ms"], question["max_ms"]) == (20, 29, 29)
    assert question["paced_count"] == 20
    assert question["saturated_p95_ms"] == 400
    assert question["request_p95_ms"] == 27
    assert summary["register"]["failed_statuses"] == [302]
    assert (summary["register"]["queries_min"], summary["register"]["queries_max"]) == (9, 11)
    assert summary["publish"]["p95_ms"] == 40


def test_the_writer_keeps_a_steady_rate_and_publishes_now_and_then():
    from itertools import islice

    from worldcities.benchmarks.writer import PUBLISH_EVERY, ROTATION, kind_of, schedule

    assert list(islice(schedule(4, 100.0), 5)) == [100.0, 100.25, 100.5, 100.75, 101.0]
    kinds = [kind_of(n) for n in range(PUBLISH_EVERY * len(ROTATION))]
    assert kinds.count("publish") == len(ROTATION)
    assert set(kinds) == {*ROTATION, "publish"}
    assert kinds[: len(ROTATION)] == list(ROTATION)


def test_a_form_is_sent_as_a_browser_would_send_it():
    from worldcities.benchmarks.writer import form_with

    html = """
    <form method="post" action="/i18n/setlang/"><select name="language">
      <option value="en">English</option><option value="fr" selected>Français</option>
    </select></form>
    <form method="post">
      <input type="hidden" name="csrfmiddlewaretoken" value="x">
      <input name="title" value="Bike lanes &amp; more">
      <textarea name="body">
First line</textarea>
      <input type="checkbox" name="areas" value="1" checked>
      <input type="checkbox" name="areas" value="2">
      <input type="checkbox" name="ongoing">
      <select name="topics" multiple><option value="3" selected>A</option>
        <option value="4">B</option></select>
      <select name="pairing"><option value="">---</option><option value="7">P</option></select>
      <input type="file" name="cover_image">
      <input type="text" name="old" value="y" disabled>
      <button type="submit" name="then" value="submit">Save and submit</button>
    </form>
    """
    assert form_with(html, "title", "body") == [
        ("csrfmiddlewaretoken", "x"),
        ("title", "Bike lanes & more"),
        ("body", "First line"),
        ("areas", "1"),
        ("topics", "3"),
        ("pairing", ""),
    ]
    assert form_with(html, "language") == [("language", "fr")]
    with pytest.raises(LookupError):
        form_with(html, "nothing")


def test_the_broker_has_a_redis_database_of_its_own():
    from worldcities.benchmarks.run import broker_url

    assert broker_url("redis://127.0.0.1:6379/12") == "redis://127.0.0.1:6379/13"
    assert broker_url("redis://cache:6379") == "redis://cache:6379/1"


def _pages_with_mixed():
    def page(rps, p99, mixed_rps, mixed_p99):
        return {
            "rps": rps,
            "R": 0.5,
            "rate": 40.0,
            "p50_ms": 3.0,
            "p95_ms": 4.0,
            "p99_ms": p99,
            "mixed": {
                "rps": mixed_rps,
                "ceiling_rps": 2 * mixed_rps,
                "R": 0.45,
                "R_range": [0.4, 0.5],
                "rate": 40.0,
                "p50_ms": 3.5,
                "p95_ms": 5.0,
                "p99_ms": mixed_p99,
                "non_2xx_3xx": 0,
                "rps_ratio": round(mixed_rps / rps, 3),
                "p99_ratio": round(mixed_p99 / p99, 3),
                "writes": 22,
                "writes_failed": 1,
                "writer_cpu_seconds": 0.4,
            },
        }

    return {
        "ceiling": page(1000.0, 4.0, 990.0, 5.0),
        "practice_list": page(500.0, 6.0, 450.0, 9.0),
        "practice_detail": page(400.0, 10.0, 100.0, 160.0),
    }


def _results_with_writes():
    from worldcities.benchmarks.writer import summarise

    return {
        "machine": {"cpus": 2, "cpu": "x", "memory_gib": 1, "python": "3", "system": "y"},
        "date": "2026-12-06",
        "scale": 0.05,
        "seed": 0,
        "duration_s": 8,
        "gunicorn": "3 workers",
        "write_rate": 1.0,
        "pages": {"anonymous": _pages_with_mixed(), "logged_in": {}},
        "writes": {
            "rate": 1.0,
            "total": 4,
            "writer_cpu_seconds": 0.5,
            "late_p95_ms": 1.2,
            "kinds": summarise(
                [
                    _write("question", 20.0, queries=9),
                    _write("question", 30.0, queries=9),
                    _write("draft_save", 70.0, queries=25),
                    _write("draft_save", 5.0, status=403, ok=False),
                ]
            ),
        },
    }


def test_the_report_puts_each_page_reads_only_and_mixed_side_by_side():
    text = render(_results_with_writes())

    assert "### Reads-only and mixed (1 write per second): anonymous" in text
    assert (
        "| practice list, no filter | 500.0 | 450.0 | 0.9 | 0.5 | 0.45 | 3.0 | 3.5 | 4.0 | 5.0 "
        "| 6.0 | 9.0 | 1.5 | 22 (1) |" in text
    )
    assert "### Writes during the mixed passes (1 write per second)" in text
    assert "| question | 2 (2) | 0 | 30.0 | 30.0 | 30.0 | — | 29.0 | 15.0 | 9 |" in text
    assert "| draft save | 2 (1) | 1 (403) | 70.0 | 70.0 | 70.0 | — | 69.0 | 35.0 | 25 |" in text
    assert "In brackets after a count: the writes made while the pages were read below" in text
    assert "mixed pass at 1 writes/s with one Celery worker" in text


def test_a_run_without_writes_says_so():
    results = _results_with_writes()
    del results["writes"]
    results["write_rate"] = 0.0
    text = render(results)
    assert "No mixed pass (`--write-rate 0`)." in text
    assert "Reads-only and mixed" not in text
    assert "Celery worker" not in text


def test_the_mixed_targets_are_judged_for_public_pages_and_every_write():
    from worldcities.benchmarks.run import mixed_verdicts

    rows = {
        (r["page"], r["metric"]): (r["value"], r["met"])
        for r in mixed_verdicts(_results_with_writes())
    }

    assert ("ceiling", "mixed p99_ms") not in rows
    assert rows[("practice_list", "mixed req/s ÷ reads-only")] == (0.9, True)
    assert rows[("practice_list", "mixed p99 ÷ reads-only")] == (1.5, True)
    assert rows[("practice_list", "mixed p99_ms")] == (9.0, True)
    assert rows[("practice_detail", "mixed req/s ÷ reads-only")] == (0.25, False)
    assert rows[("practice_detail", "mixed p99 ÷ reads-only")] == (16.0, False)
    assert rows[("practice_detail", "mixed p99_ms")] == (160.0, False)
    assert rows[("write: question", "p95_ms")] == (30.0, True)
    # A write kind with failures does not meet its target, however fast the others were.
    assert rows[("write: draft_save", "p95_ms")] == (70.0, False)


def test_each_write_of_the_writer_does_what_a_person_would_do(live_server):
    """Against the running platform, as in the benchmark: every kind of write is a POST by a
    generated person with the right to make it, and changes what it says it changes."""
    from random import Random

    from meetings.models import Registration
    from practices.models import Comment, Follow, Practice
    from tests.cities.factories import CityFactory, PartnerCityFactory, ThematicAreaFactory
    from tests.meetings.factories import MeetingFactory
    from tests.practices.factories import PracticeFactory
    from tests.twinning.factories import ActionFactory, EditionFactory, PairingFactory
    from tests.users.factories import DelegateFactory, ProgrammeStaffFactory
    from worldcities.benchmarks.writer import WRITES, Writer, pick

    edition = EditionFactory()
    eu, partner = CityFactory(), PartnerCityFactory()
    pairing = PairingFactory(edition=edition, eu_lead=eu, partner_lead=partner)
    action = ActionFactory(pairing=pairing, status="planned", progress=0)
    person = DelegateFactory(email="user1@gen.example.org", city=eu)
    ProgrammeStaffFactory(email="staff@gen.example.org")
    area = ThematicAreaFactory()
    published = PracticeFactory(city=partner, thematic_areas=[area])
    draft = PracticeFactory(status=Practice.Status.DRAFT, city=eu, thematic_areas=[area])
    submitted = PracticeFactory(status=Practice.Status.SUBMITTED, thematic_areas=[area])
    meeting = MeetingFactory(edition=edition, host_city=partner)

    writer = Writer(live_server.url, pick(Random(0)), Random(0))

    def write(kind):
        made = WRITES[kind](writer)
        assert made.ok, made
        assert made.kind == kind

    write("question")
    assert Comment.objects.filter(practice=published, author=person, kind="question").exists()

    write("draft_save")
    draft.refresh_from_db()
    assert "Last reviewed at" in draft.body
    assert draft.status == Practice.Status.DRAFT
    assert list(draft.thematic_areas.all()) == [area]

    write("register")
    assert Registration.objects.get(meeting=meeting, person=person).status in Registration.ACTIVE
    write("withdraw")
    assert Registration.objects.get(meeting=meeting, person=person).status == "cancelled"

    write("follow")
    assert Follow.objects.filter(user=person, practice=published).exists()
    write("unfollow")
    assert not Follow.objects.filter(user=person, practice=published).exists()

    write("action_progress")
    action.refresh_from_db()
    assert action.status == "in_progress"
    assert 1 <= action.progress <= 99

    write("publish")
    submitted.refresh_from_db()
    assert submitted.status == Practice.Status.PUBLISHED


def test_slow_writes_overlap_so_that_the_rate_holds(db, monkeypatch):
    """A write slower than the interval does not hold the next one back, and a practice is
    unfollowed only by whoever followed it, once the follow was done."""
    import threading
    import time
    from random import Random

    from tests.users.factories import DelegateFactory, ProgrammeStaffFactory
    from worldcities.benchmarks import writer as bench_writer

    ProgrammeStaffFactory(email="staff@gen.example.org")
    people = DelegateFactory.create_batch(3)
    pools = {"delegates": people, "published": ["a", "b", "c"], "submitted": []}
    writer = bench_writer.Writer("http://127.0.0.1:1", pools, Random(0))
    for person in people:
        writer.person(person)  # logged in beforehand, in this thread

    sent, under_way, most = [], [0], [0]
    lock = threading.Lock()

    class SlowServer:
        def request(self, person, method, path, data=None):
            with lock:
                under_way[0] += 1
                most[0] = max(most[0], under_way[0])
                sent.append((person.email, path))
            time.sleep(0.06)
            with lock:
                under_way[0] -= 1
            return bench_writer.Reply(302, 60.0, 4, 1.0, 2.0, "/practices/a/", "")

    writer.client = SlowServer()
    monkeypatch.setattr(bench_writer, "ROTATION", ("follow", "question", "unfollow"))
    done = []
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    following = bench_writer.write_steadily(writer, 40, stop, done, 0)

    assert following == len(done)
    assert abs(len(done) - 20) <= 4  # 40 a second for half a second
    assert all(write["ok"] for write in done)
    assert most[0] > 1  # they overlapped
    kinds = [write["kind"] for write in done]
    assert {"follow", "question", "unfollow"} <= set(kinds)
    # Every unfollow toggles a pair that a finished follow had toggled on.
    toggled: dict = {}
    for email, path in sent:
        if path.endswith("/follow/"):
            toggled[(email, path)] = not toggled.get((email, path), False)
    assert sum(toggled.values()) == len(writer.followed)
    assert not writer.busy


def test_the_open_data_job_builds_the_practices_and_is_judged_on_time_and_memory(
    db, settings, tmp_path
):
    from tests.practices.factories import PracticeFactory
    from worldcities.benchmarks.jobs import open_data_practices
    from worldcities.benchmarks.run import job_verdicts

    settings.OPEN_DATA_ROOT = tmp_path / "open-data"
    PracticeFactory.create_batch(3)

    assert open_data_practices()["rows"] == 3
    assert not (tmp_path / "open-data").exists()
    measured = {"open-data-practices": {"seconds": 12.0, "peak_rss_mib": 320.0}}
    verdicts = {row["metric"]: row for row in job_verdicts({"jobs": measured})}
    assert verdicts["seconds"]["met"] is True
    assert verdicts["peak_rss_mib"]["met"] is False
    assert verdicts["peak_rss_mib"]["target"] == 300


# --- One worker holding every connection ---------------------------------------------------
WRK_OUTPUT = """Running 2s test @ http://127.0.0.1:8765
  1000 requests in 2.00s, 1.00MB read
Requests/sec:    500.00
"""


class FakeWrk:
    """A ``wrk`` process that prints ``WRK_OUTPUT``; ``started`` counts the runs."""

    started = 0

    def __init__(self, command, **kwargs):
        type(self).started += 1
        self.returncode = 0
        self.pid = 4242

    def communicate(self):
        return WRK_OUTPUT, None


@pytest.fixture
def wrk_runs(monkeypatch):
    from worldcities.benchmarks import run

    FakeWrk.started = 0
    monkeypatch.setattr(run.subprocess, "Popen", FakeWrk)
    monkeypatch.setattr(run.time, "sleep", lambda seconds: None)
    monkeypatch.setitem(run.SERVER, "workers", 3)
    return run


def test_a_wrk_run_whose_connections_all_went_to_one_worker_is_made_again(wrk_runs):
    spreads = iter([[8], [5, 3]])
    measured = _run_wrk_with(wrk_runs, lambda base, client: next(spreads))

    assert FakeWrk.started == 2
    assert measured["reruns"] == 1
    assert measured["rps"] == 500.0


def test_a_run_is_made_again_a_few_times_at_most(wrk_runs):
    measured = _run_wrk_with(wrk_runs, lambda base, client: [8])

    assert FakeWrk.started == wrk_runs.RERUNS + 1
    assert measured["reruns"] == wrk_runs.RERUNS


def test_a_run_spread_over_workers_or_on_a_server_of_one_worker_is_kept(wrk_runs, monkeypatch):
    assert _run_wrk_with(wrk_runs, lambda base, client: [4, 3, 1])["reruns"] == 0
    monkeypatch.setitem(wrk_runs.SERVER, "workers", 1)
    assert _run_wrk_with(wrk_runs, lambda base, client: [8])["reruns"] == 0
    # Nothing known (no ``ss``): kept as it is.
    monkeypatch.setitem(wrk_runs.SERVER, "workers", 3)
    assert _run_wrk_with(wrk_runs, lambda base, client: None)["reruns"] == 0
    assert FakeWrk.started == 3


def _run_wrk_with(run, holders):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run, "connection_holders", holders)
        return run.run_wrk("http://127.0.0.1:8765", "paths.txt", "", 2)


def test_the_connections_each_process_holds_are_read_off_ss(monkeypatch):
    import subprocess

    from worldcities.benchmarks import run

    # Both ends of each connection: three of the client 77's (two held by the worker 11, one
    # by 12) and one of another client's (the writer's), held by 13.
    listed = "".join(
        f'0 0 {local} {peer} users:(("{name}",pid={pid},fd=9))\n'
        for local, peer, name, pid in (
            ("127.0.0.1:8765", "127.0.0.1:5001", "gunicorn", 11),
            ("127.0.0.1:5001", "127.0.0.1:8765", "wrk", 77),
            ("127.0.0.1:8765", "127.0.0.1:5002", "gunicorn", 12),
            ("127.0.0.1:5002", "127.0.0.1:8765", "wrk", 77),
            ("127.0.0.1:8765", "127.0.0.1:5003", "gunicorn", 11),
            ("127.0.0.1:5003", "127.0.0.1:8765", "wrk", 77),
            ("127.0.0.1:8765", "127.0.0.1:5004", "gunicorn", 13),
            ("127.0.0.1:5004", "127.0.0.1:8765", "python", 88),
        )
    )
    asked = []

    def fake_run(command, **kwargs):
        asked.append(command)
        return subprocess.CompletedProcess(command, 0, stdout=listed)

    monkeypatch.setattr(run.subprocess, "run", fake_run)
    assert run.connection_holders("http://127.0.0.1:8765", 77) == [2, 1]
    assert run.connection_holders("http://127.0.0.1:8765", 88) == [1]
    assert run.connection_holders("http://127.0.0.1:8765", 99) is None
    assert asked[0][-1] == "( sport = :8765 or dport = :8765 )"

    def missing(command, **kwargs):
        raise FileNotFoundError(command[0])

    monkeypatch.setattr(run.subprocess, "run", missing)
    assert run.connection_holders("http://127.0.0.1:8765", 77) is None


def test_ss_names_the_holders_of_real_connections(live_server):
    """Against a server in this process: every connection of this process to it is held by
    this process (where ``ss`` is installed, as on the machines the benchmark runs on)."""
    import os
    import shutil
    from http.client import HTTPConnection
    from urllib.parse import urlsplit

    from worldcities.benchmarks import run

    assert shutil.which("ss"), "ss (iproute2) is needed by the benchmark"
    address = urlsplit(live_server.url)
    connections = [HTTPConnection(address.hostname, address.port) for _ in range(2)]
    for conn in connections:
        conn.request("GET", "/healthz/")
        conn.getresponse().read()
    try:
        assert run.connection_holders(live_server.url, os.getpid()) == [2]
    finally:
        for conn in connections:
            conn.close()


def test_the_report_says_how_often_a_measurement_was_made_again():
    results = _results_with_writes()
    pages = results["pages"]["anonymous"]
    pages["practice_list"]["reruns"] = 1
    pages["practice_list"]["mixed"]["reruns"] = 2
    pages["practice_detail"]["latency_reconnects"] = 1

    text = render(results)

    assert (
        "Measurements made again because one worker process held every connection: "
        "3 `wrk` runs, and the fixed-rate client's connections 1 time." in text
    )


def test_the_fixed_rate_client_connects_again_while_one_worker_holds_its_connections(
    live_server, monkeypatch
):
    from worldcities.benchmarks import run

    spreads = iter([[3], [2, 1]])
    monkeypatch.setattr(run, "connection_holders", lambda base, client: next(spreads))
    monkeypatch.setitem(run.SERVER, "workers", 3)

    connections, reconnects = run.connect_spread(live_server.url, 3)

    assert reconnects == 1
    assert len(connections) == 3
    for conn in connections:  # each open, and used once already
        conn.request("GET", "/healthz/")
        assert conn.getresponse().status == 200
        conn.close()
