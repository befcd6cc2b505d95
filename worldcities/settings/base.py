"""Settings shared by every mode. Every value that differs between machines comes from the
environment, read here through the one ``env`` object; ``local``, ``test`` and ``production``
only change defaults and switch features on or off."""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
# What is deployed (e.g. the commit): cached pages are kept per release. Empty: a digest of the
# code and templates (``worldcities.versions.release``).
RELEASE = env("RELEASE", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- Applications -------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "worldcities.apps.WorldCitiesConfig",
    "worldcities.users",
    "worldcities.notifications",
    "worldcities.reports",
    "worldcities.opendata",
    "worldcities.machine_translation",
    "cities",
    "twinning",
    "practices",
    "meetings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "worldcities.middleware.RefuseNulCharacters",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "worldcities.users.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "worldcities.users.middleware.RequireTwoFactor",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "worldcities.urls"
WSGI_APPLICATION = "worldcities.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "worldcities.context_processors.platform",
            ],
        },
    },
]

# --- Data ---------------------------------------------------------------------------------------
# PostgreSQL is the one database. ``DATABASE_URL`` names the server; without it, ``local`` and
# ``test`` start the embedded one (``worldcities.localdb``) and ``production`` refuses to start.
DATABASE_URL = env("DATABASE_URL", default="")
EMBEDDED_POSTGRES_DIR = Path(env("EMBEDDED_POSTGRES_DIR", default=str(VAR_DIR / "postgres")))
# What the platform's PostgreSQL connections set for themselves. Compiling a query to machine
# code (JIT) pays off for long analytical queries, not for a web page's. The server's default
# 4 MB per sort or hash is too little to keep a large search's matches in memory. A search reads
# one heap page per match (a bitmap heap scan): asking for many reads ahead of the scan keeps
# the disk busy instead of reading one page at a time (``docs/benchmarks.md`` has the figures).
POSTGRES_OPTIONS = "-c jit=off -c work_mem=16MB -c effective_io_concurrency=200"


def postgres(config: dict) -> dict:
    """A database's settings with what every connection of the platform uses."""
    config.setdefault("OPTIONS", {}).setdefault("options", POSTGRES_OPTIONS)
    config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
    config["CONN_HEALTH_CHECKS"] = True
    return config


def embedded_postgres(*, create: bool = True) -> dict:
    from worldcities import localdb

    return postgres(localdb.database(EMBEDDED_POSTGRES_DIR, create=create))


DATABASES = {"default": postgres(env.db_url_config(DATABASE_URL))} if DATABASE_URL else {}
# ``manage.py backup`` writes here; its pg_dump/pg_restore are those of the server's major
# version, looked for in POSTGRES_BIN_DIR first (``worldcities.backups``).
BACKUP_DIR = Path(env("BACKUP_DIR", default=str(VAR_DIR / "backups")))
POSTGRES_BIN_DIR = env("POSTGRES_BIN_DIR", default="")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")

# One cache shared by every process of the platform (web workers, Celery): the versions of what
# cached parts show are moved on through it (``worldcities.versions``), so a per-process cache
# would serve one process's stale copy after another process's write. django-redis keeps one
# client per connection pool; Django's own backend builds a client for every call.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "wc",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(Path(env("CACHE_DIR", default=str(VAR_DIR / "cache")))),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
# Sessions are read from the cache and written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Accounts -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "worldcities.users.backends.AuthenticationBackend",
    "rules.permissions.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "users:profile"

ACCOUNT_ADAPTER = "worldcities.users.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[World Cities Exchange] "
# Failed logins are counted per client address: behind proxies of our own, the address is read
# from the header they set (or the last of X-Forwarded-For they append to), never from a header
# a client could send itself.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER", default=None)
# A second factor (an authenticator app's codes, and recovery codes) for every account; required
# of these roles before they reach anything else (``users.middleware.RequireTwoFactor``).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "World Cities Exchange"
# A code of the step before or after is accepted too: clocks of phones drift.
MFA_TOTP_TOLERANCE = 1
TWO_FACTOR_REQUIRED_FOR = env.list(
    "TWO_FACTOR_REQUIRED_FOR", default=["programme_staff", "coordinator"]
)
# Signing in through EU Login (the Commission's CAS server), beside the password: off unless
# enabled and given the server's address (``worldcities.users.eulogin``, docs/accounts.md).
# It only finds existing accounts, by their verified e-mail address, and is not a second factor.
EU_LOGIN_ENABLED = env.bool("EU_LOGIN_ENABLED", default=False)
EU_LOGIN_SERVER_URL = env("EU_LOGIN_SERVER_URL", default="")
# ``serviceValidate`` (CAS 2, what EU Login answers with the address) or ``p3/serviceValidate``.
EU_LOGIN_VALIDATE_PATH = env("EU_LOGIN_VALIDATE_PATH", default="serviceValidate")
EU_LOGIN_EMAIL_ATTRIBUTE = env("EU_LOGIN_EMAIL_ATTRIBUTE", default="email")
EU_LOGIN_TIMEOUT = env.int("EU_LOGIN_TIMEOUT", default=10)
# Refused EU Login sign-ins allowed from one client address (as allauth writes its limits).
EU_LOGIN_RATE_LIMIT = env("EU_LOGIN_RATE_LIMIT", default="10/m/ip")
# Messages one person may send through the directory's contact form in an hour.
DIRECTORY_CONTACT_PER_HOUR = env.int("DIRECTORY_CONTACT_PER_HOUR", default=10)
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("LOGIN_RATE_LIMIT", default="10/m/ip,5/5m/key"),
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}

