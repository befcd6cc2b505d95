"""A visitor changes the language from the footer, with script and without."""

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_changes_the_language_from_the_footer(page, live_server):
    page.goto(live_server.url + "/pairings/")
    page.goto(live_server.url + "/pairings/")  # the kept copy of the page
    assert_accessible(page)
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert page.url == live_server.url + "/pairings/"
    assert_accessible(page)


def test_without_script_the_language_page_confirms_the_choice(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/cities/")
    page.get_by_label("Language").select_option("de")
    page.get_by_role("button", name="Change").click()
    expect(page.get_by_role("radio", name="Deutsch (German)")).to_be_checked()
    page.get_by_role("button", name="Change the language").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    assert page.url == live_server.url + "/cities/"
    context.close()
