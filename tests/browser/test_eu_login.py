"""A delegate signs in with EU Login from the login page, lands where they were going, and logs
out of the platform and of EU Login; an address the platform does not know is refused."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.users.cas_server import cas_server as cas_server
from worldcities.users.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_delegate_signs_in_with_eu_login_and_out_again(page, live_server, delegate, cas_server):
    page.goto(f"{live_server.url}/accounts/login/?next=/accounts/profile/")
    assert_accessible(page)

    # An address no account uses: refused, with the reason, and no account made.
    cas_server.email_at_login = "new.person@ec.europa.eu"
    page.get_by_role("link", name="Sign in with EU Login").click()
    expect(page.get_by_text("No account of the platform uses the address")).to_be_visible()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert_accessible(page)
    assert not User.objects.filter(email="new.person@ec.europa.eu").exists()

    # The delegate's own address: signed in, on the page they asked for.
    cas_server.email_at_login = delegate.email
    page.goto(f"{live_server.url}/accounts/login/?next=/accounts/profile/")
    assert_accessible(page)
    page.get_by_role("link", name="Sign in with EU Login").click()
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    expect(page.get_by_text("Eu Delegate").first).to_be_visible()
    assert_accessible(page)

    # Logging out goes through EU Login's logout and back to the platform's home page.
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    assert page.url == f"{live_server.url}/"
    assert cas_server.logouts == [f"{live_server.url}/"]
    assert_accessible(page)
    page.goto(f"{live_server.url}/accounts/profile/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert_accessible(page)
