"""Programme staff add, edit, check and delete practice translations in the admin, through
the same services as the site: the search and the kept lists follow at once, and the same
languages are refused."""

import pytest
from django.urls import reverse

from practices.models import Practice, PracticeTranslation
from practices.selectors import practice_search

from .factories import PracticeTranslationFactory

pytestmark = pytest.mark.django_db

KOREAN = {"HTTP_ACCEPT_LANGUAGE": "ko"}
ADD = "admin:practices_practicetranslation_add"


def _form(practice, **data):
    fields = {
        "practice": practice.pk,
        "language": "ko",
        "title": "개방형 교통 데이터",
        "summary": "수소 버스 자료",
        "body": "단계별로.",
    }
    fields.update(data)
    return fields


def test_staff_add_a_translation_that_readers_and_search_see_at_once(
    client, programme_staff, practice
):
    listing = reverse("practices:list")
    assert "개방형 교통 데이터" not in client.get(listing, **KOREAN).content.decode()
    client.force_login(programme_staff)
    response = client.post(reverse(ADD), _form(practice))
    assert response.status_code == 302
    translation = PracticeTranslation.objects.get()
    assert (translation.written_by, translation.checked_by) == (programme_staff, None)
    assert list(practice_search(Practice.objects.all(), "수소")) == [practice]
    client.logout()
    assert "개방형 교통 데이터" in client.get(listing, **KOREAN).content.decode()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This practice is written in English"),
        ("ko", "already has a translation into Korean"),
    ],
)
def test_the_admin_refuses_the_languages_the_site_refuses(
    client, programme_staff, practice, language, message
):
    PracticeTranslationFactory(practice=practice, language="ko", title="먼저")
    client.force_login(programme_staff)
    response = client.post(reverse(ADD), _form(practice, language=language, title="둘째"))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(PracticeTranslation.objects.values_list("title", flat=True)) == ["먼저"]


def test_staff_edit_check_and_delete_a_translation(client, programme_staff, coordinator, practice):
    translation = PracticeTranslationFactory(practice=practice, title="옛 제목")
    client.force_login(programme_staff)
    change = reverse("admin:practices_practicetranslation_change", args=[translation.pk])
    page = client.get(change)
    assert page.status_code == 200 and "옛 제목" in page.content.decode()
    response = client.post(change, {"title": "새 제목", "summary": "교통 요약", "body": "본문"})
    assert response.status_code == 302
    translation.refresh_from_db()
    assert (translation.title, translation.language, translation.checked_at) == (
        "새 제목",
        "ko",
        None,
    )
    assert list(practice_search(Practice.objects.all(), "교통")) == [practice]

    changelist = reverse("admin:practices_practicetranslation_changelist")
    client.post(changelist, {"action": "mark_checked", "_selected_action": [translation.pk]})
    translation.refresh_from_db()
    assert translation.checked_by == programme_staff

    client.logout()
    assert "새 제목" in client.get(practice.get_absolute_url(), **KOREAN).content.decode()
    client.force_login(programme_staff)
    delete = reverse("admin:practices_practicetranslation_delete", args=[translation.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not PracticeTranslation.objects.exists()
    assert list(practice_search(Practice.objects.all(), "교통")) == []
    client.logout()
    assert "새 제목" not in client.get(practice.get_absolute_url(), **KOREAN).content.decode()


def test_the_translation_admin_is_closed_to_delegates_and_coordinators(
    client, delegate, coordinator, practice
):
    translation = PracticeTranslationFactory(practice=practice)
    for user in (delegate, coordinator):
        client.force_login(user)
        for url in (
            reverse(ADD),
            reverse("admin:practices_practicetranslation_change", args=[translation.pk]),
        ):
            assert client.get(url).status_code == 302
