import base64
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from tests.cities.factories import CityFactory
from tests.users.factories import DelegateFactory
from worldcities.notifications import services
from worldcities.notifications.models import Delivery, EmailMessage, Kind, Notification
from worldcities.notifications.tasks import send_email


def tell(recipient, target, occasion="", **kwargs):
    return services.notify(
        recipient=recipient,
        kind=kwargs.pop("kind", Kind.PRACTICE_QUESTION),
        target=target,
        title=kwargs.pop("title", f"A question on {target}"),
        body="Could you tell us more?",
        url="/cities/",
        occasion=occasion,
        **kwargs,
    )


@pytest.mark.django_db
def test_an_immediate_notification_is_one_row_and_one_email(
    delegate, django_capture_on_commit_callbacks
):
    target = CityFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        first = tell(delegate, target)
        again = tell(delegate, target)
    assert first.pk == again.pk
    assert Notification.objects.count() == 1
    assert EmailMessage.objects.count() == 1
    # One e-mail enqueued, after commit (the unread counts are also forgotten then).
    assert len([c for c in callbacks if "email_queue" in c.__qualname__]) == 1
    message = EmailMessage.objects.get()
    assert message.to == delegate.email
    assert "Could you tell us more?" in message.text
    assert "/notifications/settings/" in message.text
    assert "/notifications/settings/" in message.html


@pytest.mark.django_db
def test_another_occasion_is_another_notification(delegate):
    target = CityFactory()
    tell(delegate, target, occasion="14d")
    tell(delegate, target, occasion="2d")
    assert Notification.objects.count() == 2
    assert EmailMessage.objects.count() == 2


@pytest.mark.django_db
def test_sending_twice_sends_once(delegate):
    notification = tell(delegate, CityFactory())
    assert send_email(notification.email_id) is True
    assert send_email(notification.email_id) is False
    assert len(mail.outbox) == 1
    message = EmailMessage.objects.get()
    assert message.status == EmailMessage.Status.SENT
    assert message.attempts == 1
    assert mail.outbox[0].alternatives[0][1] == "text/html"


@pytest.mark.django_db
def test_attachments_travel_with_the_email(delegate):
    notification = tell(
        delegate,
        CityFactory(),
        attachments=[
            {
                "filename": "meeting.ics",
                "mimetype": "text/calendar",
                "content": base64.b64encode(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n").decode(),
            }
        ],
    )
    send_email(notification.email_id)
    assert mail.outbox[0].attachments[0][0] == "meeting.ics"


@pytest.mark.django_db
def test_a_failing_mail_server_is_retried_then_marked_failed(delegate, monkeypatch):
    notification = tell(delegate, CityFactory())

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    for final in (False, True):
        with pytest.raises(smtplib.SMTPServerDisconnected):
            services.email_send(message_id=notification.email_id)
        services.email_record_failure(
            message_id=notification.email_id,
            error=smtplib.SMTPServerDisconnected("gone"),
            final=final,
        )
        message = EmailMessage.objects.get()
        if not final:  # back in the outbox, one attempt counted
            assert (message.status, message.attempts) == (EmailMessage.Status.PENDING, 1)
    assert (message.status, message.attempts) == (EmailMessage.Status.FAILED, 2)
    assert "SMTPServerDisconnected" in message.last_error
    # Programme staff put it back in the outbox; it is sent once the server answers.
    monkeypatch.undo()
    assert services.email_retry(messages=EmailMessage.objects.all()) == 1
    assert send_email(notification.email_id) is True
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_sweep_picks_up_what_was_never_enqueued(delegate):
    notification = tell(delegate, CityFactory())
    EmailMessage.objects.update(created_at=timezone.now() - timezone.timedelta(minutes=5))
    enqueued = []
    from worldcities.notifications import tasks

    original = tasks.send_email.delay
    tasks.send_email.delay = enqueued.append
    try:
        assert services.email_sweep() == 1
    finally:
        tasks.send_email.delay = original
    assert enqueued == [notification.email_id]


@pytest.mark.django_db
def test_a_broker_that_is_down_does_not_break_the_request(delegate, monkeypatch):
    from worldcities.notifications import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.send_email, "delay", broker_down)
    notification = tell(delegate, CityFactory())
    assert services.email_enqueue(message_id=notification.email_id) is False
    assert EmailMessage.objects.get().status == EmailMessage.Status.PENDING


@pytest.mark.django_db
def test_digest_groups_notifications_per_person_and_kind_and_runs_once(delegate):
    services.preferences_set(
        user=delegate,
        choices={Kind.PRACTICE_QUESTION: Delivery.DAILY, Kind.REGISTRATION: Delivery.DAILY},
    )
    weekly = DelegateFactory(email="weekly@example.org")
    services.preferences_set(user=weekly, choices={Kind.PRACTICE_QUESTION: Delivery.WEEKLY})
    cities = CityFactory.create_batch(3)
    tell(delegate, cities[0], title="Question one")
    tell(delegate, cities[1], title="Question two")
    tell(delegate, cities[2], kind=Kind.REGISTRATION, title="You are confirmed")
    tell(weekly, cities[0], title="Weekly question")
    assert EmailMessage.objects.count() == 0

    assert services.digest_send(period=Delivery.DAILY) == 1
    assert services.digest_send(period=Delivery.DAILY) == 0
    digest = EmailMessage.objects.get()
    assert digest.to == delegate.email
    assert digest.subject == "Your daily digest: 3 notifications"
    text = digest.text
    assert text.index("A question on one of my city's practices") < text.index("Question one")
    assert "Question two" in text and "You are confirmed" in text
    assert "Weekly question" not in text

    assert services.digest_send(period=Delivery.WEEKLY) == 1
    assert EmailMessage.objects.filter(to="weekly@example.org").count() == 1


