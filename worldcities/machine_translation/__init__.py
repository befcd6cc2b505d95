"""Drafts of content translations by machine, for a person to check, from one of two
providers (``MACHINE_TRANSLATION_PROVIDER``):

- ``deepl``, a DeepL API, which answers at once (``translate``). On when
  ``MACHINE_TRANSLATION_URL`` and ``MACHINE_TRANSLATION_KEY`` are both set.
- ``etranslation``, the European Commission's eTranslation, which answers later by a POST to
  the platform (``etranslation``: the request, the callbacks and the row that waits for them).
  On when ``ETRANSLATION_APPLICATION`` and ``ETRANSLATION_PASSWORD`` are both set.

Nothing leaves the machine otherwise. Called only from background jobs (a request never waits
for it), which retry ``TransientError`` with backoff; any other failure is final.

An app asks for a draft with ``draft``: with DeepL it gets the texts back; with eTranslation it
gets None, and the texts reach the function it registered for its kind of row (``register``)
once every one of them arrived."""

import json
import urllib.error
import urllib.request
from collections.abc import Callable

from django.conf import settings


class MachineTranslationError(Exception):
    """The service refused the texts or answered something unreadable: retrying won't help."""


class TransientError(MachineTranslationError):
    """The service could not be reached, was too busy or failed on its side: try later."""


# How the service names the platform's languages as targets (a source language is named
# without its variant).
TARGETS = {"en": "EN-GB", "fr": "FR", "de": "DE", "es": "ES", "ko": "KO", "id": "ID", "vi": "VI"}


DEEPL, ETRANSLATION = "deepl", "etranslation"

# What stores an arrived draft, per kind of row: ``store(object_id=, language=, texts=,
# by_id=)`` returns whether it stored one. Filled by the apps (their ``ready``).
_receivers: dict[str, Callable[..., bool]] = {}


def register(kind: str, store: Callable[..., bool]) -> None:
    """Names the function that stores a draft of a row of ``kind`` (``"practice"``) when its
    texts arrive later (eTranslation)."""
    _receivers[kind] = store


def receiver(kind: str) -> Callable[..., bool] | None:
    return _receivers.get(kind)


def provider() -> str:
    return settings.MACHINE_TRANSLATION_PROVIDER


def enabled() -> bool:
    if provider() == ETRANSLATION:
        return bool(settings.ETRANSLATION_APPLICATION and settings.ETRANSLATION_PASSWORD)
    return bool(settings.MACHINE_TRANSLATION_URL and settings.MACHINE_TRANSLATION_KEY)


def draft(
    texts: list[str], *, source: str, target: str, kind: str, object_id: int, by_id: int | None
) -> list[str] | None:
    """``texts`` translated from ``source`` into ``target`` now (DeepL), or None when the
    provider answers later (eTranslation): the texts then go to ``kind``'s registered
    function. Safe to repeat: a second call for the same row and language while the first
    waits sends nothing again."""
    if provider() == ETRANSLATION:
        from . import etranslation

        if not enabled():
            raise MachineTranslationError("Machine translation is not configured.")
        etranslation.submit(
            texts, source=source, target=target, kind=kind, object_id=object_id, by_id=by_id
        )
        return None
    return translate(texts, source=source, target=target)


def translate(texts: list[str], *, source: str, target: str) -> list[str]:
    """``texts`` translated by DeepL from ``source`` into ``target`` (the platform's language
    codes), in the same order."""
    if provider() != DEEPL or not enabled():
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
