"""Searching: a visitor finds the Busan–Barcelona pairing from the header's search box (the
programme's own data, as ``make run`` loads it), and the practice list searches without
showing stale results or logging errors in the browser's console."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def programme(db):
    with open("/dev/null", "w") as quiet:
        call_command("load_worldcities", stdout=quiet)


def _console_errors(page) -> list[str]:
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_a_visitor_finds_the_hydrogen_pairing_from_the_header(page, live_server, programme):
    errors = _console_errors(page)
    page.goto(live_server.url + "/")
    assert_accessible(page)

    header = page.get_by_role("banner")
    header.get_by_role("searchbox", name="Search the site").fill("hydrogen")
    header.get_by_role("button", name="Search the site").click()

    expect(page).to_have_url(re.compile(r"/search/\?q=hydrogen$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Results for “hydrogen”")
    assert_accessible(page)
    pairings = page.get_by_role("region", name=re.compile(r"^Pairings \(\d+\)$"))
    expect(pairings).to_be_visible()
    expect(page.get_by_role("region", name=re.compile(r"^Practices \(\d+\)$"))).to_be_visible()
    expect(page.get_by_role("region", name="Cities (0)")).to_contain_text("No cities match.")
    expect(pairings.get_by_role("link", name="Search the pairing list")).to_have_attribute(
        "href", "/pairings/?q=hydrogen"
    )

    # Narrowed to pairings, the choice stays in the address.
    page.get_by_role("group", name="Show").get_by_label("Pairings").check()
    page.get_by_role("main").get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"q=hydrogen&kind=pairings$"))
    assert_accessible(page)
    expect(page.get_by_role("region", name=re.compile(r"^Practices"))).to_have_count(0)

    page.get_by_role("link", name="Busan – Barcelona").click()
    expect(page).to_have_url(re.compile(r"/pairings/busan-barcelona-2017-2018/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Busan")
    expect(page.get_by_role("main")).to_contain_text("hydrogen fuel cells")
    assert_accessible(page)
    assert errors == []


def test_a_search_that_cannot_find_anything_says_why(page, live_server, programme):
    page.goto(live_server.url + "/pairings/")
    assert_accessible(page)
    header = page.get_by_role("banner")
    header.get_by_role("searchbox", name="Search the site").fill("the and of")
    header.get_by_role("button", name="Search the site").click()

    main = page.get_by_role("main")
    expect(main.get_by_role("alert")).to_contain_text("too common to search for")
    expect(main.get_by_label("Words to find")).to_have_value("the and of")
    assert_accessible(page)


def test_the_practice_list_hides_old_results_while_searching_and_logs_no_error(
    page, live_server, programme
):
    errors = _console_errors(page)
    held = []
    holding = {"on": False}

    def hold_searches(route):
        if holding["on"] and route.request.headers.get("hx-request"):
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r"/practices/\?"), hold_searches)
    page.goto(live_server.url + "/practices/")
    assert_accessible(page)
    results = page.locator("#practice-results")
    old_card = results.locator(".practice-card", has_text="Open mobility data for journey planning")
    expect(old_card).to_be_visible()

    # Typed as a person types, then the button pressed at once: the new results are on their
    # way (held back here), and the old ones are no longer shown.
    holding["on"] = True
    box = page.get_by_label("Search practices")
    box.press_sequentially("solar", delay=40)
    page.get_by_role("main").get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text("Searching…")).to_be_visible()
    expect(old_card).to_be_hidden()

    holding["on"] = False
    while held:
        held.pop(0).continue_()
    expect(page.get_by_text("Searching…")).to_be_hidden()
    new_card = results.locator(".practice-card", has_text="Solar panels on municipal roofs")
    expect(new_card).to_be_visible()
    expect(old_card).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=solar"))
    page.wait_for_timeout(1000)  # the search box's own pause has passed: any late request ran
    while held:
        held.pop(0).continue_()
    assert_accessible(page)

    # A facet, then the sort, change the results too: still no request cut off.
    page.get_by_label(re.compile(r"Barcelona \(\d+\)")).check()
    expect(page).to_have_url(re.compile(r"city=barcelona"))
    page.get_by_label("Sort by").select_option("newest")
    expect(page).to_have_url(re.compile(r"sort=newest"))
    expect(new_card).to_be_visible()
    assert_accessible(page)
    assert errors == [], errors
