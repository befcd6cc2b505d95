"""Public pages kept whole for visitors (``versions.for_visitors``): what is kept, for whom,
and the language form that lets a kept page carry no token."""

import pytest
from django.test import Client

from tests.users.factories import DelegateFactory
from worldcities import versions

pytestmark = pytest.mark.django_db


def warm(client, url="/"):
    """The first visit learns what the page shows, the second keeps it."""
    client.get(url)
    return client.get(url)


def test_the_third_visit_of_a_page_is_served_whole_with_no_query(client, django_assert_num_queries):
    kept = warm(client)
    with django_assert_num_queries(0):
        again = client.get("/")
    assert again.content == kept.content
    assert again["ETag"] == kept["ETag"]


def test_a_bulk_load_moves_every_kept_page_on(client):
    etag = warm(client)["ETag"]
    versions.everything_changed()
    assert client.get("/", headers={"If-None-Match": etag}).status_code == 200


def test_people_who_log_in_get_their_own_page(client):
    warm(client)
    client.force_login(DelegateFactory(full_name="Mira Delegate"))
    response = client.get("/")
    assert "Log out" in response.content.decode()
    assert "ETag" not in response


def test_a_visitor_with_a_message_to_read_gets_it(client):
    warm(client)
    client.force_login(DelegateFactory())
    response = client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "You have signed out." in response.content.decode()
    assert "ETag" not in response
    assert "You have signed out." not in client.get("/").content.decode()


def test_htmx_requests_and_missing_pages_are_not_kept(client):
    warm(client, "/cities/")
    partial = client.get("/cities/", headers={"HX-Request": "true", "HX-Target": "city-results"})
    assert "ETag" not in partial and "<html" not in partial.content.decode()
    for _ in range(3):
        missing = client.get("/practices/no-such-practice/")
    assert missing.status_code == 404


def test_the_clock_is_a_version_that_moves_on_by_itself(monkeypatch):
    name = versions.every(300)
    monkeypatch.setattr(versions.time, "time", lambda: 3000.0)
    before = versions.current([name])
    monkeypatch.setattr(versions.time, "time", lambda: 3299.0)
    assert versions.current([name]) == before
    monkeypatch.setattr(versions.time, "time", lambda: 3300.0)
    assert versions.current([name]) != before


def test_a_spread_clock_steps_as_often_at_a_moment_of_its_own(monkeypatch):
    names = [versions.every(300, spread=f"city:{pk}") for pk in range(20)]
    assert len(set(names)) > 1  # not every list expires at the same moment

    def steps(start):
        """The moments in [start, start + 600) at which each clock steps."""
        found = {name: [] for name in names}
        for second in range(start, start + 600):
            monkeypatch.setattr(versions.time, "time", lambda s=second: float(s))
            before = versions.current(names)
            monkeypatch.setattr(versions.time, "time", lambda s=second: s + 1.0)
            for name, a, b in zip(names, before, versions.current(names), strict=True):
                if a != b:
                    found[name].append(second + 1)
        return found

    for moments in steps(3000).values():
        assert len(moments) == 2 and moments[1] - moments[0] == 300
    assert len({moments[0] for moments in steps(3000).values()}) > 1


# --- The language form --------------------------------------------------------------------------
def test_the_footer_s_form_carries_no_token_and_the_cookie_s_token_switches_the_language():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/").content.decode()
    start = page.index('class="language-form"')
    form = page[start : page.index("</form>", start)]
    assert "csrfmiddlewaretoken" not in form
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/i18n/setlang/", {"language": "fr", "next": "/cities/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert response["Location"] == "/cities/"
    assert response.cookies["django_language"].value == "fr"


def test_without_script_the_language_page_asks_again_with_a_token():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/language/", {"language": "ko", "next": "/pairings/"}).content.decode()
    assert 'value="ko" checked' in page
    assert 'name="next" type="hidden" value="/pairings/"' in page
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/i18n/setlang/", {"language": "ko", "next": "/pairings/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302 and response["Location"] == "/pairings/"
    assert response.cookies["django_language"].value == "ko"


def test_the_language_page_does_not_send_a_visitor_to_another_site():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/language/", {"next": "https://evil.example/"}).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/i18n/setlang/",
        {"language": "fr", "next": "https://evil.example/", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_a_page_holding_a_form_token_is_never_kept(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    renders = []

    @versions.for_visitors
    def view(request):
        renders.append(1)
        versions.shows("practices:published")
        token = get_token(request)
        return HttpResponse(f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">')

    for _ in range(3):
        request = rf.get("/a-page-with-a-form/")
        request.user = AnonymousUser()
        response = view(request)
        assert "ETag" not in response
    assert len(renders) == 3
