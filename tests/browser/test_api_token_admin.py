"""Programme staff find a person's API token in the administration and revoke it: the list
says so at once, and the API refuses the token from then on."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.api import api_get, token_for
from tests.browser.conftest import assert_accessible, log_in
from tests.users.factories import DelegateFactory, ProgrammeStaffFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_revoke_a_delegates_token(page, live_server):
    staff = ProgrammeStaffFactory(email="staff@example.org", full_name="Programme Staff")
    delegate = DelegateFactory(email="anna@example.org", full_name="Anna Virtanen")
    secret = token_for(delegate, name="City dashboard")
    token_for(delegate, name="Spare script")
    assert api_get(Client(), "/api/v1/me/registrations/", secret).status_code == 200

    log_in(page, live_server, staff)
    page.goto(f"{live_server.url}/admin/users/apitoken/")
    assert_accessible(page)
    page.locator("#searchbar").fill("City dashboard")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=City"))
    assert_accessible(page)
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Anna Virtanen")
    expect(rows.first).to_contain_text("Usable until")
    assert secret not in page.content()

    rows.first.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("revoke_tokens")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("1 token(s) revoked: City dashboard")
    assert_accessible(page)
    expect(page.locator("#result_list tbody tr").first).to_contain_text("Revoked on")

    assert api_get(Client(), "/api/v1/me/registrations/", secret).status_code == 401
