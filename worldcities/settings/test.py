"""The test suite. It runs against PostgreSQL and Redis when they can be reached (the
environment's DATABASE_URL / REDIS_URL, else the local servers) and on SQLite otherwise; with
CI=true an unreachable server is an error, never a reason to skip."""

import socket
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

CI = env.bool("CI", default=False)


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 1
        ):
            return True
    except OSError:
        return False


_db_url = env("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/worldcities")
if _reachable(_db_url, 5432):
    DATABASES = {"default": env.db_url_config(_db_url)}
    # The tests' connections behave as the platform's.
    DATABASES["default"]["OPTIONS"] = {"options": POSTGRES_OPTIONS}  # noqa: F405
elif CI:
    raise ImproperlyConfigured(f"CI=true but PostgreSQL at {_db_url} is unreachable.")
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

TEST_REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
if not _reachable(TEST_REDIS_URL, 6379):
    if CI:
        raise ImproperlyConfigured(f"CI=true but Redis at {TEST_REDIS_URL} is unreachable.")
    TEST_REDIS_URL = ""
REDIS_URL = ""
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "layout": LAYOUT_CACHE,  # noqa: F405
}

SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405

# Tasks queue in memory and run only where a test runs them (or starts a real worker).
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_RESULT_BACKEND = "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = False
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
DEMO_ACCOUNTS_ALLOWED = True
