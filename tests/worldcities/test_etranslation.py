"""eTranslation, the second machine translation provider: the request names the callback
addresses and a signed reference; the answer arrives later by a POST, is accepted only for a
request the platform made and still waits for, and is stored as an unchecked translation."""

import datetime

import pytest
from django.core import signing
from django.urls import reverse

from meetings.services import meeting_translation_draft_make
from practices.services import practice_translation_draft_make
from tests.fake_translators import etranslation  # noqa: F401 (a fixture)
from tests.meetings.factories import MeetingFactory
from tests.practices.factories import PracticeFactory, PracticeTranslationFactory
from tests.users.factories import DelegateFactory
from worldcities import machine_translation
from worldcities.machine_translation import etranslation as provider
from worldcities.machine_translation.models import DraftRequest

pytestmark = pytest.mark.django_db

ANSWER = "machine_translation:etranslation_answer"
ERROR = "machine_translation:etranslation_error"


@pytest.fixture
def practice(db):
    return PracticeFactory(
        title="Open mobility data",
        summary="Tampere opened its data.",
        body="First step.\n\nSecond step.",
    )


@pytest.fixture
def asker(practice):
    return DelegateFactory(city=practice.city)


def _answer(client, sent, text=None, **changes):
    fields = {
        "request-id": str(sent["id"]),
        "target-language": sent["targetLanguages"][0],
        "translated-text": text if text is not None else f"[KO] {sent['textToTranslate']}",
        "external-reference": sent["externalReference"],
    }
    fields.update(changes)
    return client.post(reverse(ANSWER), fields)


def test_it_is_off_until_its_application_and_password_are_set(settings):
    settings.MACHINE_TRANSLATION_PROVIDER = "etranslation"
    settings.ETRANSLATION_APPLICATION, settings.ETRANSLATION_PASSWORD = "worldcities", ""
    assert not machine_translation.enabled()
    settings.ETRANSLATION_PASSWORD = "s3cret"
    assert machine_translation.enabled()


def test_the_request_names_the_callbacks_and_a_signed_reference(
    practice,
    asker,
    etranslation,  # noqa: F811
):
    assert (
        practice_translation_draft_make(practice_id=practice.pk, language="ko", by_id=asker.pk)
        is False
    )
    sent = etranslation.requests
    assert [r["textToTranslate"] for r in sent] == [
        "Open mobility data",
        "Tampere opened its data.",
        "First step.\n\nSecond step.",
    ]
    first = sent[0]
    assert (first["sourceLanguage"], first["targetLanguages"], first["domain"]) == (
        "EN",
        ["KO"],
        "GEN",
    )
    assert first["callerInformation"]["application"] == "worldcities-test"
    assert first["requesterCallback"] == "https://worldcities.example.org" + reverse(ANSWER)
    assert first["errorCallback"] == "https://worldcities.example.org" + reverse(ERROR)
    assert len({r["externalReference"] for r in sent}) == 3
    waiting = DraftRequest.objects.get()
    assert waiting.status == DraftRequest.Status.WAITING
    assert waiting.request_ids == [r["id"] for r in sent]
    assert not practice.translations.exists()


