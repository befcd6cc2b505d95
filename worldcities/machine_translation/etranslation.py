"""The European Commission's eTranslation: it answers asynchronously. Each text (or piece of
a long one) is sent as a request that names the platform's two callback addresses and a
reference; the translation, or an error, arrives later as a POST to one of them.

The reference is signed (``django.core.signing``, with the site's secret) and names the
waiting ``DraftRequest`` and the part: a callback is accepted only with a reference the
platform made, not older than ``ETRANSLATION_ANSWER_DAYS``, for a part still waited for
(single use), and with the request id the service gave that part when it is known. When
every part arrived, the texts go to the function the row's app registered (``register``),
which stores them as an unchecked translation."""

import datetime
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import MachineTranslationError, TransientError, receiver
from .models import DraftRequest

SALT = "worldcities.machine_translation.etranslation"
# The service takes a text of a few thousand characters at most: longer ones go in pieces,
# cut between paragraphs.
PIECE = 4500
JOIN = "\n\n"


class Refused(Exception):
    """A callback that answers no request the platform is waiting for."""


def pieces(text: str) -> list[str]:
    """``text`` cut between paragraphs into pieces of at most ``PIECE`` characters (a longer
    paragraph is cut where it must); joined with ``JOIN`` they give the text back."""
    result, current = [], ""
    for paragraph in text.split(JOIN):
        while len(paragraph) > PIECE:
            if current:
                result.append(current)
                current = ""
            result.append(paragraph[:PIECE])
            paragraph = paragraph[PIECE:]
        if current and len(current) + len(JOIN) + len(paragraph) > PIECE:
            result.append(current)
            current = paragraph
        else:
            current = f"{current}{JOIN}{paragraph}" if current else paragraph
    result.append(current)
    return result


def reference(request: DraftRequest, number: int) -> str:
    return signing.dumps({"r": request.pk, "p": number}, salt=SALT, compress=True)