@pytest.mark.django_db
def test_no_email_when_the_person_chose_none(delegate):
    services.preferences_set(user=delegate, choices={Kind.PRACTICE_QUESTION: Delivery.OFF})
    tell(delegate, CityFactory())
    assert Notification.objects.count() == 1
    assert EmailMessage.objects.count() == 0
    assert services.digest_send(period=Delivery.DAILY) == 0


@pytest.mark.django_db
def test_notify_many_tells_each_person_once_as_they_chose(delegate):
    weekly = DelegateFactory(email="weekly.many@example.org")
    services.preferences_set(user=weekly, choices={Kind.MEETING_REMINDER: Delivery.WEEKLY})
    target = CityFactory()

    def notices(people):
        return [
            services.Notice(recipient=p, title=f"Soon, {p.full_name}", url="/x/") for p in people
        ]

    told = services.notify_many(
        kind=Kind.MEETING_REMINDER,
        target=target,
        occasion="2d",
        notices=notices([delegate, weekly]),
    )
    assert told == 2
    again = services.notify_many(
        kind=Kind.MEETING_REMINDER,
        target=target,
        occasion="2d",
        notices=notices([delegate, weekly]),
    )
    assert again == 0
    assert Notification.objects.count() == 2
    message = EmailMessage.objects.get()
    assert message.to == delegate.email
    assert Notification.objects.get(recipient=delegate).email == message
    assert Notification.objects.get(recipient=weekly).email is None  # waits for the digest
    assert send_email(message.pk) is True
    assert mail.outbox[0].subject == f"Soon, {delegate.full_name}"


@pytest.mark.django_db
def test_notify_many_costs_the_same_queries_for_few_and_many():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (3, 30):
        target = CityFactory()
        people = DelegateFactory.create_batch(size)
        with CaptureQueriesContext(connection) as queries:
            services.notify_many(
                kind=Kind.MEETING_REMINDER,
                target=target,
                notices=[services.Notice(recipient=p, title="Soon") for p in people],
            )
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_notify_each_tells_of_each_thing_on_its_own_occasion(delegate):
    weekly = DelegateFactory(email="weekly.each@example.org")
    services.preferences_set(user=weekly, choices={Kind.ACTION_DUE: Delivery.WEEKLY})
    first, second = CityFactory(), CityFactory()
    # Told of the first thing on another occasion, and of the second on this one.
    services.notify_many(
        kind=Kind.ACTION_DUE,
        target=first,
        occasion="due-soon:2018-03-04",
        notices=[services.Notice(recipient=delegate, title="Earlier")],
    )
    services.notify_many(
        kind=Kind.ACTION_DUE,
        target=second,
        occasion="overdue:2018-02-28",
        notices=[services.Notice(recipient=delegate, title="Already told")],
    )

    def occasions():
        return [
            (
                first,
                "overdue:2018-02-28",
                [
                    services.Notice(recipient=p, title=f"First, {p.email}")
                    for p in (delegate, weekly)
                ],
            ),
            (
                second,
                "overdue:2018-02-28",
                [
                    services.Notice(recipient=p, title=f"Second, {p.email}")
                    for p in (delegate, weekly)
                ],
            ),
        ]

    assert services.notify_each(kind=Kind.ACTION_DUE, occasions=occasions()) == 3
    assert services.notify_each(kind=Kind.ACTION_DUE, occasions=occasions()) == 0
    told = {
        (n.target_id, n.occasion, n.recipient.email): (n.title, n.email and n.email.subject)
        for n in Notification.objects.select_related("recipient", "email")
    }
    assert told == {
        (str(first.pk), "due-soon:2018-03-04", delegate.email): ("Earlier", "Earlier"),
        (str(second.pk), "overdue:2018-02-28", delegate.email): ("Already told", "Already told"),
        (str(first.pk), "overdue:2018-02-28", delegate.email): (
            f"First, {delegate.email}",
            f"First, {delegate.email}",
        ),
        # The weekly reader's wait for their digest: no e-mail of their own.
        (str(first.pk), "overdue:2018-02-28", weekly.email): (f"First, {weekly.email}", None),
        (str(second.pk), "overdue:2018-02-28", weekly.email): (f"Second, {weekly.email}", None),
    }
    assert EmailMessage.objects.filter(to=weekly.email).count() == 0


