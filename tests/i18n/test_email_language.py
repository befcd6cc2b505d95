"""HTML e-mails say on their ``<html>`` element which language they are written in (the
recipient's) and its direction, so that mail programs and screen readers read them right."""

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from meetings.models import Registration
from meetings.notices import registration_notices
from tests.meetings.factories import MeetingFactory, RegistrationFactory
from tests.users.factories import DelegateFactory
from worldcities.notifications.models import EmailMessage
from worldcities.users.services import account_invitation_send

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["ko", "vi", "de"])
def test_the_invitation_names_the_recipients_language(language):
    person = DelegateFactory(language=language)
    with translation.override("fr"):
        message = account_invitation_send(user=person)
    assert f'<html lang="{language}" dir="ltr">' in message.html


@pytest.mark.parametrize("language", ["ko", "id"])
def test_a_notification_e_mail_names_the_recipients_language(language):
    person = DelegateFactory(language=language)
    with translation.override("fr"):
        registration_notices(
            [
                RegistrationFactory(
                    meeting=MeetingFactory(), person=person, status=Registration.Status.CONFIRMED
                )
            ]
        )
    message = EmailMessage.objects.get(recipient=person)
    assert f'<html lang="{language}" dir="ltr">' in message.html


def test_a_language_written_right_to_left_gets_its_direction():
    with translation.override("ar"):
        html = render_to_string("notifications/email/base.html", {"subject": "s"})
    assert '<html lang="ar" dir="rtl">' in html


def test_the_password_reset_e_mail_names_its_language(client):
    DelegateFactory(email="reset@example.org")
    client.post(
        reverse("account_reset_password"),
        {"email": "reset@example.org"},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    html = next(body for body, kind in mail.outbox[-1].alternatives if kind == "text/html")
    assert '<html lang="de" dir="ltr">' in html
