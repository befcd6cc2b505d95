"""A delegate downloads their data, then erases their account from their profile."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.users.factories import DelegateFactory

from .conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_delegate_downloads_their_data_then_erases_their_account(page, live_server, eu_city):
    delegate = DelegateFactory(full_name="Mira Kim", email="mira.kim@example.org", city=eu_city)
    log_in(page, live_server, delegate)
    page.goto(live_server.url + "/accounts/profile/")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download everything the platform keeps about you").click()
    data = json.loads(Path(download.value.path()).read_text())
    assert data["account"]["email"] == "mira.kim@example.org"

    page.get_by_role("link", name="Erase your account").click()
    expect(page.get_by_role("heading", name="Erase your account")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Type your e-mail address to confirm").fill("wrong@example.org")
    page.get_by_role("button", name="Erase my account").click()
    expect(page.get_by_text("This is not the address of your account.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Type your e-mail address to confirm").fill("mira.kim@example.org")
    page.get_by_role("button", name="Erase my account").click()
    expect(page.get_by_text("Your account was erased.")).to_be_visible()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    assert_accessible(page)


def test_the_privacy_notice_and_accessibility_statement_from_the_footer(page, live_server):
    page.goto(live_server.url + "/")
    assert_accessible(page)
    page.get_by_role("link", name="Privacy").click()
    expect(page.get_by_role("heading", name="Privacy notice")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Accessibility").click()
    expect(page.get_by_role("heading", name="Accessibility statement")).to_be_visible()
    assert_accessible(page)
