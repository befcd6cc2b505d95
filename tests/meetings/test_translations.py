"""A meeting's title and description in several languages: written and checked by its
coordinators, shown in the reader's language with a note, found by a search in any."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from meetings import services
from meetings.models import Meeting, MeetingTranslation
from meetings.selectors import meeting_search

pytestmark = pytest.mark.django_db

KOREAN = {"HTTP_ACCEPT_LANGUAGE": "ko"}


def _add(client, meeting, **data):
    fields = {"language": "ko", "title": "광주 실무회의", "description": "수소연료전지 견학"}
    fields.update(data)
    return client.post(
        reverse("meetings:translations", args=[meeting.pk]),
        {f"translation-{key}": value for key, value in fields.items()},
    )


def test_a_coordinator_translates_a_meeting_and_a_korean_reader_gets_it(
    client_for, client, meeting, coordinator
):
    response = _add(client_for(coordinator), meeting)
    assert response.status_code == 302
    translation = meeting.translations.get()
    assert (translation.written_by, translation.checked_by) == (coordinator, None)

    client.logout()
    url = meeting.get_absolute_url()
    page = client.get(url, **KOREAN).content.decode()
    assert "광주 실무회의" in page
    assert "수소연료전지 견학" in page
    assert "아직 확인되지 않음" in page  # "not yet checked"
    assert f"{url}?original=1" in page

    services.meeting_translation_check(translation=translation, by=coordinator)
    assert "Edition Coordinator" in client.get(url, **KOREAN).content.decode()

    original = client.get(f"{url}?original=1", **KOREAN).content.decode()
    assert meeting.title in original
    assert "광주 실무회의" not in original
    assert "광주 실무회의" not in client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()


def test_a_korean_query_finds_a_meeting_through_its_translation(meeting, coordinator):
    services.meeting_translation_save(
        meeting=meeting,
        by=coordinator,
        language="ko",
        title="광주 실무회의",
        description="연료전지",
    )
    assert list(meeting_search(Meeting.objects.all(), "실무")) == [meeting]
    assert list(meeting_search(Meeting.objects.all(), "전지")) == [meeting]
    assert list(meeting_search(Meeting.objects.all(), "서울")) == []


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("xx", "The platform does not offer “xx”"),
        ("en", "This meeting is written in English"),
        ("ko", "already has a translation into Korean"),
    ],
)
def test_bad_languages_are_refused_and_nothing_is_saved(
    client_for, meeting, coordinator, language, message
):
    MeetingTranslation.objects.create(meeting=meeting, language="ko", title="먼저")
    response = _add(client_for(coordinator), meeting, language=language, title="둘째")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(meeting.translations.values_list("title", flat=True)) == ["먼저"]


def test_only_those_who_manage_the_meeting_translate_it(client_for, meeting, delegate):
    assert client_for(delegate).get(
        reverse("meetings:translations", args=[meeting.pk])
    ).status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        services.meeting_translation_save(
            meeting=meeting, by=delegate, language="ko", title="t", description=""
        )


def test_the_translations_page_queries_stay_flat(
    client_for, meeting, coordinator, assert_flat_queries
):
    client = client_for(coordinator)
    languages = iter(["ko", "fr", "de", "es", "id", "vi"])

    def make_rows(n):
        for _ in range(n):
            MeetingTranslation.objects.create(meeting=meeting, language=next(languages), title="t")

    assert_flat_queries(
        make_rows,
        lambda: client.get(reverse("meetings:translations", args=[meeting.pk])),
        small=1,
        large=6,
    )


def test_a_meeting_cannot_move_into_the_language_of_its_translation(meeting, coordinator):
    from django.core.exceptions import ValidationError

    MeetingTranslation.objects.create(meeting=meeting, language="ko", title="먼저")
    with pytest.raises(ValidationError) as raised:
        services.meeting_update(meeting=meeting, by=coordinator, language="ko")
    assert "has a translation into Korean" in str(raised.value)
    meeting.refresh_from_db()
    assert meeting.language == "en"
