"""The writer of the mixed mode: realistic writes at a steady rate, made the way people make
them, by HTTP POSTs to the running server (each logged in as a generated person with the
right to do it), while the pages are measured.

It runs in a process of its own, started once by ``worldcities.benchmarks.run`` and driven
over its standard input and output, one line each way:

- it picks its people, practices, meetings and actions from the database, then prints
  ``ready {"pools": ...}``;
- ``go`` starts the writes at ``--rate`` per second; ``phase saturated`` and ``phase paced``
  say what the readers are doing meanwhile (each write is labelled with it); ``stop`` ends
  the writes, and it prints one JSON line with every write made since ``go`` (kind, status,
  milliseconds, queries, time in SQL and in the request, phase) and the CPU seconds the
  writer itself used meanwhile;
- ``quit`` (or the end of its input) ends the process.

Each write is one small function below (``write_*``) that knows its URL and form: when a view
or form changes, that function is the one to adapt.

    python -m worldcities.benchmarks.writer --base http://127.0.0.1:8765 [--rate 1] [--seed 0]
"""

import argparse
import json
import resource
import secrets
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.client import HTTPConnection
from random import Random
from urllib.parse import urlencode, urlsplit

# Most writes in turn; every PUBLISH_EVERY-th write publishes a submitted practice instead.
ROTATION = (
    "question",
    "draft_save",
    "register",
    "follow",
    "action_progress",
    "withdraw",
    "unfollow",
)
PUBLISH_EVERY = 15
POOL_SIZE = 40
WRITERS = 4  # writes under way at once, at most
# What each write answers when it did what it was asked: a redirect to the page it changed
# (not to the login page).
DONE = {302, 303}
# What the pages' readers were doing when a write was made: saturating the server (``wrk``)
# or reading at a fixed rate below saturation (the latencies a person would see).
SATURATED, PACED = "saturated", "paced"


# --- Bookkeeping ----------------------------------------------------------------------------
@dataclass
class Write:
    kind: str
    status: int
    ms: float
    queries: int | None
    sql_ms: float | None
    request_ms: float | None = None
    phase: str = PACED
    late_ms: float = 0.0
    ok: bool = False


def percentile(values: list[float], p: float) -> float | None:
    """The nearest-rank percentile (the same rule as the page latencies of ``run``)."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)


def summarise(writes: list[dict]) -> dict[str, dict]:
    """Per kind of write, in rotation order: how many, how many failed (and with which
    statuses), and of those that did what they were asked: the latency the writer saw (p50,
    p95 and max) while the pages were read at a fixed rate below saturation (and how many
    writes those are, ``paced_count``), its p95 while
    ``wrk`` saturated the server (a write then waits for a free worker), the p95 of the time
    spent in the request itself (``X-Request-Ms``) and in SQL, and the queries (min–max)."""
    order = [*ROTATION, "publish"]
    kinds = sorted({w["kind"] for w in writes}, key=lambda k: (order.index(k), k))
    summary = {}
    for kind in kinds:
        rows = [w for w in writes if w["kind"] == kind]
        done = [w for w in rows if w["ok"]]
        paced = [w["ms"] for w in done if w.get("phase", PACED) == PACED]
        queries = [w["queries"] for w in done if w["queries"] is not None]
        summary[kind] = {
            "count": len(rows),
            "paced_count": len(paced),
            "failed": len(rows) - len(done),
            "failed_statuses": sorted({w["status"] for w in rows if not w["ok"]}),
            "p50_ms": percentile(paced, 50),
            "p95_ms": percentile(paced, 95),
            "max_ms": max(paced, default=None),
            "saturated_p95_ms": percentile(
                [w["ms"] for w in done if w.get("phase") == SATURATED], 95
            ),
            "request_p95_ms": percentile(
                [w["request_ms"] for w in done if w.get("request_ms") is not None], 95
            ),
            "sql_p95_ms": percentile([w["sql_ms"] for w in done if w["sql_ms"] is not None], 95),
            "queries_min": min(queries, default=None),
            "queries_max": max(queries, default=None),
        }
    return summary


def schedule(rate: float, start: float):
    """The due time of each write: ``rate`` per second from ``start``, whatever the writes
    before took (a slow write makes the next one late, not the whole run slower)."""
    i = 0
    while True:
        yield start + i / rate
        i += 1


# --- Talking to the server ------------------------------------------------------------------
class FormFields(HTMLParser):
    """The fields a browser would send for each form of a page, as they stand (checked boxes,
    selected options, text areas), without its buttons and files."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append([])
        elif not self.forms or "disabled" in a:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.forms[-1].append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []
        elif tag == "select" and a.get("name"):
            self._select, self._options = (a["name"], "multiple" in a), []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.forms[-1].append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self.forms[-1] += [(name, value) for value in chosen]
            self._select = None