@pytest.mark.django_db
def test_notify_each_costs_the_same_queries_for_few_and_many_things():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (2, 20):
        people = DelegateFactory.create_batch(3)
        occasions = [
            (CityFactory(), "soon", [services.Notice(recipient=p, title="Soon") for p in people])
            for _ in range(size)
        ]
        with CaptureQueriesContext(connection) as queries:
            assert services.notify_each(kind=Kind.ACTION_DUE, occasions=occasions) == 3 * size
        counts.append(len(queries))
        assert EmailMessage.objects.filter(notifications__isnull=False).distinct().count() == (
            Notification.objects.count()
        )
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_an_occasion_given_as_a_date_tells_each_person_once(delegate):
    import datetime

    target = CityFactory()
    for _ in range(2):
        services.notify_many(
            kind=Kind.ACTION_DUE,
            target=target,
            occasion=datetime.date(2018, 3, 1),
            notices=[services.Notice(recipient=delegate, title="Due")],
        )
    assert Notification.objects.get().occasion == "2018-03-01"
    assert EmailMessage.objects.count() == 1


@pytest.mark.django_db
def test_people_are_told_in_the_background_once_the_change_commits(
    django_capture_on_commit_callbacks, django_assert_num_queries, monkeypatch
):
    from django.contrib.contenttypes.models import ContentType

    from worldcities.notifications import tasks
    from worldcities.users.models import User

    city = CityFactory()
    people = DelegateFactory.create_batch(3, city=city)
    queued = []
    monkeypatch.setattr(tasks.notify_people, "delay", lambda **payload: queued.append(payload))
    recipients = User.objects.filter(city=city)
    ContentType.objects.get_for_model(city)  # kept by its manager once read
    # One query, the recipients' ids, however many they are.
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(1):
        services.notify_people_later(
            kind=Kind.PRACTICE_QUESTION, target=city, recipients=recipients, title="Hello"
        )
    assert Notification.objects.count() == 0  # nothing written in the request
    assert len(queued) == 1
    told = tasks.notify_people.run(**queued[0])
    assert told == 3
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {
        p.pk for p in people
    }
    # A second delivery of the same task tells nobody twice.
    assert tasks.notify_people.run(**queued[0]) == 0
    assert Notification.objects.count() == 3


@pytest.mark.django_db
def test_no_one_is_told_of_a_thing_deleted_before_the_worker_ran(
    monkeypatch, django_capture_on_commit_callbacks
):
    from worldcities.notifications import tasks
    from worldcities.users.models import User

    city, target = CityFactory(), CityFactory()
    DelegateFactory(city=city)
    queued = []
    monkeypatch.setattr(tasks.notify_people, "delay", lambda **payload: queued.append(payload))
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_people_later(
            kind=Kind.PRACTICE_QUESTION,
            target=target,
            recipients=User.objects.filter(city=city),
            title="Hello",
        )
    target.delete()
    assert tasks.notify_people.run(**queued[0]) == 0


@pytest.mark.django_db
def test_links_in_the_email_body_are_links_to_the_site(delegate, settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    services.notify(
        recipient=delegate,
        kind=Kind.REGISTRATION,
        target=CityFactory(),
        title="Your place is confirmed",
        body="Agenda: http://127.0.0.1:8123/meetings/7/#agenda-heading",
        url="/meetings/7/",
    )
    message = EmailMessage.objects.get()
    assert '<a href="http://127.0.0.1:8123/meetings/7/#agenda-heading"' in message.html
    assert 'href="http://127.0.0.1:8123/meetings/7/"' in message.html
    assert "Agenda: http://127.0.0.1:8123/meetings/7/#agenda-heading" in message.text


class KilledAfterDelivery(BaseException):
    """Stands for a worker killed after the mail server accepted the message (after its DATA
    reply), before the row was marked sent: like a kill, no handler of errors catches it, so
    nothing after the send runs."""


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_never_sends_twice_and_loses_nothing(delegate, monkeypatch):
    notification = tell(delegate, CityFactory())
    delivered = []

    def deliver_then_die(self, *args, **kwargs):
        delivered.append(self.extra_headers["Message-ID"])
        raise KilledAfterDelivery

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", deliver_then_die)
    with pytest.raises(KilledAfterDelivery):
        services.email_send(message_id=notification.email_id)
    monkeypatch.undo()
    assert EmailMessage.objects.get().status == EmailMessage.Status.SENDING

    # A restarted worker and two sweeps: the claim is not old enough, then it is.
    assert send_email(notification.email_id) is False
    services.email_sweep()
    assert EmailMessage.objects.get().status == EmailMessage.Status.SENDING
    EmailMessage.objects.update(claimed_at=timezone.now() - services.CLAIM_TIMEOUT * 2)
    services.email_sweep()
    services.email_sweep()
    held = EmailMessage.objects.get()
    assert held.status == EmailMessage.Status.UNCERTAIN
    assert send_email(notification.email_id) is False
    assert len(delivered) == 1 and len(mail.outbox) == 0  # never sent again by itself

    # Programme staff release it: sent once more, with the same Message-ID.
    assert services.email_retry(messages=EmailMessage.objects.all()) == 1
    assert send_email(notification.email_id) is True
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == delivered[0]
    assert EmailMessage.objects.get().status == EmailMessage.Status.SENT
