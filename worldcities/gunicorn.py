"""gunicorn's settings for the web process, besides those given on its command line:
``gunicorn -c python:worldcities.gunicorn worldcities.wsgi:application`` (the Dockerfile,
docker-compose.yml and ``make bench``)."""

import gc


def post_worker_init(worker):
    """Everything a worker has loaded by now (Django, the apps and their libraries, some
    120,000 objects) lives as long as the worker: kept out of the garbage collector's full
    collections, which otherwise visit all of it and, as now and then one runs in the middle
    of a request, made that request 60-160 ms slower (10-35 ms once frozen)."""
    gc.freeze()