def test_the_answers_are_stored_as_an_unchecked_machine_translation(
    client,
    practice,
    asker,
    etranslation,  # noqa: F811
):
    practice_translation_draft_make(practice_id=practice.pk, language="ko", by_id=asker.pk)
    first, second, third = etranslation.requests
    # They may come in any order; nothing is stored before the last.
    assert _answer(client, third).status_code == 200
    assert _answer(client, first).status_code == 200
    assert not practice.translations.exists()
    assert _answer(client, second).status_code == 200
    translation = practice.translations.get()
    assert (translation.language, translation.title, translation.summary) == (
        "ko",
        "[KO] Open mobility data",
        "[KO] Tampere opened its data.",
    )
    assert translation.body == "[KO] First step.\n\nSecond step."
    assert (translation.machine, translation.checked_by, translation.written_by) == (
        True,
        None,
        asker,
    )
    assert DraftRequest.objects.get().status == DraftRequest.Status.STORED
    page = client.get(practice.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "[KO] Open mobility data" in page


def test_a_meeting_draft_arrives_the_same_way(client, etranslation):  # noqa: F811
    meeting = MeetingFactory(title="Working meeting in Gwangju", description="")
    assert meeting_translation_draft_make(meeting_id=meeting.pk, language="de", by_id=None) is False
    # The empty description is not sent.
    assert [r["textToTranslate"] for r in etranslation.requests] == ["Working meeting in Gwangju"]
    _answer(client, etranslation.requests[0], text="Arbeitstreffen in Gwangju")
    translation = meeting.translations.get()
    assert (translation.title, translation.description, translation.machine) == (
        "Arbeitstreffen in Gwangju",
        "",
        True,
    )


def test_anything_but_an_answer_to_a_waiting_request_is_refused(
    client,
    practice,
    asker,
    etranslation,  # noqa: F811
):
    practice_translation_draft_make(practice_id=practice.pk, language="ko", by_id=asker.pk)
    first, second, third = etranslation.requests
    ref = first["externalReference"]
    forged = signing.dumps({"r": DraftRequest.objects.get().pk, "p": 0}, salt="another")
    refused = [
        _answer(client, first, **{"external-reference": ""}),
        _answer(client, first, **{"external-reference": ref[:-2] + "xx"}),
        _answer(client, first, **{"external-reference": forged}),
        _answer(client, first, **{"request-id": str(first["id"] + 999)}),
    ]
    assert [r.status_code for r in refused] == [403] * 4
    assert client.get(reverse(ANSWER)).status_code == 405
    # A reference answers once.
    assert _answer(client, first).status_code == 200
    assert _answer(client, first, text="again").status_code == 403
    assert DraftRequest.objects.get().arrived == {"0": "[KO] Open mobility data"}
    _answer(client, second)
    _answer(client, third)
    # Once stored, the request waits for nothing.
    assert _answer(client, third).status_code == 403
    assert practice.translations.get().title == "[KO] Open mobility data"


def test_an_old_reference_is_refused(client, settings, practice, asker, etranslation):  # noqa: F811
    practice_translation_draft_make(practice_id=practice.pk, language="ko", by_id=asker.pk)
    settings.ETRANSLATION_ANSWER_DAYS = -1
    assert _answer(client, etranslation.requests[0]).status_code == 403


def test_the_error_callback_ends_the_request_without_a_draft(
    client,
    practice,
    asker,
    etranslation,  # noqa: F811
):
    practice_translation_draft_make(practice_id=practice.pk, language="ko", by_id=asker.pk)
    first, second, _third = etranslation.requests
    _answer(client, first)
    response = client.post(
        reverse(ERROR),
        {
            "request-id": str(second["id"]),
            "target-language": "KO",
            "error-code": "-20028",
            "error-message": "Language pair not supported",
            "external-reference": second["externalReference"],
        },
    )
    assert response.status_code == 200
    waiting = DraftRequest.objects.get()
    assert waiting.status == DraftRequest.Status.FAILED
    assert "Language pair not supported" in waiting.error
    assert _answer(client, second).status_code == 403
    assert not practice.translations.exists()
    # A bad reference is refused on this address too.
    assert client.post(reverse(ERROR), {"external-reference": "x"}).status_code == 403
    # The request no longer waits: a new one may be made.
    practice_translation_draft_make(practice_id=practice.pk, language="ko", by_id=asker.pk)
    assert DraftRequest.objects.filter(status=DraftRequest.Status.WAITING).count() == 1


def test_a_translation_written_meanwhile_wins(client, practice, asker, etranslation):  # noqa: F811
    practice_translation_draft_make(practice_id=practice.pk, language="ko", by_id=asker.pk)
    PracticeTranslationFactory(practice=practice, language="ko", title="사람이 쓴 제목")
    for sent in etranslation.requests:
        _answer(client, sent)
    assert practice.translations.get().title == "사람이 쓴 제목"
    assert DraftRequest.objects.get().status == DraftRequest.Status.FAILED


def test_a_retried_job_sends_only_what_was_not_sent(practice, asker, etranslation):  # noqa: F811
    etranslation.fail_with = 503
    with pytest.raises(machine_translation.TransientError):
        practice_translation_draft_make(practice_id=practice.pk, language="ko", by_id=asker.pk)
    etranslation.fail_with = None
    practice_translation_draft_make(practice_id=practice.pk, language="ko", by_id=asker.pk)
    practice_translation_draft_make(practice_id=practice.pk, language="ko", by_id=asker.pk)
    assert len(etranslation.requests) == 3
    assert DraftRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("status", "answer", "error"),
    [
        (503, None, machine_translation.TransientError),
        (401, None, machine_translation.MachineTranslationError),
        (None, "-20001", machine_translation.MachineTranslationError),
        (None, "not a number", machine_translation.MachineTranslationError),
    ],
)
def test_the_client_tells_a_passing_failure_from_a_refusal(
    practice,
    etranslation,  # noqa: F811
    status,
    answer,
    error,
):
    etranslation.fail_with, etranslation.answer_with = status, answer
    with pytest.raises(error) as raised:
        practice_translation_draft_make(practice_id=practice.pk, language="ko", by_id=None)
    assert isinstance(raised.value, machine_translation.TransientError) == (status == 503)


def test_a_long_text_goes_in_pieces_that_join_back():
    text = "\n\n".join(f"Paragraph {n}. " + "word " * 300 for n in range(12))
    text += "\n\n" + "x" * (provider.PIECE * 2 + 10)
    parts = provider.pieces(text)
    assert all(len(part) <= provider.PIECE for part in parts)
    assert len(parts) > 3
    assert provider.JOIN.join(parts).replace(provider.JOIN, "") == text.replace(provider.JOIN, "")


def test_the_reference_names_the_request_and_its_part(practice, asker, etranslation):  # noqa: F811
    practice_translation_draft_make(practice_id=practice.pk, language="ko", by_id=asker.pk)
    ref = etranslation.requests[0]["externalReference"]
    data = signing.loads(ref, salt=provider.SALT, max_age=datetime.timedelta(days=1))
    assert data == {"r": DraftRequest.objects.get().pk, "p": 0}