def _address(name: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(f"machine_translation:{name}")


def _opener():
    """Sends the application's name and password to the service when it asks (it asks for
    HTTP digest authentication; basic is answered too)."""
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(
        None,
        settings.ETRANSLATION_URL,
        settings.ETRANSLATION_APPLICATION,
        settings.ETRANSLATION_PASSWORD,
    )
    return urllib.request.build_opener(
        urllib.request.HTTPDigestAuthHandler(passwords),
        urllib.request.HTTPBasicAuthHandler(passwords),
    )


def _send(text: str, *, source: str, target: str, ref: str) -> int:
    """Sends one text; the service's id of the request."""
    payload = {
        "priority": 0,
        "callerInformation": {
            "application": settings.ETRANSLATION_APPLICATION,
            "username": settings.ETRANSLATION_APPLICATION,
        },
        "textToTranslate": text,
        "sourceLanguage": source.upper(),
        "targetLanguages": [target.upper()],
        "domain": settings.ETRANSLATION_DOMAIN,
        "externalReference": ref,
        "requesterCallback": _address("etranslation_answer"),
        "errorCallback": _address("etranslation_error"),
    }
    request = urllib.request.Request(  # noqa: S310 (the address the operator set)
        settings.ETRANSLATION_URL,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with _opener().open(request, timeout=settings.MACHINE_TRANSLATION_TIMEOUT) as response:
            answer = response.read().decode().strip()
    except urllib.error.HTTPError as error:
        if error.code == 429 or error.code >= 500:
            raise TransientError(f"eTranslation answered {error.code}.") from error
        raise MachineTranslationError(f"eTranslation refused: {error.code}.") from error
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise TransientError(f"eTranslation is out of reach: {error}.") from error
    try:
        request_id = int(answer)
    except ValueError as error:
        raise MachineTranslationError("eTranslation's answer is not a request id.") from error
    if request_id < 0:  # the service's error codes are negative numbers
        raise MachineTranslationError(f"eTranslation refused the request: {request_id}.")
    return request_id


def submit(
    texts: list[str], *, source: str, target: str, kind: str, object_id: int, by_id: int | None
) -> DraftRequest:
    """Sends ``texts`` for translation and records what waits for an answer. A second call
    for the same row and language while the first waits sends only the parts the first did
    not (a retried job)."""
    with transaction.atomic():
        waiting = (
            DraftRequest.objects.select_for_update()
            .filter(
                kind=kind, object_id=object_id, target=target, status=DraftRequest.Status.WAITING
            )
            .first()
        )
        if waiting is None:
            parts, sent = [], []
            for index, text in enumerate(texts):
                for piece in pieces(text):
                    parts.append(index)
                    sent.append(piece)
            waiting = DraftRequest.objects.create(
                kind=kind,
                object_id=object_id,
                source=source,
                target=target,
                requested_by_id=by_id,
                parts=parts,
                texts=sent,
                request_ids=[None] * len(sent),
                # An empty text needs no translation.
                arrived={str(number): "" for number, piece in enumerate(sent) if not piece.strip()},
            )
    ids = list(waiting.request_ids)
    try:
        for number, text in enumerate(waiting.texts):
            if ids[number] is None and str(number) not in waiting.arrived:
                ids[number] = _send(
                    text, source=source, target=target, ref=reference(waiting, number)
                )
    finally:
        _ids_save(waiting.pk, ids)
    if len(waiting.arrived) == len(waiting.parts):  # nothing to translate at all
        with transaction.atomic():
            _finish(DraftRequest.objects.select_for_update().get(pk=waiting.pk))
    return waiting


def _ids_save(pk: int, ids: list) -> None:
    with transaction.atomic():
        row = DraftRequest.objects.select_for_update().get(pk=pk)
        row.request_ids = [
            old if old is not None else new for old, new in zip(row.request_ids, ids, strict=True)
        ]
        row.save(update_fields=["request_ids"])


def _waiting_part(ref: str, request_id: str) -> tuple[DraftRequest, int]:
    """The waiting request and part number a callback answers, locked; else ``Refused``."""
    try:
        named = signing.loads(
            ref,
            salt=SALT,
            max_age=datetime.timedelta(days=settings.ETRANSLATION_ANSWER_DAYS),
        )
        pk, number = int(named["r"]), int(named["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise Refused("not a reference the platform made") from error
    waiting = (
        DraftRequest.objects.select_for_update()
        .filter(pk=pk, status=DraftRequest.Status.WAITING)
        .first()
    )
    if waiting is None or not 0 <= number < len(waiting.parts):
        raise Refused("no request waits for this answer")
    if str(number) in waiting.arrived:
        raise Refused("this part arrived already")
    known = waiting.request_ids[number]
    if known is not None and str(known) != str(request_id).strip():
        raise Refused("the request id is not the one the service gave")
    return waiting, number


def _finish(waiting: DraftRequest) -> bool:
    """Hands the arrived texts to the app that asked, once every part is there."""
    texts = [[] for _ in range(max(waiting.parts, default=-1) + 1)]
    for number, index in enumerate(waiting.parts):
        texts[index].append(waiting.arrived[str(number)])
    store = receiver(waiting.kind)
    stored = bool(store) and store(
        object_id=waiting.object_id,
        language=waiting.target,
        texts=[JOIN.join(text) for text in texts],
        by_id=waiting.requested_by_id,
    )
    waiting.status = DraftRequest.Status.STORED if stored else DraftRequest.Status.FAILED
    if not stored:
        waiting.error = "The row is gone or has a translation into this language by now."
    waiting.finished_at = timezone.now()
    waiting.texts = []
    waiting.save()
    return stored


@transaction.atomic
def answer_arrived(*, ref: str, request_id: str, text: str) -> DraftRequest:
    """Keeps a translated part; with the last one, the draft is stored."""
    waiting, number = _waiting_part(ref, request_id)
    waiting.arrived[str(number)] = text
    if len(waiting.arrived) == len(waiting.parts):
        _finish(waiting)
    else:
        waiting.save(update_fields=["arrived"])
    return waiting


@transaction.atomic
def error_arrived(*, ref: str, request_id: str, code: str, message: str) -> DraftRequest:
    """The service could not translate a part: the request fails, and no draft is stored."""
    waiting, _number = _waiting_part(ref, request_id)
    waiting.status = DraftRequest.Status.FAILED
    waiting.error = f"{code}: {message}".strip(": ")[:1000]
    waiting.finished_at = timezone.now()
    waiting.texts = []
    waiting.save()
    return waiting
