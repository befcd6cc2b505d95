import os
import subprocess
import sys

import pytest
from django.conf import settings

ROOT = settings.BASE_DIR
DB = "postgres://worldcities@db.example:5432/worldcities"


def run_with_settings(module: str, code: str, **env) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "DEBUG", "CI"}
    }
    environment.update({"DJANGO_SETTINGS_MODULE": module, **env})
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; {code}",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def embedded_dir(tmp_path):
    """A data folder of its own for an embedded server a test starts; stopped afterwards."""
    from worldcities import localdb

    folder = tmp_path / "postgres"
    yield folder
    localdb.stop(folder)


def test_local_settings_default_to_an_embedded_postgresql_a_folder_broker_and_cache(
    embedded_dir,
):
    result = run_with_settings(
        "worldcities.settings.local",
        "from django.db import connection; connection.ensure_connection(); "
        "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['HOST'], "
        "connection.cursor().connection.info.server_version // 10000, "
        "settings.CELERY_BROKER_URL, settings.DEBUG, settings.CACHES['default']['BACKEND'])",
        EMBEDDED_POSTGRES_DIR=str(embedded_dir),
    )
    assert result.returncode == 0, result.stderr
    # The web server and the worker are two processes: they share the cache through a folder.
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        str(embedded_dir),
        "18",
        "filesystem://",
        "True",
        "django.core.cache.backends.filebased.FileBasedCache",
    ]
    # A second process finds the server running and uses it.
    again = run_with_settings(
        "worldcities.settings.local",
        "from django.db import connection; connection.ensure_connection(); print('connected')",
        EMBEDDED_POSTGRES_DIR=str(embedded_dir),
    )
    assert again.stdout.strip() == "connected", again.stderr


def test_local_settings_use_postgresql_and_redis_when_their_urls_are_set():
    result = run_with_settings(
        "worldcities.settings.local",
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL, "
        "settings.CACHES['default']['BACKEND'])",
        DATABASE_URL="postgres://u@db.example:5432/wc",
        REDIS_URL="redis://cache.example:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "redis://cache.example:6379/0",
        "django_redis.cache.RedisCache",
    ]


def test_production_settings_load_with_a_secret_and_hosts():
    result = run_with_settings(
        "worldcities.settings.production",
        "print(settings.DEBUG, settings.ALLOWED_HOSTS, settings.SESSION_COOKIE_SECURE)",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="worldcities.example.eu",
        DATABASE_URL=DB,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['worldcities.example.eu'] True"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"ALLOWED_HOSTS": "worldcities.example.eu", "DATABASE_URL": DB},
            "Set the SECRET_KEY environment variable",
        ),
        (
            {"SECRET_KEY": "x" * 60, "DATABASE_URL": DB},
            "Set the ALLOWED_HOSTS environment variable",
        ),
        (
            {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "worldcities.example.eu"},
            "Set the DATABASE_URL environment variable",
        ),
    ],
)
def test_production_settings_refuse_to_start_without_a_secret_or_hosts(env, message):
    result = run_with_settings("worldcities.settings.production", "print('started')", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
    assert "started" not in result.stdout


def test_production_deploy_check_reports_nothing():
    environment = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "worldcities.settings.production",
        "SECRET_KEY": "a-production-grade-secret-key-with-more-than-fifty-characters-9f8e7d",
        "ALLOWED_HOSTS": "worldcities.example.eu",
        "DATABASE_URL": DB,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_test_settings_are_the_ones_in_force():
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert settings.USE_TZ is True
    assert settings.LANGUAGES[0][0] == "en"


def test_the_platform_s_connections_read_ahead_and_sort_in_memory(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('jit'), current_setting('work_mem'), "
            "current_setting('effective_io_concurrency')"
        )
        assert cursor.fetchone() == ("off", "16MB", "200")
