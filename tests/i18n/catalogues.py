"""Reads the interface's catalogues (locale/<language>/LC_MESSAGES/*.po) for the tests."""

import re
from functools import cache

import polib
from django.conf import settings

LOCALE = settings.BASE_DIR / "locale"
DOMAINS = ("django", "djangojs")
TRANSLATED_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sd]|\{\}")


def catalogue(language: str, domain: str = "django") -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / f"{domain}.po"))


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{2,}", PLACEHOLDER.sub(" ", text))


@cache
def english_leftovers(language: str) -> tuple[frozenset[str], tuple[re.Pattern, ...]]:
    """What the interface shows in English when a string of ``language`` is missing: the
    msgids whose translation differs from the English (a word that is the same in both, such
    as "Status" in German, cannot tell, nor can a text that translates another msgid), as
    exact texts, and those with placeholders as patterns of a whole text. A pattern needs
    two English words around its placeholders, so that "%(person)s: %(status)s." does not
    match any text with a colon."""
    exact, patterns, shown = set(), [], set()
    entries = [e for domain in DOMAINS for e in catalogue(language, domain) if not e.obsolete]
    for entry in entries:
        shown.update(" ".join(t.split()) for t in [entry.msgstr, *entry.msgstr_plural.values()])
    for entry in entries:
        translations = [entry.msgstr, *entry.msgstr_plural.values()]
        for msgid in filter(None, [entry.msgid, entry.msgid_plural]):
            if msgid in translations or "<" in msgid:
                continue
            text = " ".join(msgid.split())
            if not PLACEHOLDER.search(text):
                exact.add(text)
            elif len(_words(text)) >= 2:
                parts = PLACEHOLDER.split(text.replace("%%", "%"))
                patterns.append(re.compile(".+?".join(re.escape(part) for part in parts)))
    # A translation may be an English word of its own: German shows "Filter" for "Filters".
    return frozenset(exact - shown), tuple(patterns)


def untranslated_texts(language: str, texts) -> list[str]:
    """The texts among ``texts`` that are still an English msgid of the catalogue."""
    exact, patterns = english_leftovers(language)
    found = []
    for text in texts:
        text = " ".join(text.split())
        if text in exact or any(pattern.fullmatch(text) for pattern in patterns):
            found.append(text)
    return found