def form_with(html: str, *names: str) -> list[tuple[str, str]]:
    """The fields of the page's first form that has all of ``names``."""
    parser = FormFields()
    parser.feed(html)
    for form in parser.forms:
        if set(names) <= {name for name, _value in form}:
            return form
    raise LookupError(f"no form with {names}")


@dataclass
class Person:
    """A generated person, logged in: their session and CSRF cookies."""

    email: str
    session: str
    csrf: str = field(default_factory=lambda: secrets.token_hex(16))

    @property
    def cookie(self) -> str:
        from django.conf import settings

        session = f"{settings.SESSION_COOKIE_NAME}={self.session}"
        return f"{session}; {settings.CSRF_COOKIE_NAME}={self.csrf}"


def log_in(user) -> str:
    """A session for ``user``, as logging in would leave it (its key)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


class Client:
    """One request at a time to the server, on a connection of its own (as a browser tab that
    comes back a second later), never following redirects."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port

    def request(self, person: Person, method: str, path: str, data=None):
        headers = {"Cookie": person.cookie}
        body = None
        if data is not None:
            body = urlencode(data)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": person.csrf,
            }
        conn = HTTPConnection(self.host, self.port, timeout=30)
        try:
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
            ms = 1000 * (time.perf_counter() - started)
        finally:
            conn.close()
        return Reply(
            status=response.status,
            ms=round(ms, 1),
            queries=_number(response.getheader("X-Queries"), int),
            sql_ms=_number(response.getheader("X-Queries-Ms"), float),
            request_ms=_number(response.getheader("X-Request-Ms"), float),
            location=response.getheader("Location") or "",
            text=content.decode("utf-8", "replace"),
        )


def _number(header: str | None, kind):
    return kind(header) if header else None


@dataclass
class Reply:
    status: int
    ms: float
    queries: int | None
    sql_ms: float | None
    request_ms: float | None
    location: str
    text: str

    @property
    def done(self) -> bool:
        return self.status in DONE and "/login/" not in self.location


# --- Whom and what the writes are about -----------------------------------------------------
def pick(rng: Random, size: int = POOL_SIZE) -> dict[str, list]:
    """People and things to write about, drawn from the generated data: delegates who ask
    questions and follow published practices, drafts with a delegate of their city, submitted
    practices to publish, meetings open for registration with a delegate of a taking-part city
    who has no registration yet, and actions with a delegate of their pairing's lead city."""
    from django.db.models import Q
    from django.utils import timezone

    from meetings.models import Meeting
    from meetings.permissions import meeting_city_ids
    from practices.models import Practice
    from twinning.models import Action
    from worldcities.datagen import GENERATED_DOMAIN
    from worldcities.users.models import Role, User

    generated = User.objects.filter(email__endswith=f"@{GENERATED_DOMAIN}", is_active=True)
    delegates = generated.filter(role=Role.DELEGATE, city__isnull=False)

    def delegate_of(city_ids, exclude=()):
        return delegates.filter(city_id__in=city_ids).exclude(pk__in=exclude).order_by("?").first()

    def sample(qs, n=size):
        return list(qs.order_by("?")[:n])

    pools: dict[str, list] = {
        "delegates": sample(delegates),
        "published": [p.slug for p in sample(Practice.objects.published().only("slug"))],
        "submitted": [
            p.slug for p in sample(Practice.objects.filter(status="submitted").only("slug"), 500)
        ],
        "drafts": [],
        "meetings": [],
        "actions": [],
    }
    for practice in sample(Practice.objects.filter(status="draft").only("slug", "city_id")):
        if person := delegate_of([practice.city_id]):
            pools["drafts"].append((practice.slug, person))
    now = timezone.now()
    open_meetings = Meeting.objects.filter(
        Q(registration_opens_at__isnull=True) | Q(registration_opens_at__lte=now),
        Q(registration_closes_at__isnull=True) | Q(registration_closes_at__gt=now),
        status__in=[Meeting.Status.PLANNED, Meeting.Status.CONFIRMED],
        starts_at__gt=now,
    )
    for meeting in sample(open_meetings):
        registered = meeting.registrations.values("person_id")
        if person := delegate_of(meeting_city_ids(meeting), exclude=registered):
            pools["meetings"].append((meeting.pk, person))
    for action in sample(Action.objects.select_related("pairing")):
        if person := delegate_of([action.pairing.eu_lead_id, action.pairing.partner_lead_id]):
            pools["actions"].append((action.pairing.slug, action.pk, person))
    return pools


