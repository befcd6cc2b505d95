"""`make run` gives the platform the address it serves on, so the links in e-mails and
notifications lead there (unless SITE_URL says otherwise)."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def site_url_of_run(tmp_path, *args, env=None, dotenv=None) -> str | None:
    """The SITE_URL that `make run` would export, read from a dry run in a copy of the
    Makefile (with its own .env)."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    for lock in ("requirements-dev.lock", "requirements-pip.lock"):
        (tmp_path / lock).touch()
    if dotenv is not None:
        (tmp_path / ".env").write_text(dotenv)
    environment = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT", "HOST")}
    environment.update(env or {})
    result = subprocess.run(
        ["make", "-n", "run", *args],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"export SITE_URL='([^']*)'", result.stdout)
    return found and found.group(1)


def test_the_port_and_host_make_the_site_url(tmp_path):
    assert site_url_of_run(tmp_path) == "http://127.0.0.1:8000"
    assert site_url_of_run(tmp_path, env={"PORT": "8123"}) == "http://127.0.0.1:8123"
    assert site_url_of_run(tmp_path, "PORT=9000", "HOST=localhost") == "http://localhost:9000"
    assert site_url_of_run(tmp_path, "HOST=0.0.0.0", "PORT=8080") == "http://127.0.0.1:8080"


def test_a_site_url_that_is_set_wins(tmp_path):
    env = {"SITE_URL": "https://worldcities.example.eu", "PORT": "8123"}
    assert site_url_of_run(tmp_path, env=env) == "https://worldcities.example.eu"
    # Set in .env, it is left to the settings to read.
    assert site_url_of_run(tmp_path, dotenv="SITE_URL=https://wc.example.eu\n") is None
