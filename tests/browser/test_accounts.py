import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.users.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_log_in_out_and_reset_a_forgotten_password(page, live_server, delegate):
    page.goto(live_server.url + "/")
    assert_accessible(page)

    page.get_by_role("link", name="Log in").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert_accessible(page)

    # A wrong password: a clear message, and the e-mail typed stays in the form.
    page.get_by_label("Email").fill(delegate.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("not correct")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value(delegate.email)
    assert_accessible(page)

    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    expect(page.get_by_text("City delegate")).to_be_visible()
    expect(page.get_by_role("link", name=delegate.city.name)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    assert_accessible(page)

    # Forgotten password: the e-mail's link leads to a form that sets a new one.
    page.get_by_role("link", name="Log in").click()
    assert_accessible(page)
    page.get_by_role("link", name="Forgot your password?").click()
    assert_accessible(page)
    page.get_by_label("Email").fill(delegate.email)
    page.get_by_role("button", name="Reset My Password").click()
    expect(page.get_by_text("We have sent you an email")).to_be_visible()
    assert_accessible(page)

    assert len(mail.outbox) == 1
    link = re.search(r"http\S+/accounts/password/reset/key/\S+", mail.outbox[0].body).group(0)
    page.goto(live_server.url + "/" + link.split("://", 1)[1].split("/", 1)[1])
    assert_accessible(page)
    page.get_by_placeholder("New Password", exact=True).fill("a-fresh-password-42")
    page.get_by_placeholder("New Password (again)").fill("a-fresh-password-42")
    page.get_by_role("button", name="Change Password").click()
    expect(page.get_by_text("Your password is now changed")).to_be_visible()
    assert_accessible(page)

    page.goto(live_server.url + "/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email").fill(delegate.email)
    page.get_by_label("Password").fill("a-fresh-password-42")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    assert_accessible(page)


def test_unknown_page_is_the_styled_404(page, live_server):
    response = page.goto(live_server.url + "/nowhere/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    assert_accessible(page)
