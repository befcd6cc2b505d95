import pytest
from django.urls import reverse

from practices.models import Practice

from .factories import KeyFigureFactory

pytestmark = pytest.mark.django_db


def test_programme_staff_manage_practices_in_the_admin(client, programme_staff, practice):
    KeyFigureFactory(practice=practice)
    client.force_login(programme_staff)
    assert client.get(reverse("admin:practices_practice_changelist")).status_code == 200
    url = reverse("admin:practices_practice_change", args=[practice.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "CO2 saved" in page.content.decode()


def test_admin_is_closed_to_delegates_and_coordinators(client, delegate, coordinator):
    for user in (delegate, coordinator):
        client.force_login(user)
        response = client.get(reverse("admin:practices_practice_changelist"))
        assert response.status_code == 302
        assert Practice.objects.count() == 0
