"""Development and ``make run``: the embedded PostgreSQL, a folder as Celery broker and e-mail
on the console, unless DATABASE_URL, REDIS_URL or EMAIL_URL say otherwise."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-a-secret")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
DEMO_ACCOUNTS_ALLOWED = True
# The demo accounts log in without an authenticator app; set it to require one as production
# does ("programme_staff,coordinator").
TWO_FACTOR_REQUIRED_FOR = env.list("TWO_FACTOR_REQUIRED_FOR", default=[])

# The embedded database, the folder broker and uploads live under var/ (not in git).
VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
if not DATABASES:  # noqa: F405
    DATABASES = {"default": embedded_postgres()}  # noqa: F405
