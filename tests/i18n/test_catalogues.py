"""The catalogues of every language are complete and up to date with the code."""

import os
import shutil
import subprocess
import sys

import polib
import pytest
from django.conf import settings

from tests.i18n.catalogues import DOMAINS, LOCALE, TRANSLATED_LANGUAGES, catalogue

CATALOGUES = [(language, domain) for language in TRANSLATED_LANGUAGES for domain in DOMAINS]


def test_every_language_offered_has_its_catalogues():
    assert {code for code, _name in settings.LANGUAGES} == {
        "en", "fr", "de", "es", "ko", "id", "vi"
    }  # fmt: skip
    for language, domain in CATALOGUES:
        assert (LOCALE / language / "LC_MESSAGES" / f"{domain}.po").is_file(), (language, domain)


@pytest.mark.parametrize(("language", "domain"), CATALOGUES)
def test_a_catalogue_has_no_untranslated_and_no_fuzzy_entry(language, domain):
    po = catalogue(language, domain)
    assert po.metadata["Language"] == language
    assert not [e.msgid for e in po.untranslated_entries()]
    assert not [e.msgid for e in po.fuzzy_entries()]
    assert po.percent_translated() == 100


@pytest.mark.parametrize(("language", "domain"), CATALOGUES)
def test_msgfmt_accepts_a_catalogue(language, domain):
    """msgfmt --check: the placeholders of each translation match its msgid's, the header
    and the plural forms are sound."""
    path = LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


def _msgids(po) -> set[tuple[str | None, str, str]]:
    return {(e.msgctxt, e.msgid, e.msgid_plural) for e in po if not e.obsolete and e.msgid}


def test_the_catalogues_hold_every_string_of_the_code_and_no_other(tmp_path):
    """makemessages on a copy of the sources finds exactly the msgids of the committed
    catalogues: a string marked in the code but missing from them (or one they keep that
    the code no longer has) fails here until `make messages` is run and the new entries
    translated."""
    copy = tmp_path / "src"
    shutil.copytree(
        settings.BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".*", "__pycache__", "var", "staticfiles", "node_modules", "tests", "*.mo", "docs"
        ),
    )
    # makemessages reads no database: a server named, never reached, keeps the copy from
    # starting an embedded one of its own (and leaving it running) when no server is set. It
    # runs with the settings `make messages` runs it with, not the suite's (whose database
    # backend lives in the tests, which the copy leaves out).
    environ = {
        **os.environ,
        "DATABASE_URL": "postgres://unused@127.0.0.1:9/unused",
        "DJANGO_SETTINGS_MODULE": "worldcities.settings.local",
    }
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "-v", "0"],
        cwd=copy,
        check=True,
        env=environ,
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-d", "djangojs", "-l", "fr", "-v", "0"],
        cwd=copy,
        check=True,
        env=environ,
    )
    for domain in DOMAINS:
        fresh = _msgids(polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / f"{domain}.po")))
        for language in TRANSLATED_LANGUAGES:
            kept = _msgids(catalogue(language, domain))
            assert not fresh - kept, f"{language}/{domain}.po lacks {sorted(fresh - kept)[:10]}"
            assert not kept - fresh, f"{language}/{domain}.po keeps {sorted(kept - fresh)[:10]}"
