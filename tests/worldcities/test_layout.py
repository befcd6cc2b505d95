"""The layout around every page: what belongs to the reader (name, unread count, links of their
role, their CSRF token) and to the page (its section, its address) is always their own."""

import re

import pytest
from django.test import Client

from tests.practices.factories import PracticeFactory
from tests.users.factories import DelegateFactory, ProgrammeStaffFactory

pytestmark = pytest.mark.django_db


def current_sections(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page">', html)


def logout_token(html: str) -> str:
    form = re.search(r'<form method="post" action="/accounts/logout/".*?</form>', html, re.S)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0)).group(1)


@pytest.mark.parametrize(
    "path, current",
    [
        ("/", ["/"]),
        ("/cities/", ["/cities/"]),
        ("/pairings/", ["/pairings/"]),
        ("/practices/", ["/practices/"]),
        ("/meetings/", ["/meetings/"]),
        ("/accounts/login/", []),
    ],
)
def test_the_menu_marks_the_section_of_each_page(client, path, current):
    # Other pages first: the menu kept for them must not be the one this page shows.
    for other in ("/", "/practices/", "/accounts/login/"):
        client.get(other)
    assert current_sections(client.get(path).content.decode()) == current


def test_a_page_inside_a_section_marks_it(client, delegate):
    practice = PracticeFactory(city=delegate.city)
    client.force_login(delegate)
    client.get("/")
    html = client.get(practice.get_absolute_url()).content.decode()
    assert current_sections(html) == ["/practices/"]


def test_the_footer_keeps_each_page_s_own_address_and_language(client):
    client.get("/practices/?q=solar")
    html = client.get("/cities/").content.decode()
    assert '<input name="next" type="hidden" value="/cities/">' in html
    assert '<option value="en" selected>' in html

    client.post("/i18n/setlang/", {"language": "fr", "next": "/cities/"})
    html = client.get("/cities/").content.decode()
    assert '<html lang="fr" ' in html
    assert '<option value="fr" selected>' in html
    assert '<option value="en" selected>' not in html


def test_each_reader_sees_their_own_name_and_role_links(client):
    staff = ProgrammeStaffFactory(full_name="Alex Morgan")
    delegate = DelegateFactory(full_name="Alex Morgan")

    client.force_login(staff)
    html = client.get("/").content.decode()
    assert ">Administration</a>" in html and ">Reports</a>" in html

    client.force_login(delegate)
    html = client.get("/").content.decode()
    assert "Alex" in html
    assert ">Administration</a>" not in html and ">Reports</a>" not in html


def test_a_new_name_shows_in_the_menu_at_once(client, delegate):
    client.force_login(delegate)
    assert delegate.get_short_name() in client.get("/").content.decode()
    delegate.full_name = "Renamed Person"
    delegate.save()
    html = client.get("/").content.decode()
    assert delegate.get_short_name() in html and "Eu Delegate" not in html


def test_every_session_logs_out_with_the_token_of_its_own_page(delegate):
    """The logout form's token is never kept with the menu: two sessions of one person (two
    browsers) each get their own, and each can log out."""
    browsers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    tokens = []
    for browser in browsers:
        browser.force_login(delegate)
        tokens.append(logout_token(browser.get("/").content.decode()))
    for browser, token in zip(browsers, tokens, strict=True):
        response = browser.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
        assert response.status_code == 302
        assert "_auth_user_id" not in browser.session


def test_the_layout_links_each_reader_to_the_addresses_of_its_pages(client):
    from django.urls import reverse

    from worldcities.context_processors import LAYOUT_LINKS

    html = client.get("/").content.decode()
    for name in ("home", "search", "account_login", "privacy", "accessibility", "opendata:index"):
        assert f'"{reverse(name)}"' in html
    assert f'action="{reverse("language")}"' in html
    assert f'data-post-to="{reverse("set_language")}"' in html

    client.force_login(ProgrammeStaffFactory())
    html = client.get("/").content.decode()
    shown = set(LAYOUT_LINKS.values()) - {"account_login", "time_zone"}
    for name in shown:
        assert f'"{reverse(name)}' in html, name
