import zoneinfo

import pytest
from django.utils import timezone

from tests.cities.factories import CityFactory
from worldcities.notifications import services
from worldcities.notifications.models import Delivery, Kind, Notification, NotificationPreference
from worldcities.templatetags.moments import moment


def notify_many(user, count):
    for city in CityFactory.create_batch(count):
        services.notify(recipient=user, kind=Kind.REGISTRATION, target=city, title=f"About {city}")


@pytest.mark.django_db
def test_the_list_shows_my_notifications_and_the_unread_count(client, delegate, partner_delegate):
    notify_many(delegate, 2)
    notify_many(partner_delegate, 1)
    client.force_login(delegate)
    response = client.get("/notifications/")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 2
    assert response.context["UNREAD_NOTIFICATIONS"] == 2
    client.post("/notifications/read/")
    assert client.get("/notifications/").context["UNREAD_NOTIFICATIONS"] == 0
    assert (
        Notification.objects.filter(recipient=partner_delegate, read_at__isnull=True).count() == 1
    )


@pytest.mark.django_db
def test_the_list_needs_login(client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_list_uses_the_same_queries_for_few_and_many(client, delegate, assert_flat_queries):
    client.force_login(delegate)
    assert_flat_queries(lambda n: notify_many(delegate, n), lambda: client.get("/notifications/"))


@pytest.mark.django_db
def test_settings_store_one_choice_per_kind(client, delegate):
    client.force_login(delegate)
    data = dict.fromkeys(Kind.values, Delivery.IMMEDIATE)
    data[Kind.MEETING_REMINDER] = Delivery.WEEKLY
    response = client.post("/notifications/settings/", data, follow=True)
    assert "Your notification settings were saved." in response.content.decode()
    assert services.preferences_for(delegate)[Kind.MEETING_REMINDER] == Delivery.WEEKLY
    bad = client.post("/notifications/settings/", {**data, Kind.EVALUATION: "hourly"})
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()
    assert NotificationPreference.objects.filter(kind=Kind.EVALUATION).count() == 1


@pytest.mark.django_db
def test_marking_read_ignores_ids_that_are_not_numbers(client, delegate):
    notify_many(delegate, 2)
    client.force_login(delegate)
    response = client.post("/notifications/read/", {"notification": ["abc", "-1"]})
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=delegate, read_at__isnull=True).count() == 2


@pytest.mark.django_db
def test_links_in_a_notification_are_links_to_the_site_with_its_time_zone(
    client, delegate, settings
):
    settings.SITE_URL = "http://127.0.0.1:8123"
    city = CityFactory()
    services.notify(
        recipient=delegate,
        kind=Kind.REGISTRATION,
        target=city,
        title="Your place is confirmed",
        body="Agenda: http://127.0.0.1:8123/meetings/7/#agenda-heading\nSee you <there>.",
    )
    client.force_login(delegate)
    text = client.get("/notifications/").content.decode()
    assert (
        '<a href="http://127.0.0.1:8123/meetings/7/#agenda-heading" rel="nofollow">'
        "http://127.0.0.1:8123/meetings/7/#agenda-heading</a>" in text
    )
    assert "See you &lt;there&gt;." in text
    created = Notification.objects.get(recipient=delegate).created_at
    with timezone.override(zoneinfo.ZoneInfo(delegate.effective_time_zone)):
        shown = moment(created)
    assert shown.endswith(("CET", "CEST", "EET", "EEST")) and shown in text
