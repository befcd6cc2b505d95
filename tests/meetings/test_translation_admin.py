"""Programme staff add, edit, check and delete meetings' translations in the admin, through
the meetings services: the kept list follows at once, and the same languages are refused."""

import pytest
from django.urls import reverse

from meetings.models import MeetingTranslation
from tests.meetings.factories import MeetingTranslationFactory

pytestmark = pytest.mark.django_db

KOREAN = {"HTTP_ACCEPT_LANGUAGE": "ko"}
ADD = "admin:meetings_meetingtranslation_add"


def test_staff_add_a_translation_that_the_list_shows_at_once(client, programme_staff, meeting):
    listing = reverse("meetings:list")
    assert meeting.title in client.get(listing, **KOREAN).content.decode()
    client.force_login(programme_staff)
    data = {"meeting": meeting.pk, "language": "ko", "title": "광주 실무회의", "description": ""}
    assert client.post(reverse(ADD), data).status_code == 302
    translation = MeetingTranslation.objects.get()
    assert (translation.written_by, translation.checked_by) == (programme_staff, None)
    client.logout()
    page = client.get(listing, **KOREAN).content.decode()
    assert "광주 실무회의" in page and meeting.title not in page


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This meeting is written in English"),
        ("ko", "already has a translation into Korean"),
    ],
)
def test_the_admin_refuses_the_languages_the_site_refuses(
    client, programme_staff, meeting, language, message
):
    MeetingTranslationFactory(meeting=meeting, language="ko", title="먼저")
    client.force_login(programme_staff)
    data = {"meeting": meeting.pk, "language": language, "title": "둘째", "description": ""}
    response = client.post(reverse(ADD), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(MeetingTranslation.objects.values_list("title", flat=True)) == ["먼저"]


def test_staff_edit_check_and_delete_a_translation(client, programme_staff, meeting):
    translation = MeetingTranslationFactory(meeting=meeting, title="옛 제목")
    listing = reverse("meetings:list")
    client.force_login(programme_staff)
    change = reverse("admin:meetings_meetingtranslation_change", args=[translation.pk])
    assert "옛 제목" in client.get(change).content.decode()
    assert client.post(change, {"title": "새 제목", "description": "설명"}).status_code == 302
    translation.refresh_from_db()
    assert (translation.title, translation.checked_at) == ("새 제목", None)

    changelist = reverse("admin:meetings_meetingtranslation_changelist")
    client.post(changelist, {"action": "mark_checked", "_selected_action": [translation.pk]})
    translation.refresh_from_db()
    assert translation.checked_by == programme_staff

    client.logout()
    assert "새 제목" in client.get(listing, **KOREAN).content.decode()
    client.force_login(programme_staff)
    delete = reverse("admin:meetings_meetingtranslation_delete", args=[translation.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not MeetingTranslation.objects.exists()
    client.logout()
    page = client.get(listing, **KOREAN).content.decode()
    assert "새 제목" not in page and meeting.title in page


def test_the_meeting_admin_links_its_translations(client, programme_staff, meeting):
    translation = MeetingTranslationFactory(meeting=meeting, title="광주 실무회의")
    client.force_login(programme_staff)
    page = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    assert reverse("admin:meetings_meetingtranslation_change", args=[translation.pk]) in (
        page.content.decode()
    )


def test_the_translation_admin_is_closed_to_delegates_and_coordinators(
    client, delegate, coordinator, meeting
):
    translation = MeetingTranslationFactory(meeting=meeting)
    for user in (delegate, coordinator):
        client.force_login(user)
        for url in (
            reverse(ADD),
            reverse("admin:meetings_meetingtranslation_change", args=[translation.pk]),
        ):
            assert client.get(url).status_code == 302
