"""``make bench``: generate data in a database of its own, serve the platform with gunicorn
under production settings (plus ``worldcities.settings.bench``) on 127.0.0.1, and measure each
key page against the ceiling view. Results go to ``docs/benchmarks.md`` and
``docs/benchmarks.json``. See ``docs/benchmarks.md`` for how to read them.

Each page is measured reads-only, then again while ``worldcities.benchmarks.writer`` writes
at a steady rate (``--write-rate``, 1 a second by default; 0 skips the mixed pass).

    python -m worldcities.benchmarks.run [--scale 1] [--duration 8] [--reuse] [--write-rate 1]
"""

import argparse
import contextlib
import datetime
import json
import math
import os
import platform
import queue
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from worldcities import gunicorn as web
from worldcities.benchmarks.writer import PACED, SATURATED, percentile, summarise

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
WORK = ROOT / "var" / "bench"
LUA = Path(__file__).with_name("varied.lua")
LATENCY_SAMPLES = 100
URLS_PER_PAGE = 60

# The targets, checked in the report.
TARGETS = {
    "practice_list": {"R": 0.30},
    "practice_facets": {"p95_ms": 100, "queries": 10},
    "practice_search": {"p95_ms": 150},
    "practice_detail": {"R": 0.40, "queries": 12},
    "city_detail": {"R": 0.40, "queries": 12},
    "pairing_detail": {"R": 0.40, "queries": 12},
    "meeting_detail": {"R": 0.40, "queries": 12},
    "admin_pairings": {"p95_ms": 200},
    "api_practice_list": {"p95_ms": 50},
    # A pairing's workspace with 5,000 messages and 500 documents (``datagen.workspace_fill``),
    # its discussions, a thread, its library and its timeline, for a member.
    "workspace": {"p95_ms": 60, "queries": 12},
}
# The background jobs' (a job measured in a process of its own, ``jobs.py``).
JOB_TARGETS = {
    "open-data-practices": {"seconds": 60, "peak_rss_mib": 300},
    "opportunity-matching": {"match_seconds": 10},
    "matchmaking": {"suggestions_seconds": 2.0},
    "similar-practices": {"p95_ms": 10},
}
# The mixed mode's: every public page, mixed against reads-only, and every kind of write.
MIXED_TARGETS = {"rps_ratio": 0.8, "p99_ratio": 3.0, "p99_ms": 150}
WRITE_TARGETS = {"p95_ms": 50}
NOT_PUBLIC = {"ceiling", "admin_pairings", "workspace"}
# Pages that only people who log in may open: measured logged in only.
MEMBERS_ONLY = {"admin_pairings", "workspace"}
MIXED_CHECKS = (
    ("mixed req/s ÷ reads-only", "rps_ratio", lambda value, target: value >= target),
    ("mixed p99 ÷ reads-only", "p99_ratio", lambda value, target: value <= target),
    ("mixed p99_ms", "p99_ms", lambda value, target: value < target),
)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


# --- The database ---------------------------------------------------------------------------
def bench_database_url(name: str) -> str:
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    parts = urlsplit(base)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("The benchmark needs PostgreSQL (DATABASE_URL=postgres://…).")
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def database_exists(url: str) -> bool:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        row = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [parts.path.lstrip("/")]
        ).fetchone()
    return row is not None


