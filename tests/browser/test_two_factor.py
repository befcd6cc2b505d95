"""A member of programme staff sets up an authenticator app at their first login, then logs in
with its code."""

import pytest
from playwright.sync_api import expect

from tests.users.factories import DEFAULT_PASSWORD, ProgrammeStaffFactory
from tests.users.totp import totp_code

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def log_in_with_password(page, live_server, email, next_path="/admin/"):
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_staff_set_up_a_second_factor_then_log_in_with_it(page, live_server, settings):
    settings.TWO_FACTOR_REQUIRED_FOR = ["programme_staff", "coordinator"]
    staff = ProgrammeStaffFactory(email="staff@example.org", full_name="Programme Staff")

    log_in_with_password(page, live_server, staff.email)
    # Led to the set-up, which asks for the password once more.
    expect(page.get_by_label("Password")).to_be_visible()
    assert "/accounts/reauthenticate/" in page.url
    assert_accessible(page)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    assert_accessible(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="Programme administration")).to_be_visible()
    assert_accessible(page)

    # Next time, the password is not enough.
    page.context.clear_cookies()
    log_in_with_password(page, live_server, staff.email)
    expect(page.get_by_label("Code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Programme administration")).to_be_visible()
    assert_accessible(page)
