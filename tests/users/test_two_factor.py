"""Programme staff and coordinators must set up a second factor before they reach anything."""

import base64
import os

import pytest
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator

from tests.users.factories import DEFAULT_PASSWORD

from .totp import totp_code

pytestmark = pytest.mark.django_db

SETUP = "/accounts/2fa/totp/activate/"


@pytest.fixture(autouse=True)
def required(settings):
    settings.TWO_FACTOR_REQUIRED_FOR = ["programme_staff", "coordinator"]


def enrol(user) -> str:
    secret = base64.b32encode(os.urandom(20)).decode()
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": get_adapter().encrypt(secret)}
    )
    return secret


@pytest.mark.parametrize("role", ["programme_staff", "coordinator"])
def test_staff_and_coordinators_are_led_to_the_set_up_first(client, request, role):
    person = request.getfixturevalue(role)
    client.post("/accounts/login/", {"login": person.email, "password": DEFAULT_PASSWORD})
    for path in ("/admin/", "/reports/", "/practices/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(f"{SETUP}?next=")
    # The set-up first asks for the password once more (allauth), a page the rule lets through.
    response = client.get(SETUP)
    assert response["Location"].startswith("/accounts/reauthenticate/")
    confirmed = client.post(response["Location"], {"password": DEFAULT_PASSWORD}, follow=True)
    assert 'id="authenticator_secret"' in confirmed.content.decode()


def test_delegates_may_opt_in_and_are_not_led_there(client, delegate):
    client.force_login(delegate)
    assert client.get("/practices/").status_code == 200


def test_with_an_authenticator_they_pass_without_a_query_each_time(
    client, programme_staff, django_assert_max_num_queries
):
    enrol(programme_staff)
    client.force_login(programme_staff)
    assert client.get("/reports/").status_code == 200
    assert client.session["two_factor_set_up"] is True


def test_logging_in_then_asks_for_the_code_and_refuses_a_wrong_or_reused_one(
    client, programme_staff
):
    secret = enrol(programme_staff)
    response = client.post(
        "/accounts/login/", {"login": programme_staff.email, "password": DEFAULT_PASSWORD}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "Incorrect code" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    code = totp_code(secret)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.session["_auth_user_id"] == str(programme_staff.pk)

    client.logout()
    client.post("/accounts/login/", {"login": programme_staff.email, "password": DEFAULT_PASSWORD})
    reused = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert "_auth_user_id" not in client.session
    assert reused.status_code == 200


def test_generated_staff_and_coordinators_are_enrolled_once(programme_staff):
    from worldcities import datagen
    from worldcities.users.models import User

    datagen.generate(scale=0.0005, seed=5, counts={"registrations": 5, "meetings": 2})
    generated = User.objects.filter(
        email__endswith=f"@{datagen.GENERATED_DOMAIN}", role__in=["programme_staff", "coordinator"]
    )
    assert generated.exists()
    assert all(Authenticator.objects.filter(user=user).exists() for user in generated)
    assert not Authenticator.objects.filter(user=programme_staff).exists()  # not generated
    Authenticator.objects.filter(user__in=generated[:1]).delete()  # as if generated before
    assert datagen.second_factors_enrol() == 1
    assert datagen.second_factors_enrol() == 0
