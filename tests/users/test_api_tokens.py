"""Personal tokens for the read API: made and revoked in the profile, the secret shown once
and kept only as a digest, refused at once when revoked, and every bad token a 401 that says
what was wrong."""

import datetime
import hashlib

import pytest
from django.utils import timezone

from tests.api import api_get, token_for
from worldcities.users.models import ApiToken

pytestmark = pytest.mark.django_db

PAGE = "/accounts/tokens/"
ME = "/api/v1/me/registrations/"


def test_a_delegate_makes_a_token_sees_it_once_and_it_is_kept_hashed(client, delegate):
    client.force_login(delegate)
    response = client.post(PAGE, {"action": "create", "name": "City dashboard", "lifetime": "30"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("wce_") and len(secret) == 47
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    token = ApiToken.objects.get(user=delegate)
    assert token.name == "City dashboard"
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.digest, token.prefix, token.name}
    assert token.expires_at > timezone.now() + datetime.timedelta(days=29)
    # Shown once: the list afterwards shows its start only.
    page = client.get(PAGE).content.decode()
    assert secret not in page
    assert "City dashboard" in page and token.prefix in page
    client.logout()
    assert api_get(client, ME, secret).status_code == 200


def test_revoking_refuses_the_token_at_once(client, delegate):
    secret = token_for(delegate, name="script")
    assert api_get(client, ME, secret).status_code == 200
    client.force_login(delegate)
    token = ApiToken.objects.get(user=delegate)
    response = client.post(PAGE, {"action": "revoke", "token": token.pk}, follow=True)
    assert "The token “script” was revoked." in response.content.decode()
    client.logout()
    response = api_get(client, ME, secret)
    assert response.status_code == 401
    assert response.json() == {"detail": "This token was revoked."}
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"action": "create", "name": "", "lifetime": "30"}, "This field is required."),
        ({"action": "create", "name": "script", "lifetime": "7"}, "Select a valid choice."),
        ({"action": "create", "name": "taken", "lifetime": "30"}, "already have a token of that"),
    ],
)
def test_a_bad_token_form_is_shown_again_with_the_error(client, delegate, data, error):
    token_for(delegate, name="taken")
    client.force_login(delegate)
    response = client.post(PAGE, data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert response.context["secret"] is None
    assert ApiToken.objects.filter(user=delegate).count() == 1


def test_nobody_revokes_another_persons_token(client, delegate, partner_delegate):
    token_for(partner_delegate, name="theirs")
    theirs = ApiToken.objects.get(user=partner_delegate)
    client.force_login(delegate)
    response = client.post(PAGE, {"action": "revoke", "token": theirs.pk}, follow=True)
    assert "does not exist or was already revoked" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_token_page_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Token abc", "Send the token as “Authorization: Bearer <token>”."),
        ("Bearer", "The Authorization header must hold “Bearer” and the token, nothing else."),
        ("Bearer a b", "The Authorization header must hold “Bearer” and the token, nothing else."),
        ("Bearer abc", "This is not a token of this platform: tokens start with “wce_”."),
        ("Bearer wce_" + "A" * 43, "Unknown token."),
    ],
)
def test_a_malformed_or_unknown_token_is_a_401_that_says_why(client, header, message):
    response = client.get("/api/v1/cities/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {"detail": message}


def test_an_expired_token_is_refused(client, delegate):
    secret = token_for(delegate)
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = api_get(client, ME, secret)
    assert response.status_code == 401
    assert response.json() == {"detail": "This token has expired."}


def test_a_token_only_reads(client, delegate):
    secret = token_for(delegate)
    response = client.post(
        "/api/v1/cities/",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 405
    assert "detail" in response.json()


def test_the_export_of_ones_data_lists_ones_tokens(client, delegate):
    token_for(delegate, name="dashboard")
    client.force_login(delegate)
    data = client.get("/accounts/my-data.json").json()
    assert [t["name"] for t in data["api_tokens"]] == ["dashboard"]
    assert "digest" not in data["api_tokens"][0]


def test_erasing_ones_account_removes_its_tokens(client, delegate):
    from worldcities.privacy import account_erase

    secret = token_for(delegate)
    account_erase(user=delegate)
    assert not ApiToken.objects.filter(user=delegate).exists()
    assert api_get(client, ME, secret).status_code == 401


@pytest.mark.parametrize("role", ["delegate", "coordinator", "programme_staff"])
def test_every_role_makes_a_token_that_answers_as_them(client, request, role):
    person = request.getfixturevalue(role)
    client.force_login(person)
    response = client.post(PAGE, {"action": "create", "name": "mine", "lifetime": ""})
    secret = response.context["secret"]
    assert ApiToken.objects.get(user=person).expires_at is None
    client.logout()
    assert api_get(client, ME, secret).status_code == 200
