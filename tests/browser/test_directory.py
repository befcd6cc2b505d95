"""A delegate finds a partner-city colleague in the directory by language and writes to them
through the platform; the colleague reads it without the sender's address."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in
from tests.cities.factories import CityFactory, PartnerCountryFactory
from tests.users.factories import DelegateFactory
from worldcities.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_delegate_finds_a_colleague_and_writes_to_them(page, live_server):
    busan = CityFactory(name="Busan", country=PartnerCountryFactory(name="Korea"))
    laia = DelegateFactory(full_name="Laia Puig", email="laia@example.org")
    minjun = DelegateFactory(
        full_name="Min-jun Park", city=busan, spoken_languages=["ko", "en"], show_email=False
    )
    DelegateFactory(full_name="Other Person", spoken_languages=["fr"])

    log_in(page, live_server, laia)
    page.goto(live_server.url + "/")
    assert_accessible(page)
    page.get_by_role("link", name="People", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Speaks").select_option("ko")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name="Min-jun Park")).to_be_visible()
    expect(page.get_by_text("Other Person")).to_have_count(0)
    assert minjun.email not in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Min-jun Park").click()
    assert_accessible(page)

    page.get_by_role("button", name="Send the message").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Subject").fill("Cycling lanes")
    page.locator("#id_body").fill("Could we compare our bike-lane plans?")
    page.get_by_role("button", name="Send the message").click()
    expect(page.get_by_text("Your message was sent to Min-jun Park.")).to_be_visible()
    assert_accessible(page)

    notice = Notification.objects.get(recipient=minjun, kind=Kind.DIRECT_MESSAGE)
    assert "laia@example.org" not in notice.body
    log_in(page, live_server, minjun)
    page.goto(live_server.url + "/notifications/")
    expect(page.get_by_text("Laia Puig wrote to you: Cycling lanes")).to_be_visible()
    expect(page.get_by_text("Could we compare our bike-lane plans?")).to_be_visible()
    assert_accessible(page)
