"""Cached page parts and pages: kept while their data stands, rendered anew once it changes,
never shared between readers who would see them differently."""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

from practices.models import Follow
from practices.services import comment_create
from tests.cities.factories import CityFactory, ThematicAreaFactory
from tests.practices.factories import CommentFactory, PracticeFactory
from tests.twinning.factories import PairingFactory
from tests.users.factories import DelegateFactory
from worldcities import fragments

pytestmark = pytest.mark.django_db


def version(scope):
    return fragments.scope_versions([scope])[0]


# --- Versions -----------------------------------------------------------------------------------
def test_a_save_a_delete_and_a_many_to_many_change_each_move_their_scope_on():
    city = CityFactory()
    before = version("cities")
    city.name = "Tampere"
    city.save()
    after_save = version("cities")
    assert after_save != before

    pairing = PairingFactory()
    twinning = version("twinning")
    pairing.thematic_areas.add(ThematicAreaFactory())
    assert version("twinning") != twinning

    other = CityFactory()
    before_delete = version("cities")
    other.delete()
    assert version("cities") != before_delete


def test_writes_that_no_page_shows_leave_the_versions_alone(delegate):
    practice = PracticeFactory()
    practices, users = version("practices"), version("users")
    Follow.objects.create(user=delegate, practice=practice)
    delegate.last_login = timezone.now()
    delegate.save(update_fields=["last_login"])
    assert (version("practices"), version("users")) == (practices, users)


def test_a_version_moves_on_again_when_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            CityFactory()
            CityFactory()  # a second change in the same transaction: one callback for both
            during = version("cities")
        assert version("cities") == during
    assert len([c for c in callbacks if isinstance(c, fragments._OnCommit)]) == 1
    assert version("cities") != during


def test_unknown_scopes_are_ignored():
    from django.core.cache import cache

    cities = version("cities")
    fragments.scopes_changed("notifications", "cities-typo")
    assert version("cities") == cities
    assert cache.get("fragments:version:notifications") is None


# --- Fragments ------------------------------------------------------------------------------------
def render_counting(calls, **kwargs):
    def context():
        calls.append(1)
        return {"message": "hello"}

    return fragments.cached_html(
        "test",
        vary=[1],
        scopes=["cities"],
        template="includes/test_fragment.html",
        context=context,
        **kwargs,
    )


