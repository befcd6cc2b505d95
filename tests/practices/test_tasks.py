import pytest
from django.core import mail
from django.utils import timezone

from practices.models import Practice
from practices.services import moderation_digest_send
from practices.tasks import send_moderation_digests
from worldcities.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


def test_coordinators_hear_once_a_day_what_waits_for_review(
    make_practice, coordinator, other_coordinator
):
    make_practice(status=Practice.Status.SUBMITTED, submitted_at=timezone.now())
    make_practice(status=Practice.Status.SUBMITTED, submitted_at=timezone.now())
    assert send_moderation_digests.apply().get(disable_sync_subtasks=False) == 1
    assert moderation_digest_send() == 1  # the same day: nothing new is sent
    notification = Notification.objects.get(kind=Kind.PRACTICE_REVIEW)
    assert notification.recipient == coordinator
    assert notification.title == "2 practices wait for your review"
    assert not Notification.objects.filter(recipient=other_coordinator).exists()


def test_no_digest_when_nothing_waits(practice, coordinator):
    assert moderation_digest_send() == 0
    assert mail.outbox == []