# --- The read API (docs/api.md) ----------------------------------------------------------------
# Read only, JSON only (the documentation at /api/docs/ is the browsable part). Rate limits are
# counted in the cache: per client address for anonymous use, per token otherwise.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "worldcities.api.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["worldcities.api.filtering.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "worldcities.api.pagination.Cursor",
    "DEFAULT_THROTTLE_CLASSES": [
        "worldcities.api.throttling.VisitorRateThrottle",
        "worldcities.api.throttling.TokenRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anonymous": env("API_RATE_ANONYMOUS", default="60/min"),
        "token": env("API_RATE_TOKEN", default="600/min"),
    },
    # The client address for the anonymous limit: as for the login limits, X-Forwarded-For is
    # read only behind proxies of our own.
    "NUM_PROXIES": ALLAUTH_TRUSTED_PROXY_COUNT,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "World Cities Exchange API",
    "DESCRIPTION": (
        "The programme's public data, read only: editions, cities, organisations, thematic "
        "areas and topics, pairings with their action plans, published good practices and "
        "meetings. Visitors see what the site shows them; with a personal token (made in your "
        "profile) the API answers as you. Lists are paginated by cursor; every answer has an "
        "ETag for conditional requests. See docs/api.md."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "worldcities.api.schema.add_errors_and_validators",
    ],
    "ENUM_NAME_OVERRIDES": {
        "EditionStatusEnum": "twinning.models.Edition.Status",
        "PairingStatusEnum": "twinning.models.Pairing.Status",
        "ActionStatusEnum": "twinning.models.Action.Status",
        "PracticeStatusEnum": "practices.models.Practice.Status",
        "TransferStatusEnum": "practices.models.Transfer.Status",
        "MeetingStatusEnum": "meetings.models.Meeting.Status",
        "RegistrationStatusEnum": "meetings.models.Registration.Status",
        "CityKindEnum": "cities.models.City.Kind",
        "OrganisationKindEnum": "cities.models.Organisation.Kind",
        "MilestoneKindEnum": "twinning.models.Milestone.Kind",
        "MeetingKindEnum": "meetings.models.Meeting.Kind",
        "AgendaItemKindEnum": "meetings.models.AgendaItem.Kind",
    },
}

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("de", _("German")),
    ("es", _("Spanish")),
    ("ko", _("Korean")),
    ("id", _("Indonesian")),
    ("vi", _("Vietnamese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and times as each language writes them (``worldcities.formats``).
FORMAT_MODULE_PATH = ["worldcities.formats"]
# The zone of times shown to a visitor whose browser has not told theirs (nor they chosen one),
# and of everything the platform does by the clock.
TIME_ZONE = "Europe/Brussels"
# A visitor's own zone: set from the browser (static/js/time-zone.js) or chosen on the time
# zone page; logged-in people have theirs in their profile (``worldcities.timezones``).
TIME_ZONE_COOKIE_NAME = "time_zone"
TIME_ZONE_COOKIE_AGE = 365 * 24 * 60 * 60
USE_I18N = True
USE_TZ = True

# Machine translation of content (``worldcities.machine_translation``): off unless the chosen
# provider is configured, and then only drafts a person asks for leave the machine.
# ``deepl``: the address of a DeepL API (its free or paid endpoint, ending in
# ``/v2/translate``) and its key. ``etranslation``: the European Commission's eTranslation,
# with the application name and password the Commission gave; it answers later, by a POST to
# the platform's callback addresses under ``SITE_URL``.
MACHINE_TRANSLATION_PROVIDER = env("MACHINE_TRANSLATION_PROVIDER", default="deepl")
MACHINE_TRANSLATION_URL = env("MACHINE_TRANSLATION_URL", default="")
MACHINE_TRANSLATION_KEY = env("MACHINE_TRANSLATION_KEY", default="")
MACHINE_TRANSLATION_TIMEOUT = env.int("MACHINE_TRANSLATION_TIMEOUT", default=30)
ETRANSLATION_URL = env(
    "ETRANSLATION_URL", default="https://webgate.ec.europa.eu/etranslation/si/translate"
)
ETRANSLATION_APPLICATION = env("ETRANSLATION_APPLICATION", default="")
ETRANSLATION_PASSWORD = env("ETRANSLATION_PASSWORD", default="")
ETRANSLATION_DOMAIN = env("ETRANSLATION_DOMAIN", default="GEN")
# How long an answer may take to arrive: a callback with an older reference is refused.
ETRANSLATION_ANSWER_DAYS = env.int("ETRANSLATION_ANSWER_DAYS", default=2)

# --- Static and media ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- E-mail -------------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="World Cities Exchange <noreply@worldcities.test>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background jobs ----------------------------------------------------------------------------
CELERY_DATA_DIR = Path(env("CELERY_DATA_DIR", default=str(VAR_DIR / "celery")))
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # Zero-server default: the broker is a folder, shared by the worker and beat on one host.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = env(
    "CELERY_RESULT_BACKEND", default=REDIS_URL or f"file://{CELERY_DATA_DIR / 'results'}"
)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TIMEZONE = "UTC"
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Every periodic job, in one place. Beat (one process) copies them into the database, where
# programme staff see them in the admin ("Periodic tasks").
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "worldcities.notifications.tasks.sweep_outbox",
        "schedule": 60.0,
    },
    "daily-digests": {
        "task": "worldcities.notifications.tasks.send_daily_digests",
        "schedule": crontab(minute=0, hour=6),
    },
    "report-sweep": {
        "task": "worldcities.reports.tasks.sweep_reports",
        "schedule": 5 * 60.0,
    },
    "report-expiry": {
        "task": "worldcities.reports.tasks.expire_reports",
        "schedule": crontab(minute=30, hour=3),
    },
    "practice-moderation-digest": {
        "task": "practices.tasks.send_moderation_digests",
        "schedule": crontab(minute=0, hour=7),
    },
    "practice-pending-upload-expiry": {
        "task": "practices.tasks.expire_pending_uploads",
        "schedule": crontab(minute=45),
    },
    "travel-details-purge": {
        "task": "meetings.tasks.purge_travel_details",
        "schedule": crontab(minute=15, hour=4),
    },
    "action-reminders": {
        "task": "twinning.tasks.send_action_reminders",
        "schedule": crontab(minute=30, hour=5),
    },
    "weekly-digests": {
        "task": "worldcities.notifications.tasks.send_weekly_digests",
        "schedule": crontab(minute=0, hour=6, day_of_week="mon"),
    },
    "opportunity-matching": {
        "task": "cities.tasks.match_opportunities",
        "schedule": 5 * 60.0,
    },
    "meeting-reminders": {
        "task": "meetings.tasks.send_meeting_reminders",
        "schedule": crontab(minute="*/15"),
    },
    "meeting-invitation-reminders": {
        "task": "meetings.tasks.send_invitation_reminders",
        "schedule": crontab(minute=15, hour="*/6"),
    },
    "meeting-evaluation-reminders": {
        "task": "meetings.tasks.send_evaluation_reminders",
        "schedule": crontab(minute=45, hour=8),
    },
    "open-data-build": {
        "task": "worldcities.opendata.tasks.build_open_data",
        "schedule": crontab(minute=20, hour=2),
    },
}

