"""The .mo files are built wherever the platform runs, and never committed."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("target", ["setup", "run", "test"])
def test_make_compiles_the_catalogues_first(tmp_path, target):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    for lock in ("requirements-dev.lock", "requirements-pip.lock"):
        (tmp_path / lock).touch()
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / ".installed").touch()
    # Under `make test` the parent's flags would make this make name its folder (a pytest
    # folder) in its first lines: it runs as on its own.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    steps = subprocess.run(
        ["make", "--no-print-directory", "-n", target],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.splitlines()
    compile_at = next(i for i, step in enumerate(steps) if "manage.py compilemessages" in step)
    first_use = next(
        i for i, step in enumerate(steps) if "manage.py migrate" in step or "pytest" in step
    )
    assert compile_at < first_use


def test_the_image_and_ci_install_gettext_and_compile():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert " gettext " in dockerfile or " gettext\\" in dockerfile
    assert "manage.py compilemessages" in dockerfile
    ci = (ROOT / ".ci" / "run").read_text()
    assert "missing+=(gettext)" in ci
    assert "msgfmt --check --statistics" in ci
    assert "make compilemessages" in ci


def test_no_compiled_catalogue_is_committed():
    assert "*.mo" in (ROOT / ".gitignore").read_text().splitlines()
    if shutil.which("git") and (ROOT / ".git").exists():
        tracked = subprocess.run(
            ["git", "ls-files", "*.mo"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        assert tracked == ""