# --- The writes -----------------------------------------------------------------------------
class Writer:
    def __init__(self, base: str, pools: dict, rng: Random):
        from worldcities.datagen import GENERATED_DOMAIN
        from worldcities.users.models import User

        self.client = Client(base)
        self.pools = pools
        self.rng = rng
        self.people: dict[int, Person] = {}
        # Writes overlap when one takes longer than the interval: what they choose and what
        # they leave for later is taken and handed back under this lock.
        self.lock = threading.RLock()
        self.staff = self.person(User.objects.get(email=f"staff@{GENERATED_DOMAIN}"))
        self.registered: list[tuple] = []  # (meeting pk, user) waiting for their withdrawal
        self.followed: list[tuple] = []  # (practice slug, user) waiting for their unfollow
        self.busy: list[tuple] = []  # being registered or followed right now
        self.phase = PACED

    def person(self, user) -> Person:
        with self.lock:
            if user.pk not in self.people:
                self.people[user.pk] = Person(email=user.email, session=log_in(user))
            return self.people[user.pk]

    def post(self, kind: str, person: Person, path: str, data) -> Write:
        """The write, as the server answered it (status 0 if it did not answer)."""
        try:
            reply = self.client.request(person, "POST", path, data)
        except OSError as error:
            print(f"{kind} {path}: {error!r}", file=sys.stderr, flush=True)
            return Write(kind, 0, 0.0, None, None, phase=self.phase)
        return Write(
            kind,
            reply.status,
            reply.ms,
            reply.queries,
            reply.sql_ms,
            request_ms=reply.request_ms,
            phase=self.phase,
            ok=reply.done,
        )

    def write(self, n: int) -> Write:
        """The ``n``-th write of the rotation."""
        with self.lock:
            kind = kind_of(n)
            if kind == "publish" and not self.pools["submitted"]:
                kind = ROTATION[n % len(ROTATION)]
            if kind == "withdraw" and not self.registered:
                kind = "register"
            if kind == "unfollow" and not self.followed:
                kind = "follow"
            write = WRITES[kind]
        return write(self)

    def take(self, pool: list, exclude: list):
        """One of ``pool`` that is not in ``exclude`` nor being written about, now marked busy
        (None if there is none)."""
        with self.lock:
            free = [i for i in pool if i not in exclude and i not in self.busy]
            if not free:
                return None
            item = self.rng.choice(free)
            self.busy.append(item)
            return item

    def release(self, item, done: Write, keep_in: list | None = None) -> Write:
        """``item`` is no longer being written about; kept in ``keep_in`` if the write was done."""
        with self.lock:
            self.busy.remove(item)
            if done.ok and keep_in is not None:
                keep_in.append(item)
        return done

    def pop(self, pool: list):
        """The first of ``pool``, now marked busy (None if the pool is empty)."""
        with self.lock:
            if not pool:
                return None
            item = pool.pop(0)
            self.busy.append(item)
            return item


def kind_of(n: int) -> str:
    """The kind of the ``n``-th write (before the writer knows what is left to write about)."""
    if n % PUBLISH_EVERY == PUBLISH_EVERY - 1:
        return "publish"
    return ROTATION[n % len(ROTATION)]


def write_question(w: Writer) -> Write:
    with w.lock:
        slug = w.rng.choice(w.pools["published"])
        person = w.person(w.rng.choice(w.pools["delegates"]))
    body = f"How did you fund the first year? (asked at {time.strftime('%H:%M:%S')})"
    data = {"comment-kind": "question", "comment-body": body}
    return w.post("question", person, f"/practices/{slug}/comments/", data)


def write_draft_save(w: Writer) -> Write:
    """A delegate opens their city's draft in the editor (not measured) and saves it with one
    sentence changed."""
    with w.lock:
        slug, user = w.rng.choice(w.pools["drafts"])
    person = w.person(user)
    path = f"/practices/{slug}/edit/"
    fields = form_with(w.client.request(person, "GET", path).text, "title", "body")
    marker = "\n\nLast reviewed at "
    data = [
        (name, value.split(marker)[0] + f"{marker}{time.strftime('%H:%M:%S')}.")
        if name == "body"
        else (name, value)
        for name, value in fields
    ]
    return w.post("draft_save", person, path, data)


def write_register(w: Writer) -> Write:
    if (chosen := w.take(w.pools["meetings"], exclude=w.registered)) is None:
        raise LookupError("every meeting of the pool is taken")
    meeting_pk, user = chosen
    done = w.post("register", w.person(user), f"/meetings/{meeting_pk}/register/", {})
    return w.release(chosen, done, keep_in=w.registered)


