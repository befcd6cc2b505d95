import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from tests.users.factories import DEFAULT_PASSWORD, DelegateFactory
from worldcities.notifications.tasks import send_email
from worldcities.users.models import Role, User
from worldcities.users.services import account_invitation_send, user_create

LOGIN = "/accounts/login/"


@pytest.mark.django_db
def test_login_with_email_and_password_then_logout(client, delegate):
    response = client.post(LOGIN, {"login": delegate.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("users:profile")
    profile = client.get(reverse("users:profile")).content.decode()
    assert "City delegate" in profile
    assert delegate.city.name in profile
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_wrong_password_gives_a_message_that_does_not_tell_whether_the_account_exists(
    client, delegate
):
    wrong_password = client.post(LOGIN, {"login": delegate.email, "password": "not-it"})
    unknown_email = client.post(LOGIN, {"login": "nobody@example.org", "password": "not-it"})
    assert wrong_password.status_code == unknown_email.status_code == 200
    first = wrong_password.context["form"].non_field_errors()
    second = unknown_email.context["form"].non_field_errors()
    assert first == second
    assert "not correct" in first[0]
    # What the user typed is kept.
    assert f'value="{delegate.email}"' in wrong_password.content.decode()


@pytest.mark.django_db
def test_too_many_failed_logins_are_refused_with_a_clear_message(client, delegate):
    for _ in range(5):
        client.post(LOGIN, {"login": delegate.email, "password": "not-it"})
    response = client.post(LOGIN, {"login": delegate.email, "password": DEFAULT_PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.django_db
def test_signup_is_closed(client):
    response = client.get("/accounts/signup/")
    assert "Sign Up Closed" in response.content.decode()
    client.post(
        "/accounts/signup/",
        {"email": "new@example.org", "password1": "x-Long-pass-1", "password2": "x-Long-pass-1"},
    )
    assert not User.objects.filter(email="new@example.org").exists()


@pytest.mark.django_db
def test_password_reset_by_email(client, delegate):
    response = client.post("/accounts/password/reset/", {"email": delegate.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.startswith("Hello from World Cities Exchange,")
    html = mail.outbox[0].alternatives[0][0]
    assert "Choose a new password" in html
    link = re.search(r"http\S+/accounts/password/reset/key/\S+", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0],
        {"password1": "a-brand-new-password-7", "password2": "a-brand-new-password-7"},
    )
    assert response.status_code == 302
    delegate.refresh_from_db()
    assert delegate.check_password("a-brand-new-password-7")


@pytest.mark.django_db(transaction=True)
def test_a_new_account_receives_an_email_to_set_its_password(
    django_capture_on_commit_callbacks, eu_city
):
    from worldcities.celery import app

    app.conf.task_always_eager = True
    try:
        user = user_create(
            email="new.delegate@example.org",
            full_name="New Delegate",
            role=Role.DELEGATE,
            city=eu_city,
        )
    finally:
        app.conf.task_always_eager = False
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.delegate@example.org"]
    assert "/accounts/password/reset/key/" in message.body
    assert message.alternatives and "Choose your password" in message.alternatives[0][0]


@pytest.mark.django_db
def test_the_invitation_goes_through_the_outbox_once(eu_city):
    from worldcities.notifications.models import EmailMessage

    user = user_create(email="twice@example.org", role=Role.DELEGATE, city=eu_city)
    account_invitation_send(user=user)  # asked again: the same e-mail, not a second one
    message = EmailMessage.objects.get(to="twice@example.org")
    assert send_email(message.pk) is True
    assert send_email(message.pk) is False
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_delegate_must_belong_to_a_city():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        user_create(email="cityless@example.org", role=Role.DELEGATE)
    assert "must belong to a city" in str(error.value)
    assert not User.objects.filter(email="cityless@example.org").exists()


@pytest.mark.django_db
def test_profile_needs_login_and_saves_preferences(client, delegate):
    assert client.get(reverse("users:profile")).status_code == 302
    client.force_login(delegate)
    response = client.post(
        reverse("users:profile"),
        {"full_name": "Renamed", "language": "fr", "time_zone": "Mars/Base"},
    )
    assert response.status_code == 200
    assert "is not a known time zone" in response.content.decode()
    delegate.refresh_from_db()
    assert delegate.full_name != "Renamed"
    response = client.post(
        reverse("users:profile"),
        {"full_name": "Renamed", "language": "fr", "time_zone": "Asia/Seoul"},
        follow=True,
    )
    delegate.refresh_from_db()
    assert (delegate.full_name, delegate.time_zone) == ("Renamed", "Asia/Seoul")


@pytest.mark.django_db
def test_time_zone_defaults_to_the_city_s(eu_city):
    user = DelegateFactory(city=eu_city, time_zone="")
    assert user.effective_time_zone == "Europe/Helsinki"
    user.time_zone = "Asia/Seoul"
    assert user.effective_time_zone == "Asia/Seoul"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/accounts/email/", "/accounts/password/change/", "/accounts/password/reset/"]
)
def test_account_pages_render_in_the_site_layout(client, delegate, url):
    client.force_login(delegate)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="site-header"' in body
    assert 'aria-label="Main"' in body


@pytest.mark.django_db
def test_the_admin_login_is_the_site_s_login_with_its_limit(client, programme_staff):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")
    # Its form cannot be posted past the site's login either.
    client.post("/admin/login/", {"username": programme_staff.email, "password": DEFAULT_PASSWORD})
    assert "_auth_user_id" not in client.session

    for _ in range(12):
        client.post(LOGIN, {"login": programme_staff.email, "password": "not-it"})
    response = client.post(
        f"{LOGIN}?next=/admin/", {"login": programme_staff.email, "password": DEFAULT_PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.django_db
def test_staff_reach_the_admin_once_logged_in_and_others_are_refused(client, programme_staff):
    response = client.post(
        f"{LOGIN}?next=/admin/", {"login": programme_staff.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    client.force_login(DelegateFactory())
    assert client.get("/admin/login/?next=/admin/").status_code == 403


@pytest.mark.django_db
@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_each_client_has_its_own_limit(client):
    def attempt(address, n):
        return client.post(
            LOGIN,
            {"login": f"someone{n}@example.org", "password": "not-it"},
            headers={"X-Forwarded-For": address},
            REMOTE_ADDR="10.0.0.1",  # the proxy
        ).content.decode()

    for n in range(10):
        attempt("203.0.113.7", n)
    assert "Too many failed login attempts" in attempt("203.0.113.7", 10)
    assert "Too many failed login attempts" not in attempt("198.51.100.9", 11)