# The bulk downloads of /open-data/, rebuilt every night (docs/open-data.md).
OPEN_DATA_ROOT = Path(env("OPEN_DATA_ROOT", default=str(VAR_DIR / "open-data")))
REPORTS_KEEP_DAYS = env.int("REPORTS_KEEP_DAYS", default=7)
# Dietary needs and visa-letter requests are kept this many days after their meeting ends.
TRAVEL_DETAILS_KEEP_DAYS = env.int("TRAVEL_DETAILS_KEEP_DAYS", default=30)

# --- Security -----------------------------------------------------------------------------------
# Every response says where its scripts, styles and images may come from: this site only, no
# inline script or style, never inside another site's frame. Browsers report what they
# refused to /csp-report/, which logs it (``worldcities.views.csp_report``).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "report-uri": "/csp-report/",
    }
}
if EU_LOGIN_ENABLED and EU_LOGIN_SERVER_URL:
    # Logging out of a session opened through EU Login posts the form, whose answer goes on
    # to EU Login's logout: browsers hold the redirect of a form to ``form-action`` too.
    _eu_login = urlsplit(EU_LOGIN_SERVER_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        f"{_eu_login.scheme}://{_eu_login.netloc}"
    )
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Logging: everything to standard output ------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"refusals_on_one_line": {"()": "worldcities.logfilters.RefusalsOnOneLine"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
            "filters": ["refusals_on_one_line"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.security": {"level": "WARNING"},
    },
}

DEMO_ACCOUNTS_ALLOWED = False

ADMINS = [("Platform", a) for a in env.list("ADMIN_EMAILS", default=[])]
