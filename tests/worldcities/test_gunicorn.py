"""The web process's gunicorn settings load as gunicorn loads them (the threaded workers the
benchmark measures, wherever the image runs), and a worker that has loaded the platform keeps
what it loaded (and, after its first requests, what they loaded) out of the garbage
collector's full collections and hands the interpreter from one thread to the other sooner
than Python does by default."""

import gc
import sys

from gunicorn.app.base import Application
from gunicorn.config import Config

from worldcities import gunicorn as settings


def test_gunicorn_takes_the_settings_module():
    loaded = Application.get_config_from_module_name(None, "worldcities.gunicorn")
    config = Config()
    for name, value in loaded.items():
        if name in config.settings:
            config.set(name, value)
    assert config.post_worker_init is settings.post_worker_init
    assert config.post_request is settings.post_request
    assert (config.worker_class_str, config.threads) == ("gthread", 2)


def test_a_started_worker_freezes_what_it_loaded():
    gc.unfreeze()
    interval = sys.getswitchinterval()
    try:
        settings.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 10_000  # the platform and its libraries
        gc.disable()  # no collection moves it on before it is looked for
        made_after = []  # what requests make later is collected as usual
        assert any(row is made_after for row in gc.get_objects(generation=0))
        assert sys.getswitchinterval() == settings.SWITCH_INTERVAL_S < interval
    finally:
        sys.setswitchinterval(interval)
        gc.enable()
        gc.unfreeze()


def test_a_worker_freezes_again_after_its_first_requests(monkeypatch):
    """After its 1st, 10th, 100th and 1000th request, and then no more, the worker collects
    its garbage and freezes what is left."""
    monkeypatch.setattr(settings, "_served", 0)
    calls = []
    monkeypatch.setattr(gc, "collect", lambda *args: calls.append(("collect", settings._served)))
    monkeypatch.setattr(gc, "freeze", lambda: calls.append(("freeze", settings._served)))
    for _ in range(5000):
        settings.post_request(worker=None, req=None, environ={}, resp=None)
    assert calls == [(step, n) for n in (1, 10, 100, 1000) for step in ("collect", "freeze")]


def test_a_started_worker_loads_the_views_and_the_background_tasks_ahead(monkeypatch):
    """What the first requests would load (every view, the Celery application with its tasks
    and its broker's client) is loaded when the worker starts, without speaking to the broker:
    a broker away does not hold the start."""
    from kombu import Connection

    from worldcities.celery import app

    def refused(*args, **kwargs):
        raise AssertionError("the broker was spoken to")

    monkeypatch.setattr(Connection, "connect", refused)
    monkeypatch.setattr(Connection, "ensure_connection", refused)
    settings.load_ahead()
    assert app.finalized
    assert "worldcities.notifications.tasks.send_email" in app.tasks
    assert "practices.views" in sys.modules
    assert "meetings.views" in sys.modules
