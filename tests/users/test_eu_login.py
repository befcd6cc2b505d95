"""Signing in through EU Login, against a CAS server of the tests' own: the account of the
verified address the server vouches for is logged in; a ticket that does not validate, an
unknown address or an unreachable server is refused with a message and nothing is created; the
second factor is still asked; logging out ends EU Login's session too."""

import os
import subprocess
import sys

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.utils.html import escape

from tests.users.cas_server import cas_server as cas_server
from tests.users.test_two_factor import enrol
from tests.users.totp import totp_code
from worldcities.users.models import User

pytestmark = pytest.mark.django_db

START = "/accounts/eu-login/"
CALLBACK = "/accounts/eu-login/callback/"
SERVICE = "http://testserver" + CALLBACK


def rows() -> tuple[int, int]:
    return User.objects.count(), EmailAddress.objects.count()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_login_page_offers_eu_login_only_when_enabled(client, settings, cas_server):
    page = client.get("/accounts/login/?next=/meetings/").content.decode()
    assert "Sign in with EU Login" in page
    assert f'href="{START}?next=/meetings/"' in page

    settings.EU_LOGIN_ENABLED = False
    assert "Sign in with EU Login" not in client.get("/accounts/login/").content.decode()
    assert client.get(START).status_code == 404
    assert client.get(CALLBACK + "?ticket=ST-1").status_code == 404


def test_a_good_ticket_logs_in_the_account_of_that_address(client, delegate, cas_server):
    response = client.get(START + "?next=/meetings/")
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"{cas_server.url}login?service=http%3A%2F%2Ftestserver%2Faccounts%2Feu-login"
        "%2Fcallback%2F"
    )

    ticket = cas_server.issue("Delegate@Example.org", service=SERVICE)
    before = rows()
    response = client.get(f"{CALLBACK}?ticket={ticket}")

    assert response.status_code == 302
    assert response["Location"] == "/meetings/"
    assert client.session[SESSION_KEY] == str(delegate.pk)
    assert cas_server.validations == [{"service": SERVICE, "ticket": ticket}]
    assert rows() == before
    assert "Eu Delegate" in client.get("/accounts/profile/").content.decode()


def test_an_address_elsewhere_in_the_site_is_not_a_place_to_go_next(client, delegate, cas_server):
    client.get(START + "?next=https://elsewhere.example/")
    response = client.get(f"{CALLBACK}?ticket={cas_server.issue(delegate.email)}")
    assert response["Location"] == "/accounts/profile/"


