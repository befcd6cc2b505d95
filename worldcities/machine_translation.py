"""Drafts of content translations from a DeepL API, for a person to check.

Off unless ``MACHINE_TRANSLATION_URL`` and ``MACHINE_TRANSLATION_KEY`` are both set: nothing
leaves the machine otherwise. Called only from background jobs (a request never waits for
it), which retry ``TransientError`` with backoff; any other failure is final."""

import json
import urllib.error
import urllib.request

from django.conf import settings


class MachineTranslationError(Exception):
    """The service refused the texts or answered something unreadable: retrying won't help."""


class TransientError(MachineTranslationError):
    """The service could not be reached, was too busy or failed on its side: try later."""


# How the service names the platform's languages as targets (a source language is named
# without its variant).
TARGETS = {"en": "EN-GB", "fr": "FR", "de": "DE", "es": "ES", "ko": "KO", "id": "ID", "vi": "VI"}


def enabled() -> bool:
    return bool(settings.MACHINE_TRANSLATION_URL and settings.MACHINE_TRANSLATION_KEY)


def translate(texts: list[str], *, source: str, target: str) -> list[str]:
    """``texts`` translated from ``source`` into ``target`` (the platform's language codes),
    in the same order."""
    if not enabled():
        raise MachineTranslationError("Machine translation is not configured.")
    payload = {
        "text": texts,
        "source_lang": source.upper(),
        "target_lang": TARGETS.get(target, target.upper()),
        "preserve_formatting": True,
    }
    request = urllib.request.Request(  # noqa: S310 (the address the operator set)
        settings.MACHINE_TRANSLATION_URL,
        data=json.dumps(payload).encode(),
        headers={
            "Authorization": f"DeepL-Auth-Key {settings.MACHINE_TRANSLATION_KEY}",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(  # noqa: S310 (the address the operator set)
            request, timeout=settings.MACHINE_TRANSLATION_TIMEOUT
        ) as response:
            answer = json.load(response)
    except urllib.error.HTTPError as error:
        if error.code == 429 or error.code >= 500:
            raise TransientError(f"The translation service answered {error.code}.") from error
        raise MachineTranslationError(f"The translation service refused: {error.code}.") from error
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise TransientError(f"The translation service is out of reach: {error}.") from error
    except ValueError as error:
        raise MachineTranslationError("The translation service's answer is not JSON.") from error
    try:
        translated = [item["text"] for item in answer["translations"]]
    except (KeyError, TypeError) as error:
        raise MachineTranslationError("The translation service's answer has no texts.") from error
    if len(translated) != len(texts):
        raise MachineTranslationError("The translation service did not translate every text.")
    return translated
