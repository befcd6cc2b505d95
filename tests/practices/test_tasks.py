import time

import pytest
from django.core import mail

from practices.tasks import notify_city_of_comment
from tests.users.factories import CoordinatorFactory, DelegateFactory

from .factories import CommentFactory

pytestmark = pytest.mark.django_db


def test_task_mails_active_delegates_of_the_city_once(practice, delegate, partner_delegate):
    DelegateFactory(email="gone@example.org", city=practice.city, is_active=False)
    CoordinatorFactory(email="coordinator.elsewhere@example.org")
    comment = CommentFactory(practice=practice, author=partner_delegate, body="Budget?")
    assert notify_city_of_comment.apply(args=[comment.pk]).get() == 1
    assert notify_city_of_comment.apply(args=[comment.pk]).get() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [delegate.email]
    assert practice.title in message.subject
    assert practice.get_absolute_url() in message.body
    comment.refresh_from_db()
    assert comment.notified_at is not None


def test_task_for_a_missing_comment_does_nothing():
    assert notify_city_of_comment.apply(args=[999_999]).get() == 0
    assert mail.outbox == []


def test_the_author_is_not_mailed_about_their_own_comment(practice, delegate):
    comment = CommentFactory(practice=practice, author=delegate)
    assert notify_city_of_comment.apply(args=[comment.pk]).get() == 0
    assert mail.outbox == []


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_question_reaches_the_city_through_a_real_worker(
    celery_worker_on_redis, practice, delegate, partner_delegate
):
    from practices.services import comment_create

    comment = comment_create(practice=practice, by=partner_delegate, body="Who maintains it?")
    for _ in range(100):  # the worker thread sends it once the transaction has committed
        comment.refresh_from_db()
        if comment.notified_at:
            break
        time.sleep(0.1)
    assert comment.notified_at is not None
    assert [m.to for m in mail.outbox] == [[delegate.email]]
    assert "Who maintains it?" in mail.outbox[0].body