def manage(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


# --- The URLs -------------------------------------------------------------------------------
def sample_urls(rng) -> dict[str, list[str]]:
    """Varied URLs per page, drawn from the generated rows and their vocabulary."""
    from cities.models import City, Country, ThematicArea
    from meetings.models import Meeting
    from practices.models import Practice
    from twinning.models import Document, Edition, Pairing, Thread
    from worldcities.datagen import AREAS, busy_workspace

    def ids(qs, field, n=URLS_PER_PAGE):
        values = list(qs.order_by("?").values_list(field, flat=True)[: n * 3])
        rng.shuffle(values)
        return values[:n]

    published = Practice.objects.published()
    areas = list(ThematicArea.objects.values_list("slug", flat=True))
    countries = list(Country.objects.values_list("code", flat=True))
    editions = list(Edition.objects.values_list("slug", flat=True))
    words = sorted({w for topics in AREAS.values() for ws in topics.values() for w in ws})
    words += sorted({t.lower() for topics in AREAS.values() for t in topics})
    practice_pages = max(1, published.count() // 12)
    from django.contrib import admin

    per_admin_page = admin.site.get_model_admin(Pairing).list_per_page
    admin_pages = max(1, Pairing.objects.count() // per_admin_page)

    def q(params):
        return "?" + urlencode(params)

    busy = busy_workspace()
    space = f"/pairings/{busy.slug}/workspace/"
    thread_ids = ids(Thread.objects.filter(pairing=busy), "pk", n=URLS_PER_PAGE // 4)
    document_ids = ids(Document.objects.filter(pairing=busy), "pk", n=URLS_PER_PAGE // 4)
    thread_pages = max(1, Thread.objects.filter(pairing=busy).count() // 20)
    document_pages = max(
        1, len(document_ids) and Document.objects.filter(pairing=busy).count() // 20
    )

    return {
        "ceiling": ["/bench/ceiling/"],
        "home": ["/"],
        "practice_list": ["/practices/"]
        + [
            f"/practices/{q({'page': rng.randint(2, min(practice_pages, 400))})}"
            for _ in range(URLS_PER_PAGE)
        ],
        "practice_facets": [
            "/practices/"
            + q(
                {
                    "area": rng.choice(areas),
                    "country": rng.choice(countries),
                    "side": rng.choice(["eu", "partner"]),
                }
            )
            for _ in range(URLS_PER_PAGE)
        ],
        "practice_search": [
            "/practices/" + q({"q": " ".join(rng.sample(words, k=rng.choice([1, 1, 2])))})
            for _ in range(URLS_PER_PAGE)
        ],
        "practice_detail": [f"/practices/{s}/" for s in ids(published, "slug")],
        "city_detail": [f"/cities/{s}/" for s in ids(City.objects.all(), "slug")],
        "pairing_list": ["/pairings/"]
        + [
            "/pairings/"
            + q(
                {
                    "edition": rng.choice(editions),
                    **({"thematic_area": rng.choice(areas)} if rng.random() < 0.5 else {}),
                    "page": rng.randint(1, 3),
                }
            )
            for _ in range(URLS_PER_PAGE)
        ],
        "pairing_detail": [f"/pairings/{s}/" for s in ids(Pairing.objects.all(), "slug")],
        "meeting_list": ["/meetings/"]
        + [
            "/meetings/" + q({"edition": rng.choice(editions), "page": rng.randint(1, 3)})
            for _ in range(URLS_PER_PAGE)
        ],
        "meeting_detail": [f"/meetings/{pk}/" for pk in ids(Meeting.objects.all(), "pk")],
        "api_practice_list": ["/api/v1/practices/?page_size=50"]
        + [
            "/api/v1/practices/" + q({"page_size": 50, "area": rng.choice(areas)})
            for _ in range(URLS_PER_PAGE)
        ],
        "workspace": [space]
        + [f"{space}{q({'page': rng.randint(1, thread_pages)})}" for _ in range(10)]
        + [f"{space}threads/{pk}/" for pk in thread_ids]
        + [f"{space}documents/{q({'page': rng.randint(1, document_pages)})}" for _ in range(10)]
        + [f"{space}documents/{pk}/" for pk in document_ids]
        + [f"{space}timeline/{q({'page': rng.randint(1, 20)})}" for _ in range(10)],
        "admin_pairings": [
            "/admin/twinning/pairing/" + q({"p": rng.randint(1, admin_pages)})
            for _ in range(URLS_PER_PAGE)
        ],
    }


def session_cookie() -> str:
    """A session for a generated programme staff member (the admin is theirs)."""
    from django.conf import settings

    from worldcities.benchmarks.writer import log_in
    from worldcities.datagen import GENERATED_DOMAIN
    from worldcities.users.models import User

    user = User.objects.get(email=f"staff@{GENERATED_DOMAIN}")
    return f"{settings.SESSION_COOKIE_NAME}={log_in(user)}"


# --- Measuring ------------------------------------------------------------------------------
def fetch(base, path, cookie="") -> tuple[int, dict]:
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 - loopback http
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            response.read()
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def forget_cached_pages() -> None:
    """Empties the cache: every cached part and value goes."""
    from django.core.cache import cache

    cache.clear()


def cold_pass(base, paths, cookie) -> dict:
    """Each URL once, one after the other, right after every cached page went stale: what a
    reader waits for and how many queries a page makes when the cache cannot help."""
    forget_cached_pages()
    latencies, counts, slowest = [], [], []
    for path in paths:
        started = time.perf_counter()
        _status, headers = fetch(base, path, cookie)
        latencies.append(time.perf_counter() - started)
        if "X-Queries" in headers:
            counts.append(int(headers["X-Queries"]))
        slowest.append((latencies[-1], float(headers.get("X-Queries-Ms", 0)), path))
    ordered = sorted(latencies)
    # The three slowest, with their time in SQL: what the tail is made of.
    slowest = [
        {"ms": round(1000 * seconds, 1), "sql_ms": sql_ms, "path": path}
        for seconds, sql_ms, path in sorted(slowest, reverse=True)[:3]
    ]

    def pct(p):
        return round(1000 * ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)

    return {
        "cold_p50_ms": pct(50),
        "cold_p95_ms": pct(95),
        "cold_max_ms": round(1000 * ordered[-1], 1),
        "cold_queries_max": max(counts) if counts else None,
        "cold_slowest": slowest,
    }


def queries_per_request(base, paths, cookie) -> dict:
    counts, statuses = [], []
    for path in paths[:8]:
        status, headers = fetch(base, path, cookie)
        statuses.append(status)
        if "X-Queries" in headers:
            counts.append(int(headers["X-Queries"]))
    return {
        "queries_min": min(counts) if counts else None,
        "queries_max": max(counts) if counts else None,
        "statuses": sorted(set(statuses)),
    }


# How many times a run whose connections all went to one worker is made again, at most.
RERUNS = 3


def connection_holders(base, client_pid: int) -> list[int] | None:
    """How many of the connections of the process ``client_pid`` to the server each server
    process holds, largest first, as ``ss`` lists both ends of each (the writer's own
    connections are left out); None where ``ss`` cannot tell."""
    port = urlsplit(base).port
    try:
        out = subprocess.run(
            ["ss", "-tnpH", "state", "established", f"( sport = :{port} or dport = :{port} )"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    ends = [
        (local, int(local_port), peer, int(peer_port), int(pid))
        for local, local_port, peer, peer_port, pid in re.findall(
            r'(\S+):(\d+)\s+(\S+):(\d+)\s+users:\(\("[^"]*",pid=(\d+)', out
        )
    ]
    clients = {
        (a, p) for a, p, _peer, peer_port, pid in ends if peer_port == port and pid == client_pid
    }
    held: dict[int, int] = {}
    for _a, local_port, peer, peer_port, pid in ends:
        if local_port == port and (peer, peer_port) in clients:
            held[pid] = held.get(pid, 0) + 1
    return sorted(held.values(), reverse=True) or None


def one_worker(holders: list[int] | None) -> bool:
    """Whether one process held every connection although the server has more than one:
    a gthread worker accepts every connection waiting when it wakes, so now and then it
    takes all of a client's at once, and the load then runs on one core."""
    return bool(holders) and len(holders) == 1 and holders[0] > 1 and SERVER["workers"] > 1


# The server being measured (``main`` says how many worker processes it has).
SERVER = {"workers": 1}


def run_wrk(base, paths_file, cookie, seconds, connections=8, threads=2) -> dict:
    """``wrk`` over ``paths_file`` for ``seconds``. A run in which one worker process held
    every connection (``one_worker``) measured one core, not the server: it is made again,
    at most ``RERUNS`` times, and ``reruns`` counts how often."""
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        base,
        "--",
        str(paths_file),
        cookie,
    ]
    reruns = 0
    while True:
        wrk = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        # wrk opens its connections at once; they stay open to the end.
        time.sleep(min(1.0, seconds / 3))
        holders = connection_holders(base, wrk.pid)
        out = wrk.communicate()[0]
        if wrk.returncode:
            raise subprocess.CalledProcessError(wrk.returncode, command, out)
        if not one_worker(holders) or reruns == RERUNS:
            break
        reruns += 1
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": round(rps, 1),
        "requests": total,
        "non_2xx_3xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
        "reruns": reruns,
    }


def against_ceiling(base, paths_file, ceiling_file, cookie, seconds, rounds=3) -> dict:
    """The page's requests per second and R: the page and the ceiling view in turn, a few
    rounds each, so that both are measured at the same moments (the speed of shared cores
    drifts during a run). R is the ratio of the totals; ``R_range`` the lowest and highest
    ratio of one round, a measure of the noise."""
    each = max(2, round(seconds / rounds))
    page_runs, ceiling_runs = [], []
    for _ in range(rounds):
        ceiling_runs.append(run_wrk(base, ceiling_file, cookie, each))
        page_runs.append(run_wrk(base, paths_file, cookie, each))
    page_rps = sum(r["rps"] for r in page_runs) / rounds
    ceiling_rps = sum(r["rps"] for r in ceiling_runs) / rounds
    ratios = [p["rps"] / c["rps"] for p, c in zip(page_runs, ceiling_runs, strict=True) if c["rps"]]
    return {
        "rps": round(page_rps, 1),
        "requests": sum(r["requests"] for r in page_runs),
        "non_2xx_3xx": sum(r["non_2xx_3xx"] for r in page_runs),
        "socket_errors": "; ".join(r["socket_errors"] for r in page_runs if r["socket_errors"]),
        "ceiling_rps": round(ceiling_rps, 1),
        "R": round(page_rps / ceiling_rps, 3) if ceiling_rps else None,
        "R_range": [round(min(ratios), 3), round(max(ratios), 3)] if ratios else None,
        "reruns": sum(r["reruns"] for r in page_runs + ceiling_runs),
    }


def fixed_rate_latency(base, paths, cookie, rate, seconds, workers=8) -> dict:
    """Open-loop client: requests are scheduled at ``rate`` per second and latency is counted
    from the scheduled time, so a slow response delays the measurement, not the schedule."""
    host = urlsplit(base)
    jobs: queue.Queue = queue.Queue()
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    connections, reruns = connect_spread(base, workers)

    def worker(conn):
        while True:
            item = jobs.get()
            if item is None:
                return
            scheduled, path = item
            try:
                conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
                response = conn.getresponse()
                response.read()
                ok = response.status < 400
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except OSError:
                conn.close()
                conn = HTTPConnection(host.hostname, host.port, timeout=30)
                ok = False
            elapsed = time.perf_counter() - scheduled
            with lock:
                latencies.append(elapsed)
                failures[0] += 0 if ok else 1

    pool = [threading.Thread(target=worker, args=(c,), daemon=True) for c in connections]
    for thread in pool:
        thread.start()
    total = max(1, int(rate * seconds))
    start = time.perf_counter()
    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        jobs.put((due, paths[i % len(paths)]))
    for _ in pool:
        jobs.put(None)
    for thread in pool:
        thread.join(timeout=60)
    ordered = sorted(latencies)

    def pct(p):
        return round(1000 * ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)

    return {
        "rate": round(rate, 1),
        "samples": len(ordered),
        "failures": failures[0],
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "mean_ms": round(1000 * statistics.fmean(ordered), 1),
        "latency_reconnects": reruns,
    }


def connect_spread(base, n) -> tuple[list[HTTPConnection], int]:
    """``n`` open connections to the server, each used once, not all held by one worker
    process (``one_worker``; connected again, at most ``RERUNS`` times), and how often they
    were connected again."""
    host = urlsplit(base)
    reruns = 0
    while True:
        connections = [HTTPConnection(host.hostname, host.port, timeout=30) for _ in range(n)]
        for conn in connections:
            # A request at once: a connection that stays silent holds one of the worker's
            # threads while the worker waits for its first request.
            conn.request("GET", "/healthz/")
            conn.getresponse().read()
        if not one_worker(connection_holders(base, os.getpid())) or reruns == RERUNS:
            return connections, reruns
        for conn in connections:
            conn.close()
        time.sleep(0.1)  # the worker sees them closed
        reruns += 1


def steady_state(base, page, paths, cookie, duration, rate=None, phase=None) -> dict:
    """Requests per second and R (``wrk`` saturating the server), then the latency at a fixed
    rate below saturation (``rate``, else half the measured throughput, at most 40 per
    second). ``phase`` hears which of the two is under way (the writer labels its writes)."""
    paths_file, ceiling_file = WORK / f"{page}.txt", WORK / "ceiling.txt"
    phase = phase or (lambda name: None)
    phase(SATURATED)
    if page == "ceiling":
        measured = run_wrk(base, paths_file, cookie, duration)
        measured |= {"ceiling_rps": measured["rps"], "R": 1.0, "R_range": [1.0, 1.0]}
    else:
        measured = against_ceiling(base, paths_file, ceiling_file, cookie, duration)
    rate = rate or max(2.0, min(0.5 * measured["rps"], 40.0))
    # At least LATENCY_SAMPLES requests: the p95 of twenty would be their slowest.
    seconds = max(4, duration // 2, math.ceil(LATENCY_SAMPLES / rate))
    phase(PACED)
    return measured | fixed_rate_latency(base, paths, cookie, rate, seconds)


# --- The mixed mode -------------------------------------------------------------------------
class WriterProcess:
    """The writer (``worldcities.benchmarks.writer``) in a process of its own, idle until a
    mixed pass starts it: its CPU is its own, not the load generator's, and its sleeping
    between writes costs nothing."""

    def __init__(self, env, base: str, rate: float, seed: int):
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "worldcities.benchmarks.writer"),
                *("--base", base, "--rate", str(rate), "--seed", str(seed)),
            ],
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line.startswith("ready "):
            self.process.kill()
            raise SystemExit("the writer did not start (its error is above)")
        self.pools = json.loads(line.removeprefix("ready "))["pools"]
        self.writes: list[dict] = []
        self.cpu_seconds = 0.0

    def tell(self, command: str) -> None:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def phase(self, name: str) -> None:
        self.tell(f"phase {name}")

    @contextlib.contextmanager
    def writing(self):
        """Writes at the steady rate while the block runs; then ``made`` holds the writes made
        meanwhile and the CPU seconds the writer used."""
        made: dict = {}
        self.tell("go")
        try:
            yield made
        finally:
            self.tell("stop")
            made |= json.loads(self.process.stdout.readline())
            self.writes += made["writes"]
            self.cpu_seconds += made["cpu_seconds"]

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(BrokenPipeError):
                self.tell("quit")
            self.process.wait(timeout=30)


def start_worker(env) -> subprocess.Popen:
    """One Celery worker, as in production: the notices a write hands to the background are
    sent meanwhile, on the same cores."""
    return subprocess.Popen(
        [
            *(str(VENV_BIN / "celery"), "-A", "worldcities", "worker", "--concurrency", "1"),
            *("--loglevel", "warning", "--without-gossip", "--without-mingle"),
            "--without-heartbeat",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


def broker_url(redis_url: str) -> str:
    """The Redis database after the cache's: clearing the cache must not drop queued tasks."""
    parts = urlsplit(redis_url)
    db = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(db + 1) % 16}"))


def compared(reads_only: dict, mixed: dict, writes: dict) -> dict:
    """A page's mixed pass with its ratios to the reads-only pass."""
    keys = ("rps", "ceiling_rps", "R", "R_range", "rate", "p50_ms", "p95_ms", "p99_ms")
    keys += ("reruns", "latency_reconnects")
    result = {key: mixed.get(key) for key in keys}
    result |= {
        "non_2xx_3xx": mixed.get("non_2xx_3xx", 0) + mixed.get("failures", 0),
        "rps_ratio": _ratio(mixed["rps"], reads_only["rps"]),
        "p99_ratio": _ratio(mixed["p99_ms"], reads_only["p99_ms"]),
        "writes": len(writes["writes"]),
        "writes_failed": sum(1 for w in writes["writes"] if not w["ok"]),
        "writer_cpu_seconds": writes["cpu_seconds"],
    }
    return result


def _ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


def explain_search(term: str) -> str:
    from django.db import connection

    from practices.models import Practice
    from practices.selectors import PAGE_SIZE, practice_search

    qs = practice_search(Practice.objects.published(), term)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = on")
    page = qs.values("pk", "rank")[:PAGE_SIZE]
    plan = page.explain(analyze=True, buffers=True)
    count_plan = qs.order_by().values("pk").explain(analyze=True)
    return f"-- one page, ranked\n{plan}\n\n-- the match count\n{count_plan}"


def run_job(env, name: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "worldcities.benchmarks.jobs", name],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        return {"job": name, "error": out.stderr.strip().splitlines()[-1:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- Reporting ------------------------------------------------------------------------------
def machine() -> dict:
    mem = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(int(mem) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def database_server() -> dict:
    """The server's version and the settings a page with nothing cached depends on: a search
    reads its matches' rows from shared buffers, or from disk when they do not hold them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('server_version'), current_setting('shared_buffers'), "
            "pg_size_pretty(pg_table_size('practices_practice'))"
        )
        version, shared_buffers, practices = cursor.fetchone()
    return {
        "server": f"PostgreSQL {version.split()[0]}",
        "shared_buffers": shared_buffers,
        "practice_table": practices,
    }


def verdicts(results: dict) -> list[dict]:
    rows = []
    for mode in ("anonymous", "logged_in"):
        for page, target in TARGETS.items():
            measured = results["pages"][mode].get(page)
            if not measured:
                continue
            for key, limit in target.items():
                # Queries and latency are judged in the steady state and, separately, with
                # nothing cached (the worst case).
                values = {
                    "R": [("R", measured.get("R"))],
                    "p95_ms": [
                        ("p95_ms", measured.get("p95_ms")),
                        ("p95_ms, nothing cached", measured.get("cold_p95_ms")),
                    ],
                    "queries": [
                        ("queries", measured.get("queries_max")),
                        ("queries, nothing cached", measured.get("cold_queries_max")),
                    ],
                }[key]
                for metric, value in values:
                    ok = value is not None and (value >= limit if key == "R" else value <= limit)
                    rows.append(
                        {"mode": mode, "page": page, "metric": metric, "target": limit}
                        | {"value": value, "met": ok}
                    )
    return rows + mixed_verdicts(results) + job_verdicts(results)


def job_verdicts(results: dict) -> list[dict]:
    """Each background job with a target: its time and its peak memory, both at most."""
    rows = []
    for job, target in JOB_TARGETS.items():
        measured = results.get("jobs", {}).get(job) or {}
        for key, limit in target.items():
            value = measured.get(key)
            rows.append(
                {"mode": "job", "page": job, "metric": key, "target": limit}
                | {"value": value, "met": value is not None and value <= limit}
            )
    return rows


def mixed_verdicts(results: dict) -> list[dict]:
    """Mixed against reads-only for every public page (req/s kept, p99 grown, p99 in ms), and
    the latency of every kind of write below saturation."""
    rows = []
    for mode in ("anonymous", "logged_in"):
        for page, measured in results["pages"][mode].items():
            mixed = measured.get("mixed")
            if page in NOT_PUBLIC or not mixed:
                continue
            for metric, key, meets in MIXED_CHECKS:
                value, limit = mixed[key], MIXED_TARGETS[key]
                rows.append(
                    {"mode": mode, "page": page, "metric": metric, "target": limit}
                    | {"value": value, "met": value is not None and meets(value, limit)}
                )
    for kind, write in results.get("writes", {}).get("kinds", {}).items():
        limit = WRITE_TARGETS["p95_ms"]
        value = write["p95_ms"]
        ok = value is not None and value <= limit and not write["failed"]
        rows.append(
            {"mode": "mixed", "page": f"write: {kind}", "metric": "p95_ms", "target": limit}
            | {"value": value, "met": ok}
        )
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 1)))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 8)))
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE", "worldcities_bench"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8765)))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 3)))
    parser.add_argument("--reuse", action="store_true", help="keep an already generated database")
    parser.add_argument(
        "--write-rate",
        type=float,
        default=float(os.environ.get("BENCH_WRITE_RATE", 1)),
        help="writes per second of the mixed pass after each page's reads-only pass "
        "(0: reads only)",
    )
    parser.add_argument("--output", default=str(ROOT / "docs"))
    parser.add_argument(
        "--pages",
        default="",
        help="measure only these pages (comma-separated names, e.g. practice_list,home); "
        "the results are printed, not written to docs/",
    )
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")

    url = bench_database_url(args.database)
    WORK.mkdir(parents=True, exist_ok=True)
    # Made now, not after the twenty minutes of measuring that write into it.
    Path(args.output).mkdir(parents=True, exist_ok=True)
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "worldcities.settings.bench",
        "DATABASE_URL": url,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "STATIC_ROOT": str(WORK / "static"),
        "MEDIA_ROOT": str(WORK / "media"),
        "CONN_MAX_AGE": "60",
        # The cache (and broker) as in production: Redis, the given one or the local server.
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/13",
    }
    # The broker (and the tasks' results) in a Redis database of their own.
    broker = os.environ.get("BENCH_BROKER_URL") or broker_url(env["REDIS_URL"])
    env |= {"CELERY_BROKER_URL": broker, "CELERY_RESULT_BACKEND": broker}
    os.environ.update(env)
    results: dict = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "scale": args.scale,
        "seed": args.seed,
        "duration_s": args.duration,
        "gunicorn": f"{args.workers} {web.worker_class} workers × {web.threads} threads",
        "write_rate": args.write_rate,
        "pages": {"anonymous": {}, "logged_in": {}},
    }

    generated = False
    if not (args.reuse and database_exists(url)):
        log(f"creating the database {args.database}")
        recreate_database(url)
    manage(env, "migrate", "--noinput", "-v0")
    import django

    django.setup()
    from worldcities import datagen

    if not datagen.already_generated():
        log(f"generating data at scale {args.scale} (seed {args.seed})")
        started = time.perf_counter()
        output = manage(env, "generate_data", "--scale", str(args.scale), "--seed", str(args.seed))
        results["generate_seconds"] = round(time.perf_counter() - started, 1)
        log(output.strip().splitlines()[-1])
        generated = True
        # The data was written in bulk, past the services that move the versions of what the
        # cache keeps: whatever the benchmark's cache kept of an earlier database goes.
        from django.core.cache import cache

        cache.clear()
    results["generated_now"] = generated
    manage(env, "collectstatic", "--noinput", "-v0")

    import random

    from django.db import connection

    from practices.models import Practice
    from twinning.models import Document, Message, Pairing

    results["rows"] = {
        "practices": Practice.objects.count(),
        "pairings": Pairing.objects.count(),
    }
    for table in ("cities_city", "meetings_meeting", "meetings_registration"):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            results["rows"][table.split("_", 1)[1]] = cursor.fetchone()[0]
    results["database"] = database_server()

    # The busy workspace the "workspace" page reads (kept with a reused database).
    busy = datagen.workspace_fill(messages=5000, documents=500, seed=args.seed)
    results["rows"]["workspace"] = {
        "pairing": busy.slug,
        "messages": Message.objects.filter(thread__pairing=busy).count(),
        "documents": Document.objects.filter(pairing=busy).count(),
    }
    rng = random.Random(args.seed)
    urls = sample_urls(rng)
    # A draw of its own for warming the workers up (see below).
    warm_up = sample_urls(random.Random(args.seed + 1))
    datagen.second_factors_enrol()  # a database kept from before the second factor, too
    cookie = session_cookie()
    connection.close()

    log("starting gunicorn")
    SERVER["workers"] = args.workers
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "--config",
            "python:worldcities.gunicorn",
            "worldcities.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--keep-alive",
            "5",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the server on the way out
    writer = worker = None
    try:
        for _ in range(100):
            try:
                if fetch(base, "/bench/ceiling/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not answer")
        # Every worker thread opens its database connection (and the process looks up the
        # database's extension types) before anything is measured: that is not a page's cost.
        health_file = WORK / "healthz.txt"
        health_file.write_text("/healthz/\n")
        run_wrk(base, health_file, "", 2)
        # Every worker has also served each kind of page, anonymous and logged in: compiling
        # a page's templates and importing its code is a cost of a worker's first request, not
        # of a page with nothing cached. The URLs are another draw than the measured ones.
        warm_file = WORK / "warm-up.txt"
        warm_file.write_text("\n".join(p for paths in warm_up.values() for p in paths[:5]) + "\n")
        for warm_cookie in ("", cookie):
            run_wrk(base, warm_file, warm_cookie, 3)

        if args.write_rate > 0:
            log(f"starting the writer ({args.write_rate:g} writes/s) and a Celery worker")
            worker = start_worker(env)
            writer = WriterProcess(env, base, args.write_rate, args.seed)
            log(f"the writer's pools: {writer.pools}")

        only = {"ceiling", *args.pages.split(",")} if args.pages else None
        ceiling_file = WORK / "ceiling.txt"
        ceiling_file.write_text("\n".join(urls["ceiling"]) + "\n")
        for mode, mode_cookie in (("anonymous", ""), ("logged_in", cookie)):
            for page, paths in urls.items():
                if page in MEMBERS_ONLY and mode == "anonymous":
                    continue
                if only and page not in only:
                    continue
                paths_file = WORK / f"{page}.txt"
                paths_file.write_text("\n".join(paths) + "\n")
                # First every URL once with nothing cached, then the steady state: the same
                # URLs again and again, as readers come back to the pages in use.
                measured = cold_pass(base, paths, mode_cookie)
                run_wrk(base, paths_file, mode_cookie, 2)  # warm-up
                measured |= queries_per_request(base, paths, mode_cookie)
                measured |= steady_state(base, page, paths, mode_cookie, args.duration)
                measured["urls"] = len(paths)
                measured["example"] = paths[-1]
                results["pages"][mode][page] = measured
                log(
                    f"{mode:9} {page:16} {measured['rps']:8.1f} req/s  R={measured['R']}"
                    f"  p95={measured['p95_ms']} ms  queries={measured['queries_max']}"
                    f"  cold p95={measured['cold_p95_ms']} ms"
                    f" queries={measured['cold_queries_max']}  statuses={measured['statuses']}"
                    f"  made again={measured['reruns']}+{measured['latency_reconnects']}"
                )
                log(f"{'':26} slowest with nothing cached: {measured['cold_slowest']}")
                if writer is None:
                    continue
                # The same URLs for as long again, at the same fixed rate, while the writer
                # writes at its steady rate.
                with writer.writing() as made:
                    mixed = steady_state(
                        base,
                        page,
                        paths,
                        mode_cookie,
                        args.duration,
                        rate=measured["rate"],
                        phase=writer.phase,
                    )
                measured["mixed"] = compared(measured, mixed, made)
                mixed = measured["mixed"]
                log(
                    f"{'mixed':9} {page:16} {mixed['rps']:8.1f} req/s  R={mixed['R']}"
                    f"  p99={mixed['p99_ms']} ms  ×{mixed['rps_ratio']} req/s"
                    f"  ×{mixed['p99_ratio']} p99  writes={mixed['writes']}"
                    f" (failed {mixed['writes_failed']})"
                    f"  made again={mixed['reruns']}+{mixed['latency_reconnects']}"
                )
    finally:
        if writer is not None:
            writer.close()
            results["writes"] = {
                "rate": args.write_rate,
                "pools": writer.pools,
                "total": len(writer.writes),
                "writer_cpu_seconds": round(writer.cpu_seconds, 2),
                "late_p95_ms": percentile([w["late_ms"] for w in writer.writes], 95),
                "kinds": summarise(writer.writes),
            }
        for process in (worker, server):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
    if only:
        if "writes" in results:
            log(json.dumps(results["writes"], indent=2))
        return

    log("EXPLAIN (ANALYZE) of the full-text search")
    results["explain_search"] = {
        term: explain_search(term) for term in ("energy", "green spaces", "mobility")
    }
    connection.close()
    results["jobs"] = {}
    for job in (
        "report-pdf",
        "report-xlsx",
        "action-reminders",
        "meeting-reminders",
        "open-data-practices",
        "opportunity-matching",
        "matchmaking",
        "similar-practices",
    ):
        log(f"job {job}")
        results["jobs"][job] = run_job(env, job)
        log(json.dumps(results["jobs"][job]))
    results["targets"] = verdicts(results)

    out = Path(args.output)
    (out / "benchmarks.json").write_text(json.dumps(results, indent=2) + "\n")
    from worldcities.benchmarks.report import write_markdown

    write_markdown(results, out / "benchmarks.md")
    log(f"results in {out / 'benchmarks.md'} and {out / 'benchmarks.json'}")


if __name__ == "__main__":
    main()
