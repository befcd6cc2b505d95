"""The audit trail: role changes, meetings and registrations are recorded with who made them,
and programme staff read them in the admin."""

import pytest
from django.urls import reverse

from meetings.models import Meeting, Registration
from meetings.services import registration_cancel
from tests.meetings.factories import RegistrationFactory
from tests.users.factories import DelegateFactory
from worldcities.privacy import account_erase
from worldcities.users.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, programme_staff):
    client.force_login(programme_staff)
    return client


def test_a_role_change_in_the_admin_is_recorded_with_who_made_it(staff_client, programme_staff):
    person = DelegateFactory(full_name="Mira Kim")
    change = reverse("admin:users_user_change", args=[person.pk])
    data = {
        "email": person.email,
        "full_name": person.full_name,
        "organisation": "",
        "city": "",
        "language": "en",
        "time_zone": "",
        "role": Role.COORDINATOR,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "10:00:00",
    }
    assert staff_client.post(change, data).status_code == 302
    latest = User.history.filter(id=person.pk).latest("history_date")
    assert (latest.role, latest.history_type, latest.history_user) == (
        Role.COORDINATOR,
        "~",
        programme_staff,
    )
    assert not hasattr(latest, "password")

    audit = staff_client.get(reverse("admin:users_historicaluser_changelist"))
    assert audit.status_code == 200 and "Mira Kim" in audit.content.decode()
    history = staff_client.get(reverse("admin:users_user_history", args=[person.pk]))
    assert history.status_code == 200 and "Programme Staff" in history.content.decode()


def test_registrations_are_recorded_without_their_travel_details(delegate):
    registration = RegistrationFactory(person=delegate, dietary_needs="Vegetarian")
    registration_cancel(registration=registration, by=delegate)
    recorded = Registration.history.filter(id=registration.pk).order_by("history_date")
    assert [row.status for row in recorded] == ["confirmed", "cancelled"]
    assert recorded.last().history_user is None or recorded.last().history_user == delegate
    assert not hasattr(recorded.first(), "dietary_needs")
    assert Meeting.history.filter(id=registration.meeting_id).exists()


def test_the_audit_lists_are_for_reading_only(staff_client, delegate, client):
    for name in (
        "users_historicaluser",
        "meetings_historicalmeeting",
        "twinning_historicalpairing",
    ):
        assert staff_client.get(reverse(f"admin:{name}_changelist")).status_code == 200
        assert staff_client.get(reverse(f"admin:{name}_add")).status_code == 403
    client.force_login(delegate)
    response = client.get(reverse("admin:users_historicaluser_changelist"))
    assert response.status_code == 302  # to the login: the admin is staff's


def test_an_erased_account_leaves_no_name_or_address_in_the_audit():
    person = DelegateFactory(full_name="Mira Kim", email="mira.kim@example.org")
    person.role = Role.COORDINATOR
    person.save()
    account_erase(user=person)
    recorded = User.history.filter(id=person.pk)
    assert recorded.count() >= 2
    assert not recorded.filter(full_name="Mira Kim").exists()
    assert not recorded.filter(email="mira.kim@example.org").exists()
