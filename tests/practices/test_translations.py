"""Practices in several languages: translations added by the city's delegates, checked by
coordinators, shown in the reader's language with a note, and found by search in any."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from practices import services
from practices.models import Practice, PracticeTranslation
from practices.selectors import practice_search
from practices.tasks import draft_practice_translation
from worldcities import machine_translation

from .factories import PracticeFactory, PracticeTranslationFactory

pytestmark = pytest.mark.django_db

KOREAN = {"HTTP_ACCEPT_LANGUAGE": "ko"}


def titles(qs):
    return {p.title for p in qs}


# --- Search -------------------------------------------------------------------------------------
def test_a_korean_query_finds_a_korean_practice_and_a_korean_translation(practice):
    written = PracticeFactory(
        title="수소연료전지 버스 운행",
        summary="부산시는 수소연료전지 버스를 도입했습니다.",
        body="항만 물류와 함께.",
        language="ko",
    )
    PracticeTranslationFactory(
        practice=practice, title="개방형 교통 데이터", summary="연료전지차량 공유 자료"
    )
    PracticeFactory(title="Diesel buses", summary="No hydrogen here.")
    # "연료전지" (fuel cell) is inside longer Hangul strings in both.
    assert titles(practice_search(Practice.objects.all(), "연료전지")) == {
        written.title,
        "Open mobility data",
    }
    # A word of two syllables inside a longer string, with a particle glued on.
    assert titles(practice_search(Practice.objects.all(), "버스")) == {written.title}
    assert titles(practice_search(Practice.objects.all(), "개방형")) == {"Open mobility data"}


def test_each_language_is_searched_with_its_own_stemming(practice):
    PracticeFactory(title="Piles à combustible", summary="Les bus roulent.", language="fr")
    PracticeFactory(title="Brennstoffzellen", summary="Die Busse fahren.", language="de")
    assert titles(practice_search(Practice.objects.all(), "pile")) == {"Piles à combustible"}
    assert titles(practice_search(Practice.objects.all(), "Brennstoffzelle")) == {
        "Brennstoffzellen"
    }


def test_a_word_left_out_is_left_out_in_every_language():
    PracticeFactory(title="Smart grid with diesels", language="en")
    PracticeFactory(title="Smart grid only", language="en")
    found = titles(practice_search(Practice.objects.all(), '"smart grid" -diesel'))
    assert found == {"Smart grid only"}


def test_the_search_uses_the_gin_index_at_a_few_thousand_practices():
    from django.db import connection

    from tests.cities.factories import CityFactory

    city = CityFactory()
    Practice.objects.bulk_create(
        Practice(
            title=f"Practice {n}",
            slug=f"bulk-{n}",
            summary="도시재생 사업" if n % 300 == 0 else f"Road safety and bicycles {n}.",
            body=" ".join(f"Step {n}.{step} of the work, with its costs." for step in range(30)),
            city=city,
            status=Practice.Status.PUBLISHED,
            language="ko" if n % 300 == 0 else "en",
        )
        for n in range(3000)
    )
    services.practices_reindex(Practice.objects.all())
    with connection.cursor() as cursor:
        # What autovacuum does after a bulk write: the index's pending entries are merged in.
        cursor.execute("SELECT gin_clean_pending_list('practice_search_gin')")
        cursor.execute("ANALYZE practices_practice")
    qs = practice_search(Practice.objects.all(), "재생").order_by()
    plan = qs.explain()
    assert "practice_search_gin" in plan
    assert "Seq Scan on practices_practice" not in plan
    assert qs.count() == 10


# --- Reading ------------------------------------------------------------------------------------
def test_a_korean_reader_gets_the_korean_translation_with_a_note(client, practice, coordinator):
    translation = PracticeTranslationFactory(
        practice=practice, title="개방형 교통 데이터", summary="탐페레의 교통 자료 공개"
    )
    url = practice.get_absolute_url()

    page = client.get(url, **KOREAN).content.decode()
    assert "<h1>개방형 교통 데이터</h1>" in page
    assert "탐페레의 교통 자료 공개" in page
    assert f'href="{url}?original=1"' in page
    assert "아직 확인되지 않음" in page  # "not yet checked"

    # Checked by a coordinator: the note says by whom (the page moves on at once).
    services.practice_translation_check(translation=translation, by=coordinator)
    page = client.get(url, **KOREAN).content.decode()
    assert "Edition Coordinator" in page

    # The original on request, with a way back to the translation.
    page = client.get(f"{url}?original=1", **KOREAN).content.decode()
    assert "<h1>Open mobility data</h1>" in page
    assert f'href="{url}"' in page


def test_other_readers_get_the_original_without_a_note(client, practice):
    PracticeTranslationFactory(practice=practice, title="개방형 교통 데이터")
    page = client.get(practice.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<h1>Open mobility data</h1>" in page
    assert "개방형" not in page
    assert "?original=1" not in page


def test_the_list_shows_translated_cards_in_a_constant_number_of_queries(
    client, assert_flat_queries, eu_city
):
    def make_rows(n):
        for _ in range(n):
            PracticeTranslationFactory(practice=PracticeFactory(city=eu_city))

    assert_flat_queries(make_rows, lambda: client.get(reverse("practices:list"), **KOREAN))
    page = client.get(reverse("practices:list"), **KOREAN).content.decode()
    assert "번역된 모범 사례" in page


def test_the_translations_page_queries_stay_flat(
    client_for, practice, delegate, assert_flat_queries
):
    client = client_for(delegate)
    languages = iter(["ko", "fr", "de", "es", "id", "vi"])

    def make_rows(n):
        for _ in range(n):
            PracticeTranslationFactory(practice=practice, language=next(languages))

    assert_flat_queries(
        make_rows,
        lambda: client.get(reverse("practices:translations", args=[practice.slug])),
        small=1,
        large=6,
    )


# --- Writing and checking -----------------------------------------------------------------------
def _post_translation(client, practice, **data):
    fields = {"language": "ko", "title": "개방형 교통 데이터", "summary": "요약", "body": "본문"}
    fields.update(data)
    return client.post(
        reverse("practices:translations", args=[practice.slug]),
        {f"translation-{key}": value for key, value in fields.items()},
    )


def test_a_delegate_adds_a_translation_and_a_coordinator_checks_it(
    client_for, practice, delegate, coordinator
):
    client = client_for(delegate)
    response = _post_translation(client, practice)
    assert response.status_code == 302
    translation = practice.translations.get()
    assert (translation.language, translation.written_by, translation.checked_by) == (
        "ko",
        delegate,
        None,
    )
    # A delegate does not check.
    check = reverse("practices:translation_check", args=[practice.slug, "ko"])
    assert client.post(check).status_code == 403

    client = client_for(coordinator)
    assert client.post(check).status_code == 302
    translation.refresh_from_db()
    assert translation.checked_by == coordinator

    # An edit waits for a new check.
    client = client_for(delegate)
    edit = reverse("practices:translation_edit", args=[practice.slug, "ko"])
    response = client.post(
        edit,
        {"translation-title": "새 제목", "translation-summary": "요약", "translation-body": "본문"},
    )
    assert response.status_code == 302
    translation.refresh_from_db()
    assert (translation.title, translation.checked_by) == ("새 제목", None)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("xx", "The platform does not offer “xx”"),
        ("en", "This practice is written in English"),
        ("ko", "already has a translation into Korean"),
    ],
)
def test_bad_languages_are_refused_and_nothing_is_saved(
    client_for, practice, delegate, language, message
):
    PracticeTranslationFactory(practice=practice, language="ko", title="먼저")
    response = _post_translation(client_for(delegate), practice, language=language, title="둘째")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    assert list(practice.translations.values_list("title", flat=True)) == ["먼저"]


def test_the_services_refuse_what_the_form_would(practice, delegate):
    with pytest.raises(ValidationError):
        services.practice_translation_save(
            practice=practice, by=delegate, language="en", title="t", summary="s", body="b"
        )
    assert not PracticeTranslation.objects.exists()


@pytest.mark.parametrize(
    ("who", "list_status", "may_translate"),
    [
        (None, 302, False),
        ("delegate", 200, True),
        ("partner_delegate", 403, False),
        ("coordinator", 200, False),
        # Staff write on the admin's pages, through the same service.
        ("programme_staff", 200, True),
    ],
)
def test_who_may_translate(request, client_for, practice, who, list_status, may_translate):
    user = request.getfixturevalue(who) if who else None
    client = client_for(user)
    assert client.get(reverse("practices:translations", args=[practice.slug])).status_code == (
        list_status
    )
    if user is not None:
        if may_translate:
            services.practice_translation_save(
                practice=practice, by=user, language="de", title="t", summary="s", body="b"
            )
        else:
            with pytest.raises(PermissionDenied):
                services.practice_translation_save(
                    practice=practice, by=user, language="de", title="t", summary="s", body="b"
                )


# --- Machine translation ------------------------------------------------------------------------
class FakeTranslator(BaseHTTPRequestHandler):
    """A translation service on a local port: answers in the shape of the DeepL API, or with
    the status the test sets (``fail_with``)."""

    requests: list = []
    fail_with: int | None = None

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append((self.headers["Authorization"], body))
        if self.fail_with:
            self.send_response(self.fail_with)
            self.end_headers()
            return
        answer = {"translations": [{"text": f"[{body['target_lang']}] {t}"} for t in body["text"]]}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def translator(settings):
    FakeTranslator.requests, FakeTranslator.fail_with = [], None
    server = HTTPServer(("127.0.0.1", 0), FakeTranslator)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.MACHINE_TRANSLATION_URL = f"http://127.0.0.1:{server.server_port}/v2/translate"
    settings.MACHINE_TRANSLATION_KEY = "test-key"
    yield FakeTranslator
    server.shutdown()
    server.server_close()


def test_nothing_leaves_the_machine_unless_configured(client_for, practice, delegate):
    assert not machine_translation.enabled()
    client = client_for(delegate)
    page = client.get(reverse("practices:translations", args=[practice.slug])).content.decode()
    assert "Ask for a draft" not in page
    response = client.post(
        reverse("practices:translation_draft", args=[practice.slug]), {"draft-language": "ko"}
    )
    assert response.status_code == 400
    assert "Machine translation is not set up" in response.content.decode()
    assert not practice.translations.exists()


def test_the_client_sends_the_texts_and_reads_the_answer(translator):
    assert machine_translation.translate(["Hello", "World"], source="en", target="ko") == [
        "[KO] Hello",
        "[KO] World",
    ]
    authorization, body = translator.requests[0]
    assert authorization == "DeepL-Auth-Key test-key"
    assert (body["source_lang"], body["target_lang"]) == ("EN", "KO")


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (503, machine_translation.TransientError),
        (429, machine_translation.TransientError),
        (400, machine_translation.MachineTranslationError),
    ],
)
def test_the_client_tells_a_passing_failure_from_a_refusal(translator, status, error):
    translator.fail_with = status
    with pytest.raises(error) as raised:
        machine_translation.translate(["Hello"], source="en", target="ko")
    assert isinstance(raised.value, machine_translation.TransientError) == (status != 400)


def test_a_delegate_asks_for_a_draft_stored_unchecked(
    client_for, practice, delegate, translator, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(draft_practice_translation, "delay", lambda *args: queued.append(args))
    client = client_for(delegate)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("practices:translation_draft", args=[practice.slug]), {"draft-language": "ko"}
        )
    assert response.status_code == 302
    assert queued == [(practice.pk, "ko", delegate.pk)]
    # The task, run as the worker runs it; a second run changes nothing.
    assert draft_practice_translation.apply(args=queued[0]).get(disable_sync_subtasks=False) is True
    assert (
        draft_practice_translation.apply(args=queued[0]).get(disable_sync_subtasks=False) is False
    )
    translation = practice.translations.get()
    assert translation.title == "[KO] Open mobility data"
    assert (translation.machine, translation.checked_by, translation.written_by) == (
        True,
        None,
        delegate,
    )
    assert len(translator.requests) == 1
    client.logout()
    page = client.get(practice.get_absolute_url(), **KOREAN).content.decode()
    assert "[KO] Open mobility data" in page


def test_the_task_retries_when_the_service_is_busy(practice, delegate, translator):
    translator.fail_with = 503
    result = draft_practice_translation.apply(args=(practice.pk, "ko", delegate.pk))
    assert isinstance(result.result, machine_translation.TransientError)
    assert result.state in {"RETRY", "FAILURE"}
    assert not practice.translations.exists()


def test_a_practice_cannot_move_into_the_language_of_its_translation(practice, delegate):
    PracticeTranslationFactory(practice=practice, language="ko")
    practice.language = "ko"
    with pytest.raises(ValidationError) as raised:
        services.practice_save(practice=practice, by=delegate)
    assert "has a translation into Korean" in str(raised.value)
    practice.refresh_from_db()
    assert practice.language == "en"