def write_withdraw(w: Writer) -> Write:
    from meetings.models import Registration

    if (chosen := w.pop(w.registered)) is None:  # taken by a write made meanwhile
        return write_register(w)
    meeting_pk, user = chosen
    registration = (
        Registration.objects.filter(meeting_id=meeting_pk, person=user).order_by("-pk").first()
    )
    path = f"/meetings/{meeting_pk}/registrations/{registration.pk}/cancel/"
    return w.release(chosen, w.post("withdraw", w.person(user), path, {}))


def write_follow(w: Writer) -> Write:
    with w.lock:
        pair = (w.rng.choice(w.pools["published"]), w.rng.choice(w.pools["delegates"]))
    if (chosen := w.take([pair], exclude=w.followed)) is None:  # the toggle would unfollow
        return write_unfollow(w)
    slug, user = chosen
    done = w.post("follow", w.person(user), f"/practices/{slug}/follow/", {})
    return w.release(chosen, done, keep_in=w.followed)


def write_unfollow(w: Writer) -> Write:
    if (chosen := w.pop(w.followed)) is None:
        return write_follow(w)
    slug, user = chosen
    return w.release(chosen, w.post("unfollow", w.person(user), f"/practices/{slug}/follow/", {}))


def write_action_progress(w: Writer) -> Write:
    with w.lock:
        slug, action_pk, user = w.rng.choice(w.pools["actions"])
        data = {
            "status": "in_progress",
            "progress": w.rng.randint(1, 99),
            "note": "Met the partner city's team and agreed the next step.",
        }
    return w.post(
        "action_progress", w.person(user), f"/pairings/{slug}/actions/{action_pk}/progress/", data
    )


def write_publish(w: Writer) -> Write:
    """Programme staff publish a submitted practice (each one once)."""
    if (slug := w.pop(w.pools["submitted"])) is None:
        return write_question(w)
    data = {"review-decision": "publish", "review-comment": ""}
    return w.release(slug, w.post("publish", w.staff, f"/practices/{slug}/review/", data))


WRITES = {
    "publish": write_publish,
    "question": write_question,
    "draft_save": write_draft_save,
    "register": write_register,
    "withdraw": write_withdraw,
    "follow": write_follow,
    "unfollow": write_unfollow,
    "action_progress": write_action_progress,
}


# --- The process ----------------------------------------------------------------------------
def write_steadily(writer: Writer, rate: float, stop: threading.Event, done: list, n0: int) -> int:
    """Starts a write every ``1 / rate`` seconds until ``stop`` is set, whether or not the
    ones before have finished (as people write, each on their own): a few threads make them,
    so a write starts late only when that many are still under way. Waits for the writes
    under way; returns the next write's number."""
    n = n0
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        for due in schedule(rate, time.perf_counter()):
            if stop.wait(max(0.0, due - time.perf_counter())):
                break
            pool.submit(_write_one, writer, n, due, done)
            n += 1
    return n


def _write_one(writer: Writer, n: int, due: float, done: list) -> None:
    late = 1000 * (time.perf_counter() - due)
    try:
        made = writer.write(n)
    except Exception as error:  # a write that cannot be made is reported as failed
        made = Write(kind_of(n), 0, 0.0, None, None, phase=writer.phase)
        print(f"write {n} failed: {error!r}", file=sys.stderr, flush=True)
    made.late_ms = round(late, 1)
    done.append(made.__dict__)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True)
    parser.add_argument("--rate", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.db import connection

    rng = Random(args.seed)
    pools = pick(rng)
    writer = Writer(args.base, pools, rng)
    connection.close()
    sizes = {name: len(items) for name, items in pools.items()}
    print("ready " + json.dumps({"pools": sizes}), flush=True)

    n, thread, stop, done = 0, None, threading.Event(), []
    started_cpu = cpu_seconds()
    result: dict = {}

    def run():
        result["next"] = write_steadily(writer, args.rate, stop, done, n)

    for line in sys.stdin:
        command = line.strip()
        if command == "go" and thread is None:
            stop.clear()
            done.clear()
            started_cpu = cpu_seconds()
            thread = threading.Thread(target=run, daemon=True)
            thread.start()
        elif command.startswith("phase "):
            writer.phase = command.removeprefix("phase ")
        elif command == "stop" and thread is not None:
            stop.set()
            thread.join()
            thread = None
            n = result["next"]
            cpu = round(cpu_seconds() - started_cpu, 2)
            print(json.dumps({"writes": list(done), "cpu_seconds": cpu}), flush=True)
        elif command == "quit":
            break


if __name__ == "__main__":
    main()
