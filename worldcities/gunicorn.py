"""gunicorn's settings for the web process, besides those given on its command line:
``gunicorn -c python:worldcities.gunicorn worldcities.wsgi:application`` (the Dockerfile,
docker-compose.yml and ``make bench``, which therefore measures what is deployed)."""

import gc
import sys

# Two threads per worker process: a request waiting on the database or Redis leaves the
# process to the other thread.
worker_class = "gthread"
threads = 2

# How long a thread runs Python before it hands the interpreter to another one that waits,
# shorter than Python's default: with the default, a write (much Python) held its process
# while a read in the other thread, which needs the interpreter again after each query,
# waited a whole interval each time (``docs/benchmarks.md``, "The web process").
SWITCH_INTERVAL_S = 0.001


# After how many requests a worker freezes again what it holds (``post_request``).
FREEZE_AFTER_REQUESTS = (1, 10, 100, 1000)
_served = 0


def post_worker_init(worker):
    """Everything a worker has loaded by now (Django, the apps and their libraries, some
    120,000 objects, and what ``load_ahead`` adds) lives as long as the worker: kept out of
    the garbage collector's full collections, which otherwise visit all of it and, as now and
    then one runs in the middle of a request, made that request 60-160 ms slower (10-35 ms
    once frozen)."""
    load_ahead()
    gc.freeze()
    sys.setswitchinterval(SWITCH_INTERVAL_S)


def load_ahead():
    """Loads what a worker's first requests would otherwise load while a person waits: every
    view (the URL configuration), and the Celery application with its tasks and its broker's
    client, which the first write that hands work to the background loaded otherwise
    (``docs/benchmarks.md``, "What a worker's first requests load"). No connection is opened:
    the first task sent opens it, as before, so a broker away does not hold the worker's
    start."""
    from django.urls import reverse

    from worldcities.celery import app

    reverse("home")
    app.loader.import_default_modules()  # every app's tasks, as a Celery worker imports them
    app.finalize(auto=True)
    connection = app.connection_for_write()
    try:
        connection.transport  # noqa: B018 - loads the transport's module and class
        app.amqp.producer_pool  # noqa: B018 - the pool the first task takes its producer from
    finally:
        connection.release()


def post_request(worker, req, environ, resp):
    """What a worker's first requests load lives as long as the worker too (the URL
    patterns, the templates, the catalogues of the languages asked for: some 50,000 more
    objects): after the requests of ``FREEZE_AFTER_REQUESTS``, once the response is sent,
    the garbage is collected and what is left is frozen as at start."""
    global _served
    _served += 1
    if _served in FREEZE_AFTER_REQUESTS:
        gc.collect()
        gc.freeze()
