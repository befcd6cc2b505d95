import pytest
from django.core import mail

from worldcities.users.models import Role, User


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/", "/admin/users/user/", "/admin/users/user/add/"])
def test_admin_is_reachable_for_programme_staff(client, programme_staff, url):
    client.force_login(programme_staff)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["delegate", "coordinator", None])
def test_admin_is_refused_to_everyone_else(client, request, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get("/admin/users/user/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db(transaction=True)
def test_staff_create_an_account_in_the_admin_and_its_owner_is_emailed(
    client, programme_staff, eu_city
):
    from worldcities.celery import app

    client.force_login(programme_staff)
    app.conf.task_always_eager = True
    try:
        response = client.post(
            "/admin/users/user/add/",
            {
                "email": "Invited@Example.org",
                "full_name": "Invited Delegate",
                "role": Role.DELEGATE,
                "city": eu_city.pk,
                "language": "en",
                "time_zone": "",
            },
        )
    finally:
        app.conf.task_always_eager = False
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email__iexact="invited@example.org")
    assert user.city == eu_city
    assert not user.has_usable_password()
    assert [m.to for m in mail.outbox] == [[user.email]]


@pytest.mark.django_db
def test_admin_refuses_a_delegate_without_a_city_and_keeps_the_input(client, programme_staff):
    client.force_login(programme_staff)
    response = client.post(
        "/admin/users/user/add/",
        {
            "email": "x@example.org",
            "full_name": "Kept Name",
            "role": Role.DELEGATE,
            "language": "en",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "must belong to a city" in body
    assert "Kept Name" in body
    assert not User.objects.filter(email="x@example.org").exists()


@pytest.mark.django_db
def test_user_changelist_queries_stay_flat(client, programme_staff, assert_flat_queries):
    from tests.users.factories import DelegateFactory

    client.force_login(programme_staff)
    assert_flat_queries(
        lambda n: DelegateFactory.create_batch(n), lambda: client.get("/admin/users/user/")
    )
