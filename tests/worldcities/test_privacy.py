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
