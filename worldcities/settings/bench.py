"""Benchmark only: production settings served over plain HTTP on 127.0.0.1, plus the ceiling
view (a minimal response through the whole middleware stack) and a header with the number of
SQL queries each request made. Never deploy with these settings."""

import os

os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
# The load comes from one address and, logged in, one person: the API's limits for visitors
# and per token would refuse it at once.
os.environ.setdefault("API_RATE_ANONYMOUS", "100000000/min")
os.environ.setdefault("API_RATE_TOKEN", "100000000/min")

from .production import *  # noqa: F403
from .production import MIDDLEWARE

ROOT_URLCONF = "worldcities.benchmarks.urls"
MIDDLEWARE = ["worldcities.benchmarks.middleware.QueryCountMiddleware", *MIDDLEWARE]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = False
