"""Browser journeys: headless Chromium from Debian's package, driven by Playwright, against
Django's live server. Every page a journey loads must pass axe-core (no serious or critical
violation): ``assert_accessible(page)`` checks the current page, and a journey that loads a
page it never checked fails at teardown."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import chromium_path

_axe = Axe()
BLOCKING_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path(),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def page(page, live_server):
    """The Playwright page, with a record of every document it loads."""
    page.set_default_timeout(10_000)
    page.loaded_urls = []
    page.checked_urls = set()
    page.refused = []
    page.on("load", lambda p: p.loaded_urls.append(p.url))
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and page.refused.append(message.text)
        ),
    )
    yield page
    unchecked = [url for url in page.loaded_urls if url not in page.checked_urls]
    assert not unchecked, f"pages loaded without an accessibility check: {unchecked}"
    assert not page.refused, f"refused by the Content-Security-Policy: {page.refused}"


def assert_accessible(page) -> None:
    """Runs axe-core on the current page and fails on serious or critical violations."""
    blocking = axe_violations(page)
    assert not blocking, "accessibility violations on {}:\n{}".format(page.url, "\n".join(blocking))


def log_in(page, live_server, user) -> None:
    """Logs ``user`` in within the page's browser context (nobody, for a visitor)."""
    page.context.clear_cookies()
    if user is None:
        return
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def axe_violations(page, *, also: tuple[str, ...] = ()) -> list[str]:
    """The serious and critical axe-core violations on the current page, and those of the
    rules named in ``also`` whatever their impact, one line each; the page counts as
    checked."""
    # A check right after a click that follows a link can start before the browser leaves the
    # old document; the navigation then destroys what it evaluates, and the check is made
    # again on the document that loaded.
    for attempt in range(3):
        page.wait_for_load_state()
        try:
            results = _axe_run(page)
            break
        except PlaywrightError as error:
            if "Execution context was destroyed" not in str(error) or attempt == 2:
                raise
    page.checked_urls.add(page.url)
    return [
        f"- {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in results["violations"]
        if v.get("impact") in BLOCKING_IMPACTS or v["id"] in also
    ]


def _axe_run(page) -> dict:
    # Without ``preload``, axe-core does not copy the page's style sheets into a <style> of its
    # own to read them (which the page's policy would refuse, as it should); the one rule that
    # needs that copy (css-orientation-lock) goes unchecked.
    # axe-core is sent to a document once: a page checked again without loading another
    # document (at another width, after a click) runs the copy it already holds.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe.axe_script)
    return page.evaluate(
        "options => axe.run(document, options)", {"resultTypes": ["violations"], "preload": False}
    )
