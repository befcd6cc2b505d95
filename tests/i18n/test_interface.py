"""The languages offered, the scripts' catalogue and the check that finds English left over."""

import json

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from tests.i18n.catalogues import untranslated_texts
from tests.practices.factories import PracticeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("code", "label"), [("id", "Indonesian"), ("vi", "Vietnamese")])
def test_a_practice_can_be_labelled_in_every_language_offered(code, label):
    practice = PracticeFactory(language=code)
    practice.full_clean()
    assert practice.get_language_display() == label


def test_a_practice_in_a_language_not_offered_is_refused():
    practice = PracticeFactory()
    practice.language = "xx"
    with pytest.raises(ValidationError) as refused:
        practice.full_clean()
    assert "language" in refused.value.message_dict


def test_the_language_menu_offers_each_language_of_the_programme(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert '<html lang="vi"' in page
    for code, _name in settings.LANGUAGES:
        assert f'<option value="{code}"' in page
    assert "Tiếng Indonesia" in page
    assert "Các cặp thành phố" in page


def test_pages_load_the_scripts_catalogue_as_a_file_of_their_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    page = client.get("/").content.decode()
    assert '<script src="/i18n/catalog.js?language=ko" defer></script>' in page
    catalogue = client.get("/i18n/catalog.js?language=ko")
    assert catalogue.status_code == 200
    assert catalogue["Content-Type"].startswith("text/javascript")
    assert "Last-Modified" in catalogue
    # The catalogue is JSON inside the script: non-ASCII letters come escaped.
    korean = "페이지의 이 부분을 새로 고치지 못했습니다. 다시 시도해 주십시오."
    assert json.dumps(korean) in catalogue.content.decode()


def test_the_scripts_catalogue_answers_a_conditional_request_with_not_modified(client):
    first = client.get("/i18n/catalog.js?language=fr")
    again = client.get(
        "/i18n/catalog.js?language=fr", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert again.status_code == 304


def test_the_leftover_check_finds_english_and_lets_translations_and_names_through():
    texts = [
        "Practices",  # an English msgid the French page should not show
        "Pratiques",
        "Page 3 of 12",  # a msgid with placeholders
        "Page 3 sur 12",
        "Tampere",  # data
        "Organisation",  # the same word in both languages
        "World Cities Exchange",  # the platform's name
    ]
    assert untranslated_texts("fr", texts) == ["Practices", "Page 3 of 12"]
    # German shows "Filter" for "Filters": the word itself proves nothing.
    assert untranslated_texts("de", ["Filter", "Filters"]) == ["Filters"]
