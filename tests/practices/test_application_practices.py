"""A city attaches its published practices to its application to a call: the section the
practices add to the application page, and its checks."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from practices import services
from practices.models import ApplicationPractice, Practice
from tests.practices.factories import PracticeFactory
from tests.twinning.factories import ApplicationFactory, CallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(delegate, edition):
    return ApplicationFactory(call=CallFactory(edition=edition), city=delegate.city)


def attach_url(application):
    return reverse("practices:application_practices", kwargs={"application": application.pk})


def test_a_delegate_attaches_the_citys_published_practices(client_for, delegate, application):
    ours = PracticeFactory(title="Hydrogen buses", city=delegate.city)
    PracticeFactory(title="Our draft", city=delegate.city, status=Practice.Status.DRAFT)
    client = client_for(delegate)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Hydrogen buses" in page
    assert "Our draft" not in page
    response = client.post(attach_url(application), {"practices": [ours.pk]}, follow=True)
    assert "The practices attached to the application were saved." in response.content.decode()
    assert list(ApplicationPractice.objects.values_list("practice__title", flat=True)) == [
        "Hydrogen buses"
    ]
    client.post(attach_url(application), {})
    assert not ApplicationPractice.objects.exists()


def test_another_citys_practice_is_refused(delegate, application, partner_city):
    theirs = PracticeFactory(title="Not ours", city=partner_city)
    with pytest.raises(ValidationError, match="Only published practices of Tampere"):
        services.application_practices_set(application=application, practices=[theirs], by=delegate)
    assert not ApplicationPractice.objects.exists()


def test_nobody_else_attaches_and_a_closed_call_keeps_them(
    client_for, delegate, partner_delegate, programme_staff, application
):
    ours = PracticeFactory(city=delegate.city)
    assert (
        client_for(partner_delegate)
        .post(attach_url(application), {"practices": [ours.pk]})
        .status_code
        == 404
    )
    client = client_for(programme_staff)
    assert client.post(attach_url(application), {"practices": [ours.pk]}).status_code == 403
    assert not ApplicationPractice.objects.exists()
    application.call.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    application.call.save()
    with pytest.raises(ValidationError, match="The call closed"):
        services.application_practices_set(application=application, practices=[ours], by=delegate)