@pytest.fixture
def fragment_template(settings, tmp_path):
    (tmp_path / "includes").mkdir()
    (tmp_path / "includes" / "test_fragment.html").write_text(
        "{% load i18n %}<p>{{ message }} {% now 'e' %} {% get_current_language as l %}{{ l }}</p>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]


def test_a_fragment_is_rendered_once_until_its_scope_changes(fragment_template):
    calls = []
    first = render_counting(calls)
    assert render_counting(calls) == first
    assert len(calls) == 1
    CityFactory()
    render_counting(calls)
    assert len(calls) == 2


def test_each_language_and_time_zone_has_its_own_fragment(fragment_template):
    calls = []
    english = render_counting(calls)
    with translation.override("fr"):
        french = render_counting(calls)
    with timezone.override("Asia/Seoul"):
        render_counting(calls)
    assert len(calls) == 3
    assert english.endswith("en</p>") and french.endswith("fr</p>")


def test_parts_rendered_for_someone_logged_in_hold_nothing_of_theirs(
    client, edition, eu_city, partner_city
):
    pairing = PairingFactory(edition=edition, eu_lead=eu_city, partner_lead=partner_city)
    practice = PracticeFactory(city=eu_city, pairing=pairing, title="Open mobility data")
    delegate = DelegateFactory(city=eu_city, full_name="Hyun-woo Park", email="hw@example.org")
    client.force_login(delegate)
    mine = client.get(practice.get_absolute_url()).content.decode()  # renders the parts
    assert delegate.get_short_name() in mine and "csrfmiddlewaretoken" in mine
    client.logout()
    theirs = client.get(practice.get_absolute_url()).content.decode()  # the kept parts
    assert "Open mobility data" in theirs
    assert delegate.email not in theirs and delegate.get_short_name() not in theirs
    assert "csrfmiddlewaretoken" not in theirs


# --- Whole pages for visitors -----------------------------------------------------------------
@pytest.fixture
def practice(edition, eu_city, partner_city):
    pairing = PairingFactory(edition=edition, eu_lead=eu_city, partner_lead=partner_city)
    return PracticeFactory(city=eu_city, pairing=pairing, title="Open mobility data")


def test_a_visitor_gets_the_kept_page_without_a_query(client, practice, django_assert_num_queries):
    first = client.get(practice.get_absolute_url())
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(practice.get_absolute_url())
    assert again.content == first.content
    assert "csrftoken" not in again.cookies


def test_a_visitor_sees_a_change_at_once(client, practice, partner_delegate):
    url = practice.get_absolute_url()
    assert "No question yet." in client.get(url).content.decode()
    comment_create(practice=practice, by=partner_delegate, body="How many bikes?")
    page = client.get(url).content.decode()
    assert "How many bikes?" in page and "No question yet." not in page


def test_people_logged_in_get_their_own_page_with_the_shared_parts(
    client, practice, partner_delegate, delegate
):
    url = practice.get_absolute_url()
    client.get(url)  # a visitor's copy is kept
    client.force_login(partner_delegate)
    page = client.get(url).content.decode()
    assert "Log out" in page and 'name="csrfmiddlewaretoken"' in page
    assert "Follow this practice" in page
    CommentFactory(practice=practice, author=delegate, body="Ask us anything")
    assert "Ask us anything" in client.get(url).content.decode()


def counting_view(calls, *, token=False, message=False):
    from django.contrib import messages
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    @fragments.cache_page_for_visitors(scopes=["cities"])
    def view(request):
        calls.append(1)
        if token:
            get_token(request)
        if message:
            messages.info(request, "Saved.")
        return HttpResponse("<p>page</p>")

    return view


def visitor_request(rf, **cookies):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage

    request = rf.get("/somewhere/")
    request.COOKIES.update(cookies)
    request.user = AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize(
    ("kind", "kept"),
    [({}, True), ({"token": True}, False), ({"message": True}, False)],
    ids=["plain", "csrf-token", "message"],
)
def test_a_page_with_a_token_or_a_message_is_not_kept(rf, kind, kept):
    calls = []
    view = counting_view(calls, **kind)
    view(visitor_request(rf))
    view(visitor_request(rf))
    assert len(calls) == (1 if kept else 2)


def test_a_visitor_with_a_session_or_messages_gets_the_live_page(rf, settings):
    calls = []
    view = counting_view(calls)
    view(visitor_request(rf))
    view(visitor_request(rf, **{settings.SESSION_COOKIE_NAME: "abc"}))
    view(visitor_request(rf, messages="xyz"))
    view(visitor_request(rf, **{settings.LANGUAGE_COOKIE_NAME: "fr"}))
    assert len(calls) == 3


def test_each_language_gets_its_own_page(client, practice, settings):
    url = practice.get_absolute_url()
    english = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = client.get(url).content.decode()
    assert '<html lang="en">' in english and '<html lang="fr">' in french


def test_choosing_a_language_needs_no_token(client, practice, settings):
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"


def test_an_unread_count_follows_new_and_read_notifications(client, delegate):
    from worldcities.notifications.models import Kind
    from worldcities.notifications.services import notifications_mark_read, notify

    client.force_login(delegate)
    assert "count-badge" not in client.get("/").content.decode()
    notify(recipient=delegate, kind=Kind.PRACTICE_QUESTION, target=delegate, title="A question")
    assert 'count-badge">1<' in client.get("/").content.decode()
    notifications_mark_read(user=delegate)
    assert "count-badge" not in client.get("/").content.decode()


def test_a_delegate_sees_their_city_drafts_in_a_cached_section(client, eu_city, practice):
    draft = PracticeFactory(city=eu_city, status="draft", title="Our draft")
    client.get(eu_city.get_absolute_url())  # a visitor's copy, without the draft
    client.force_login(DelegateFactory(city=eu_city))
    assert draft.title in client.get(eu_city.get_absolute_url()).content.decode()
    client.force_login(DelegateFactory(city=CityFactory()))
    assert draft.title not in client.get(eu_city.get_absolute_url()).content.decode()


def test_a_pairing_page_shows_a_renamed_lead_city_at_once(client, delegate):
    pairing = PairingFactory()
    client.force_login(delegate)
    assert str(pairing) in client.get(pairing.get_absolute_url()).content.decode()
    city = pairing.partner_lead
    city.name = "Gwangju Metropolitan City"
    city.save()
    assert "Gwangju Metropolitan City" in client.get(pairing.get_absolute_url()).content.decode()


def test_a_missing_row_is_not_kept(client):
    from twinning.models import Pairing

    assert client.get("/pairings/not-yet/").status_code == 404
    pairing = PairingFactory(slug="not-yet")
    assert Pairing.objects.filter(slug="not-yet").exists()
    assert client.get(pairing.get_absolute_url()).status_code == 200


# --- Forms in fragments ---------------------------------------------------------------------------
def test_a_kept_form_gets_each_readers_own_csrf_token(rf):
    from django.middleware.csrf import _unmask_cipher_token

    placeholder = fragments.csrf_placeholder()
    kept = f'<form><input type="hidden" name="csrfmiddlewaretoken" value="{placeholder}"></form>'
    first, second = rf.get("/"), rf.get("/")
    secrets = set()
    for request in (first, second):
        served = fragments.with_csrf_token(request, kept)
        assert placeholder not in served
        token = served.split('value="')[1].split('"')[0]
        assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
        secrets.add(request.META["CSRF_COOKIE"])
    assert len(secrets) == 2
    assert fragments.with_csrf_token(first, "<p>no form</p>") == "<p>no form</p>"


def test_an_unread_count_read_before_the_notification_commits_is_not_kept(
    delegate, django_capture_on_commit_callbacks
):
    from worldcities.notifications.models import Kind
    from worldcities.notifications.selectors import unread_count
    from worldcities.notifications.services import notify

    assert unread_count(delegate) == 0
    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        notify(recipient=delegate, kind=Kind.PRACTICE_QUESTION, target=delegate, title="A")
        # Another request reads the count now: it cannot see the uncommitted notification.
        cache.set(f"notifications:unread:{delegate.pk}", 0)
        assert unread_count(delegate) == 0
    for callback in on_commit:
        callback()
    assert unread_count(delegate) == 1


def test_an_unread_count_stays_kept_while_only_a_notification_s_email_changes(
    delegate, django_assert_num_queries
):
    from worldcities.notifications.models import Kind
    from worldcities.notifications.selectors import unread_count
    from worldcities.notifications.services import notify

    notification = notify(
        recipient=delegate, kind=Kind.PRACTICE_QUESTION, target=delegate, title="A"
    )
    assert unread_count(delegate) == 1
    notification.save(update_fields=["email"])
    with django_assert_num_queries(0):
        assert unread_count(delegate) == 1
    notification.read_at = timezone.now()
    notification.save(update_fields=["read_at"])
    assert unread_count(delegate) == 0


def test_a_notification_given_to_someone_else_moves_from_one_count_to_the_other(
    delegate, partner_delegate
):
    """As when programme staff change a notification's recipient in the admin."""
    from worldcities.notifications.models import Kind, Notification
    from worldcities.notifications.selectors import unread_count
    from worldcities.notifications.services import notify

    notify(recipient=delegate, kind=Kind.PRACTICE_QUESTION, target=delegate, title="A")
    assert (unread_count(delegate), unread_count(partner_delegate)) == (1, 0)
    notification = Notification.objects.get()  # loaded afresh, as the admin does
    notification.recipient = partner_delegate
    notification.save()
    assert (unread_count(delegate), unread_count(partner_delegate)) == (0, 1)
