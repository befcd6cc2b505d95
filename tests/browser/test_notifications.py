import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.cities.factories import CityFactory
from tests.users.factories import DEFAULT_PASSWORD
from worldcities.notifications import services
from worldcities.notifications.models import Delivery, Kind

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_delegate_reads_notifications_and_chooses_a_digest(page, live_server, delegate):
    for city in CityFactory.create_batch(2):
        services.notify(
            recipient=delegate, kind=Kind.REGISTRATION, target=city, title=f"Confirmed for {city}"
        )
    page.goto(live_server.url + "/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email").fill(delegate.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert_accessible(page)

    page.get_by_role("link", name="Notifications 2 unread").click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(page.get_by_text("Confirmed for")).to_have_count(2)
    assert_accessible(page)
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("Marked as read.")).to_be_visible()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Choose what you are told, and how").click()
    assert_accessible(page)
    page.get_by_label("Reminders of meetings I registered for").select_option(Delivery.WEEKLY)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your notification settings were saved.")).to_be_visible()
    expect(page.get_by_label("Reminders of meetings I registered for")).to_have_value(
        Delivery.WEEKLY
    )
    assert_accessible(page)
    assert services.preferences_for(delegate)[Kind.MEETING_REMINDER] == Delivery.WEEKLY
