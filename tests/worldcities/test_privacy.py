"""The privacy notice, the accessibility statement and each person's own data."""

import json

import pytest

from practices.services import comment_create
from tests.meetings.factories import RegistrationFactory
from tests.practices.factories import PracticeFactory
from tests.users.factories import DelegateFactory

pytestmark = pytest.mark.django_db


def test_every_page_links_the_privacy_notice_and_the_accessibility_statement(client, settings):
    home = client.get("/").content.decode()
    assert 'href="/privacy/"' in home and 'href="/accessibility/"' in home
    settings.TRAVEL_DETAILS_KEEP_DAYS = 30
    notice = client.get("/privacy/").content.decode()
    assert "Privacy notice" in notice and "erased 30 days after their meeting ends" in notice
    statement = client.get("/accessibility/").content.decode()
    assert "WCAG" in statement and "partially conformant" in statement


def test_a_person_downloads_everything_kept_about_them(client, eu_city, partner_city):
    delegate = DelegateFactory(full_name="Mira Kim", city=partner_city)
    practice = PracticeFactory(city=eu_city, title="Open mobility data")
    comment_create(practice=practice, by=delegate, body="Who paid for the sensors?")
    RegistrationFactory(person=delegate, dietary_needs="Vegetarian", needs_visa_letter=True)
    someone_else = DelegateFactory(city=partner_city)
    comment_create(practice=practice, by=someone_else, body="Not mine to see")

    assert client.get("/accounts/my-data.json").status_code == 302  # log in first
    client.force_login(delegate)
    response = client.get("/accounts/my-data.json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["account"]["email"] == delegate.email
    assert data["account"]["city"] == partner_city.name
    assert data["questions_and_comments"][0]["text"] == "Who paid for the sensors?"
    assert len(data["questions_and_comments"]) == 1
    assert data["registrations"][0]["dietary_needs"] == "Vegetarian"
    assert data["registrations"][0]["needs_visa_letter"] is True
    assert "Not mine to see" not in response.content.decode()
    assert 'href="/accounts/my-data.json"' in client.get("/accounts/profile/").content.decode()


def test_the_download_reads_the_same_queries_however_much_there_is(
    client, eu_city, partner_city, django_assert_num_queries
):
    delegate = DelegateFactory(city=partner_city)
    client.force_login(delegate)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            client.get("/accounts/my-data.json")
        return len(queries)

    few = count()
    for _ in range(5):
        comment_create(practice=PracticeFactory(city=eu_city), by=delegate, body="A question")
        RegistrationFactory(person=delegate)
    assert count() == few


def test_a_person_erases_their_account_and_what_they_published_stays(client, eu_city, partner_city):
    from practices.models import Comment, Follow
    from tests.users.factories import DEFAULT_PASSWORD
    from worldcities.notifications.models import Notification
    from worldcities.users.models import User

    delegate = DelegateFactory(
        full_name="Mira Kim", email="mira.kim@example.org", city=partner_city
    )
    practice = PracticeFactory(city=eu_city, title="Open mobility data")
    comment_create(practice=practice, by=delegate, body="Who paid for the sensors?")
    Follow.objects.create(user=delegate, practice=practice)
    registration = RegistrationFactory(
        person=delegate, dietary_needs="Vegetarian", needs_visa_letter=True
    )
    client.force_login(delegate)

    refused = client.post("/accounts/erase/", {"email": "someone.else@example.org"})
    assert "This is not the address of your account." in refused.content.decode()
    assert User.objects.get(pk=delegate.pk).full_name == "Mira Kim"  # nothing done

    response = client.post("/accounts/erase/", {"email": "Mira.Kim@example.org"}, follow=True)
    assert "Your account was erased." in response.content.decode()
    assert "_auth_user_id" not in client.session

    erased = User.objects.get(pk=delegate.pk)
    assert erased.full_name == "" and "mira" not in erased.email and not erased.is_active
    assert not erased.has_usable_password()
    registration.refresh_from_db()
    assert (registration.dietary_needs, registration.needs_visa_letter) == ("", False)
    assert not Follow.objects.filter(user=erased).exists()
    assert not Notification.objects.filter(recipient=erased).exists()
    comment = Comment.objects.get(author=erased)  # the question stays, under the role
    page = client.get(practice.get_absolute_url()).content.decode()
    assert comment.body in page and "Mira Kim" not in page and "City delegate" in page

    client.post("/accounts/login/", {"login": "mira.kim@example.org", "password": DEFAULT_PASSWORD})
    assert "_auth_user_id" not in client.session


def test_asking_twice_erases_once():
    from worldcities.privacy import account_erase

    delegate = DelegateFactory(full_name="Mira Kim")
    assert account_erase(user=delegate) is True
    email = type(delegate).objects.get(pk=delegate.pk).email
    assert account_erase(user=delegate) is False
    assert type(delegate).objects.get(pk=delegate.pk).email == email