@pytest.mark.parametrize("ticket", ["ST-999-never-issued", "", "ST-<bad>"])
def test_a_ticket_that_does_not_validate_is_refused_and_nothing_created(
    client, delegate, cas_server, ticket
):
    before = rows()
    response = client.get(CALLBACK, {"ticket": ticket}, follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert messages_of(response) == ["EU Login did not confirm this sign-in. Please try again."]
    assert SESSION_KEY not in client.session
    assert rows() == before


def test_a_ticket_is_good_once(client, delegate, cas_server):
    ticket = cas_server.issue(delegate.email)
    client.get(CALLBACK, {"ticket": ticket})
    client.logout()
    response = client.get(CALLBACK, {"ticket": ticket}, follow=True)
    assert messages_of(response) == ["EU Login did not confirm this sign-in. Please try again."]
    assert SESSION_KEY not in client.session


def test_a_ticket_issued_for_another_service_is_refused(client, delegate, cas_server):
    ticket = cas_server.issue(delegate.email, service="https://other.example/cas/")
    client.get(CALLBACK, {"ticket": ticket}, follow=True)
    assert SESSION_KEY not in client.session


def test_an_unknown_address_is_refused_and_no_account_is_created(client, delegate, cas_server):
    before = rows()
    ticket = cas_server.issue("someone.new@ec.europa.eu")
    response = client.get(CALLBACK, {"ticket": ticket}, follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/login/"
    (message,) = messages_of(response)
    assert message.startswith(
        "No account of the platform uses the address someone.new@ec.europa.eu."
    )
    assert "programme team" in message
    assert escape(message) in response.content.decode()
    assert SESSION_KEY not in client.session
    assert rows() == before


def test_an_address_not_verified_is_not_enough(client, delegate, cas_server):
    EmailAddress.objects.filter(user=delegate).update(verified=False)
    response = client.get(CALLBACK, {"ticket": cas_server.issue(delegate.email)}, follow=True)
    assert messages_of(response)[0].startswith("No account of the platform uses the address")
    assert SESSION_KEY not in client.session


def test_an_unreachable_server_or_an_odd_answer_is_refused_with_a_message(
    client, delegate, cas_server, settings
):
    cas_server.raw_response = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><cas:serviceResponse/>'
    response = client.get(CALLBACK, {"ticket": cas_server.issue(delegate.email)}, follow=True)
    assert messages_of(response) == [
        "EU Login could not be reached to confirm your sign-in. Please try again later."
    ]
    cas_server.raw_response = b"<html>Service unavailable</html"
    response = client.get(CALLBACK, {"ticket": "ST-1-fake"}, follow=True)
    assert "could not be reached" in messages_of(response)[0]

    cas_server.stop()
    response = client.get(CALLBACK, {"ticket": "ST-2-fake"}, follow=True)
    assert "could not be reached" in messages_of(response)[0]
    assert SESSION_KEY not in client.session
    cas_server.start = lambda: None


def test_an_answer_without_an_address_is_refused(client, delegate, cas_server):
    cas_server.raw_response = (
        b'<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">'
        b"<cas:authenticationSuccess><cas:user>n00x</cas:user></cas:authenticationSuccess>"
        b"</cas:serviceResponse>"
    )
    response = client.get(CALLBACK, {"ticket": "ST-1-fake"}, follow=True)
    assert "did not tell us your e-mail address" in messages_of(response)[0]
    assert SESSION_KEY not in client.session


def test_cas_3_attributes_are_read_too(client, delegate, cas_server):
    cas_server.raw_response = (
        b'<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">'
        b"<cas:authenticationSuccess><cas:user>n00x</cas:user><cas:attributes>"
        b"<cas:email>delegate@example.org</cas:email></cas:attributes>"
        b"</cas:authenticationSuccess></cas:serviceResponse>"
    )
    client.get(CALLBACK, {"ticket": "ST-1-fake"})
    assert client.session[SESSION_KEY] == str(delegate.pk)


def test_eu_login_is_not_a_second_factor(client, programme_staff, cas_server, settings):
    settings.TWO_FACTOR_REQUIRED_FOR = ["programme_staff", "coordinator"]
    secret = enrol(programme_staff)

    response = client.get(CALLBACK, {"ticket": cas_server.issue(programme_staff.email)})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert SESSION_KEY not in client.session
    assert "login" in client.get("/admin/")["Location"]

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(programme_staff.pk)
    assert client.get("/admin/").status_code == 200


def test_staff_without_a_second_factor_are_led_to_set_one_up(
    client, coordinator, cas_server, settings
):
    settings.TWO_FACTOR_REQUIRED_FOR = ["programme_staff", "coordinator"]
    client.get(CALLBACK, {"ticket": cas_server.issue(coordinator.email)})
    assert client.session[SESSION_KEY] == str(coordinator.pk)
    assert client.get("/reports/")["Location"].startswith("/accounts/2fa/totp/activate/")


def test_logging_out_ends_eu_logins_session_too(client, delegate, cas_server):
    client.get(CALLBACK, {"ticket": cas_server.issue(delegate.email)})
    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == (
        f"{cas_server.url}logout?service=http%3A%2F%2Ftestserver%2F&url=http%3A%2F%2Ftestserver%2F"
    )
    assert SESSION_KEY not in client.session


def test_logging_out_after_a_password_login_stays_on_the_platform(client, delegate, cas_server):
    client.force_login(delegate)
    assert client.post("/accounts/logout/")["Location"] == "/"


def test_refusals_count_towards_the_login_limit(client, delegate, cas_server, settings):
    settings.EU_LOGIN_RATE_LIMIT = "2/m/ip"
    for _ in range(2):
        client.get(CALLBACK, {"ticket": "ST-999-never-issued"})
    checked = len(cas_server.validations)

    response = client.get(CALLBACK, {"ticket": cas_server.issue(delegate.email)}, follow=True)
    assert messages_of(response)[-1] == "Too many failed sign-ins. Please try again later."
    assert len(cas_server.validations) == checked
    assert SESSION_KEY not in client.session


def test_the_policy_lets_the_logout_form_go_on_to_eu_login_only_when_enabled():
    code = (
        "from worldcities.settings import base; "
        "print(' '.join(base.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']))"
    )

    def form_action(**env) -> str:
        result = subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "EU_LOGIN_ENABLED": "false", **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    assert form_action() == "'self'"
    enabled = {"EU_LOGIN_ENABLED": "true", "EU_LOGIN_SERVER_URL": "https://cas.example.eu/cas/"}
    assert form_action(**enabled) == "'self' https://cas.example.eu"


def test_the_privacy_notice_says_what_eu_login_tells_only_when_enabled(
    client, settings, cas_server
):
    assert "EU Login account" in client.get("/privacy/").content.decode()
    settings.EU_LOGIN_ENABLED = False
    assert "EU Login account" not in client.get("/privacy/").content.decode()
