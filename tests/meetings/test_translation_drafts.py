"""Coordinators ask machine translation for a draft of a meeting's title and description,
through the provider practices use; it is stored unchecked and marked as a machine's."""

import pytest
from django.urls import reverse

from meetings import services
from meetings.tasks import draft_meeting_translation
from tests.fake_translators import deepl  # noqa: F401 (a fixture)
from tests.meetings.factories import MeetingTranslationFactory
from worldcities import machine_translation

pytestmark = pytest.mark.django_db

KOREAN = {"HTTP_ACCEPT_LANGUAGE": "ko"}


def test_nothing_leaves_the_machine_unless_configured(client_for, meeting, coordinator):
    assert not machine_translation.enabled()
    client = client_for(coordinator)
    page = client.get(reverse("meetings:translations", args=[meeting.pk])).content.decode()
    assert "Ask for a draft" not in page
    response = client.post(
        reverse("meetings:translation_draft", args=[meeting.pk]), {"draft-language": "ko"}
    )
    assert response.status_code == 400
    assert "Machine translation is not set up" in response.content.decode()
    assert not meeting.translations.exists()


def test_a_coordinator_asks_for_a_draft_stored_unchecked(
    client_for,
    client,
    meeting,
    coordinator,
    deepl,  # noqa: F811
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    queued = []
    monkeypatch.setattr(draft_meeting_translation, "delay", lambda *args: queued.append(args))
    coordinating = client_for(coordinator)
    assert (
        "Ask for a draft"
        in coordinating.get(reverse("meetings:translations", args=[meeting.pk])).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinating.post(
            reverse("meetings:translation_draft", args=[meeting.pk]), {"draft-language": "ko"}
        )
    assert response.status_code == 302
    assert queued == [(meeting.pk, "ko", coordinator.pk)]
    # The task, run as the worker runs it; a second run changes nothing.
    assert draft_meeting_translation.apply(args=queued[0]).get(disable_sync_subtasks=False) is True
    assert draft_meeting_translation.apply(args=queued[0]).get(disable_sync_subtasks=False) is False
    translation = meeting.translations.get()
    assert translation.title == f"[KO] {meeting.title}"
    assert translation.description == f"[KO] {meeting.description}"
    assert (translation.machine, translation.checked_by) == (True, None)
    assert len(deepl.requests) == 1
    page = coordinating.get(reverse("meetings:translations", args=[meeting.pk])).content.decode()
    assert "Machine translation" in page
    client.logout()
    assert (
        f"[KO] {meeting.title}" in client.get(reverse("meetings:list"), **KOREAN).content.decode()
    )


def test_an_edit_makes_it_a_persons_translation(meeting, coordinator):
    translation = MeetingTranslationFactory(meeting=meeting, machine=True)
    services.meeting_translation_save(
        meeting=meeting, by=coordinator, translation=translation, title="고친 제목", description=""
    )
    translation.refresh_from_db()
    assert (translation.machine, translation.written_by) == (False, coordinator)


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "This meeting is written in English"), ("ko", "already has a translation")],
)
def test_a_draft_is_refused_where_a_translation_would_be(
    client_for,
    meeting,
    coordinator,
    deepl,  # noqa: F811
    language,
    message,
):
    MeetingTranslationFactory(meeting=meeting, language="ko")
    response = client_for(coordinator).post(
        reverse("meetings:translation_draft", args=[meeting.pk]), {"draft-language": language}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not deepl.requests


def test_only_those_who_manage_the_meeting_ask_for_drafts(
    client_for,
    meeting,
    delegate,
    deepl,  # noqa: F811
):
    response = client_for(delegate).post(
        reverse("meetings:translation_draft", args=[meeting.pk]), {"draft-language": "ko"}
    )
    assert response.status_code == 403
    assert not meeting.translations.exists()


def test_the_task_retries_when_the_service_is_busy(meeting, coordinator, deepl):  # noqa: F811
    deepl.fail_with = 503
    result = draft_meeting_translation.apply(args=(meeting.pk, "ko", coordinator.pk))
    assert isinstance(result.result, machine_translation.TransientError)
    assert not meeting.translations.exists()
