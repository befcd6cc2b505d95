"""Reminders of meetings, of unanswered invitations and of evaluations: sent through the
notification outbox, each once, with the facts a person needs."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from meetings import services
from meetings.models import Registration
from meetings.tasks import (
    send_evaluation_reminders,
    send_invitation_reminders,
    send_meeting_reminders,
)
from tests.meetings.factories import (
    AgendaItemFactory,
    EvaluationFactory,
    MeetingFactory,
    RegistrationFactory,
)
from tests.users.factories import DelegateFactory
from worldcities.notifications.models import EmailMessage, Notification

pytestmark = pytest.mark.django_db


def soon(**delta) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(**delta)).replace(microsecond=0)


@pytest.fixture
def send_now(run_tasks, django_capture_on_commit_callbacks):
    """Runs a callable and sends, through the outbox, the e-mails it queued."""

    def run(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return run


@pytest.fixture
def upcoming(edition, partner_city):
    """A meeting in Gwangju (Asia/Seoul) that starts in 2 days minus an hour."""
    starts = soon(days=2, hours=-1)
    return MeetingFactory(
        edition=edition,
        host_city=partner_city,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(days=1, hours=6),
        venue="Kim Dae-jung Convention Center",
    )


# --- Meeting reminders --------------------------------------------------------------------------
def test_meeting_reminder_due_once_is_sent_once_when_the_task_runs_twice(
    upcoming, delegate, send_now
):
    RegistrationFactory(meeting=upcoming, person=delegate)
    RegistrationFactory(meeting=upcoming, status=Registration.Status.WAITLISTED)
    RegistrationFactory(meeting=upcoming, status=Registration.Status.CANCELLED)

    assert send_now(send_meeting_reminders) == 1
    assert send_now(send_meeting_reminders) == 0
    assert [m.to for m in mail.outbox] == [[delegate.email]]
    # Only the reminder closest to the start that is due goes out (2 days), not the 14 days'.
    occasions = Notification.objects.filter(kind="meeting_reminder").values_list(
        "occasion", flat=True
    )
    assert list(occasions) == ["reminder:2d"]
    assert EmailMessage.objects.filter(kind="meeting_reminder").count() == 1


def test_meeting_reminder_has_both_zones_the_agenda_and_a_calendar_file(
    upcoming, delegate, send_now
):
    AgendaItemFactory(meeting=upcoming, title="Field visit to the bike-sharing depot")
    RegistrationFactory(meeting=upcoming, person=delegate)
    send_now(send_meeting_reminders)

    message = mail.outbox[0]
    starts_seoul = upcoming.starts_at.astimezone(datetime.timezone(datetime.timedelta(hours=9)))
    assert message.subject.startswith(f"Reminder: {upcoming.title} starts")
    assert f"{starts_seoul:%H:%M}" in message.body and "(Asia/Seoul)" in message.body
    assert "In your time zone:" in message.body and "(Europe/Helsinki)" in message.body
    assert "Kim Dae-jung Convention Center" in message.body
    assert f"/meetings/{upcoming.pk}/#agenda-heading" in message.body
    html = message.alternatives[0].content
    assert "Europe/Helsinki" in html and "Asia/Seoul" in html
    assert "/notifications/settings/" in message.body

    (filename, content, mimetype) = message.attachments[0]
    assert (filename, mimetype) == (f"meeting-{upcoming.pk}.ics", "text/calendar")
    calendar = Calendar.from_ical(content)
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [
        upcoming.title,
        f"{upcoming.title}: Field visit to the bike-sharing depot",
    ]
    start = events[0].decoded("dtstart")
    assert start == upcoming.starts_at and str(start.tzinfo) == "Asia/Seoul"


def test_reminder_offsets_are_the_meetings_own(upcoming, delegate, send_now):
    upcoming.reminder_days = [1]
    upcoming.save()
    RegistrationFactory(meeting=upcoming, person=delegate)
    assert send_now(send_meeting_reminders) == 0  # 1 day before is not yet
    later = timezone.now() + datetime.timedelta(hours=25)
    assert send_now(services.meeting_reminders_send, now=later) == 1
    assert Notification.objects.get(kind="meeting_reminder").occasion == "reminder:1d"

    upcoming.reminder_days = []
    upcoming.save()
    Notification.objects.all().delete()
    assert send_now(services.meeting_reminders_send, now=later) == 0


def test_late_registrant_gets_the_current_reminder(upcoming, delegate, send_now):
    RegistrationFactory(meeting=upcoming, person=delegate)
    send_now(send_meeting_reminders)
    newcomer = RegistrationFactory(meeting=upcoming)
    assert send_now(send_meeting_reminders) == 1
    assert mail.outbox[-1].to == [newcomer.person.email]


def test_cancelled_or_past_meetings_get_no_reminder(upcoming, delegate, send_now, edition):
    RegistrationFactory(meeting=upcoming, person=delegate)
    upcoming.status = "cancelled"
    upcoming.save()
    past = MeetingFactory(edition=edition, starts_at=soon(days=-1), ends_at=soon(hours=-1))
    RegistrationFactory(meeting=past, person=delegate)
    assert send_now(send_meeting_reminders) == 0
    assert mail.outbox == []


def _sweep_queries(meeting, registrations: int) -> tuple[int, int]:
    """Queries of one sweep that tells ``registrations`` people, sending included."""
    for _ in range(registrations):
        RegistrationFactory(meeting=meeting)
    with CaptureQueriesContext(connection) as queries:
        told = services.meeting_reminders_send(batch_size=20)
    return len(queries), told


def test_reminder_sweep_queries_grow_only_with_batches(edition, partner_city):
    def meeting():
        return MeetingFactory(edition=edition, host_city=partner_city, starts_at=soon(days=1))

    warm_up = meeting()  # what every sweep reads once per process (content types) is read
    _sweep_queries(warm_up, 1)
    warm_up.delete()
    first = meeting()
    few, told_few = _sweep_queries(first, 5)
    first.delete()
    many, told_many = _sweep_queries(meeting(), 50)
    assert (told_few, told_many) == (5, 50)
    assert Notification.objects.filter(kind="meeting_reminder").count() == 56
    # 5 people fit in one batch of 20, 50 need three; every batch costs the same queries
    # (its people, who was told, preferences, and the bulk writes), never one per person.
    per_batch = (many - few) / 2
    assert per_batch == int(per_batch)
    assert few < 20


def test_reminder_sweep_of_people_already_told_is_flat(edition, partner_city, send_now):
    counts = []
    for n in (5, 50):
        meeting = MeetingFactory(edition=edition, host_city=partner_city, starts_at=soon(days=1))
        RegistrationFactory.create_batch(n, meeting=meeting)
        send_now(services.meeting_reminders_send)
        with CaptureQueriesContext(connection) as queries:
            assert services.meeting_reminders_send() == 0
        counts.append(len(queries))
        meeting.delete()
    assert counts[0] == counts[1]


# --- Invitation reminders -----------------------------------------------------------------------
def _invite(meeting, coordinator, email, days_ago):
    registration = services.registration_invite(
        meeting=meeting, by=coordinator, email=email, full_name=email.split("@")[0]
    )
    Registration.objects.filter(pk=registration.pk).update(
        invited_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return registration


def test_automatic_invitation_reminder_goes_once_after_a_week(
    meeting, coordinator, eu_city, send_now
):
    for email in ("old@example.org", "recent@example.org", "answered@example.org"):
        DelegateFactory(email=email, city=eu_city)
    _invite(meeting, coordinator, "old@example.org", days_ago=8)
    _invite(meeting, coordinator, "recent@example.org", days_ago=2)
    answered = _invite(meeting, coordinator, "answered@example.org", days_ago=9)
    services.registration_cancel(registration=answered, by=answered.person)  # declines
    mail.outbox.clear()

    assert send_now(send_invitation_reminders) == 1
    assert send_now(send_invitation_reminders) == 0
    assert [m.to for m in mail.outbox] == [["old@example.org"]]
    assert mail.outbox[0].subject == f"Reminder: you are invited to {meeting.title}"
    assert "You have not yet answered" in mail.outbox[0].body
    assert "(Asia/Seoul)" in mail.outbox[0].body


def test_no_automatic_reminder_once_registration_closed(meeting, coordinator, eu_city, send_now):
    DelegateFactory(email="old@example.org", city=eu_city)
    _invite(meeting, coordinator, "old@example.org", days_ago=8)
    meeting.registration_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    meeting.registration_opens_at = timezone.now() - datetime.timedelta(days=10)
    meeting.save()
    assert send_now(send_invitation_reminders) == 0


# --- Evaluation reminders -----------------------------------------------------------------------
def test_evaluation_reminder_goes_once_to_attendees_who_have_not_answered(
    edition, partner_city, coordinator, eu_city, send_now
):
    meeting = MeetingFactory(
        edition=edition, host_city=partner_city, starts_at=soon(days=-6), ends_at=soon(days=-5)
    )
    came, answered, absent = (
        RegistrationFactory(meeting=meeting, person=DelegateFactory(city=eu_city)) for _ in range(3)
    )
    send_now(
        services.attendance_record,
        meeting=meeting,
        attended_ids=[came.pk, answered.pk],
        by=coordinator,
    )
    assert len(mail.outbox) == 2
    assert send_now(send_evaluation_reminders) == 0  # asked just now: too early
    Notification.objects.filter(kind="evaluation").update(
        created_at=timezone.now() - datetime.timedelta(days=4)
    )
    EvaluationFactory(meeting=meeting, person=answered.person)

    assert send_now(send_evaluation_reminders) == 1
    assert send_now(send_evaluation_reminders) == 0
    reminder = mail.outbox[-1]
    assert reminder.to == [came.person.email]
    assert reminder.subject == f"Reminder, your evaluation: {meeting.title}"
    assert f"/meetings/{meeting.pk}/evaluation/" in reminder.body
    assert len(mail.outbox) == 3
    assert absent.person.email not in {m.to[0] for m in mail.outbox}
