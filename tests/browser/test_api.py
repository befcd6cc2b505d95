"""Browser journeys of the read API: a delegate makes a token in their profile, copies it
once, reads their city's draft with it, and revokes it; anyone reads the API documentation,
served from vendored assets under the site's Content-Security-Policy."""

import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from practices.models import Practice
from tests.browser.conftest import assert_accessible, log_in
from tests.practices.factories import PracticeFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _get(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - test server
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_delegate_makes_uses_and_revokes_a_token(page, live_server, delegate):
    PracticeFactory(
        status=Practice.Status.DRAFT, city=delegate.city, slug="our-draft", title="Our draft"
    )
    log_in(page, live_server, delegate)
    page.goto(live_server.url + "/accounts/profile/")
    assert_accessible(page)
    page.get_by_role("link", name="Tokens for the read API").click()
    expect(page.get_by_role("heading", name="API tokens", exact=True)).to_be_visible()
    expect(page.get_by_text("You have no token yet.")).to_be_visible()
    assert_accessible(page)

    # No name: the form says so and nothing is made.
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Name").fill("City dashboard")
    page.get_by_label("Valid for").select_option("30")
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_text("Copy it now: it is shown this once")).to_be_visible()
    secret = page.get_by_label("Token", exact=True).input_value()
    assert secret.startswith("wce_")
    assert_accessible(page)

    status, body = _get(f"{live_server.url}/api/v1/practices/our-draft/", secret)
    assert status == 200 and "Our draft" in body

    # Shown once: back on the page, only its first characters are.
    page.goto(live_server.url + "/accounts/tokens/")
    expect(page.get_by_role("cell", name="City dashboard", exact=True)).to_be_visible()
    assert secret not in page.content()
    assert_accessible(page)

    page.get_by_role("button", name="Revoke “City dashboard”").click()
    expect(page.get_by_text("The token “City dashboard” was revoked.")).to_be_visible()
    expect(page.get_by_role("cell", name="Revoked", exact=True)).to_be_visible()
    assert_accessible(page)
    status, body = _get(f"{live_server.url}/api/v1/practices/our-draft/", secret)
    assert status == 401 and "revoked" in body


def test_the_api_documentation_works_under_the_sites_policy(page, live_server):
    """Swagger UI from the vendored assets: it renders, and trying an operation out shows the
    answer, with nothing refused by the Content-Security-Policy (the page fixture fails on
    any refusal)."""
    PracticeFactory(title="Hydrogen buses", slug="hydrogen-buses")
    page.goto(live_server.url + "/api/docs/")
    # Swagger UI's own markup, not one of the site's pages: no accessibility check here.
    page.checked_urls.add(page.url)
    expect(page.get_by_text("World Cities Exchange API")).to_be_visible()
    operation = page.locator("#operations-practices-practices_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    answer = operation.locator(".responses-wrapper").get_by_text("hydrogen-buses").first
    expect(answer).to_be_visible()
