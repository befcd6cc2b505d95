"""The test suite, on PostgreSQL always: the server ``DATABASE_URL`` names, else the embedded one
(``worldcities.localdb``). Redis (``REDIS_URL``, else the local server) is used where it can be
reached; with CI=true an unreachable server is an error, never a reason to skip."""

import socket
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, embedded_postgres, env

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


if not DATABASES:
    if CI:
        raise ImproperlyConfigured("CI=true: set DATABASE_URL to the PostgreSQL server to test on.")
    # The test runner creates its own databases on the server.
    DATABASES = {"default": embedded_postgres(create=False)}
# Django's PostgreSQL backend, emptying the tables after a test that commits with ``DELETE``
# rather than ``TRUNCATE`` (``tests/postgresql/base.py`` says why).
DATABASES["default"]["ENGINE"] = "tests.postgresql"

TEST_REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
if not _reachable(TEST_REDIS_URL, 6379):
    if CI:
        raise ImproperlyConfigured(f"CI=true but Redis at {TEST_REDIS_URL} is unreachable.")
    TEST_REDIS_URL = ""
REDIS_URL = ""
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
OPEN_DATA_ROOT = BASE_DIR / "var" / "test-open-data"  # noqa: F405

# Tasks queue in memory and run only where a test runs them (or starts a real worker).
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_RESULT_BACKEND = "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = False
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
DEMO_ACCOUNTS_ALLOWED = True
# Tests log people in directly; the tests of the second factor require it themselves.
TWO_FACTOR_REQUIRED_FOR: list[str] = []
