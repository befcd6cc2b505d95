"""The coordinator's side of reminders: offsets in the meeting form, and reminding chosen
people of invitations they have not answered, from the registrations page."""

import re

import pytest
from django.core import mail

from meetings.models import Meeting, Registration
from tests.meetings.factories import RegistrationFactory
from tests.users.factories import DelegateFactory
from worldcities.notifications.models import Notification

pytestmark = pytest.mark.django_db

TOKEN = "0123456789abcdef0123456789abcdef"


def meeting_data(meeting, **changes):
    local = meeting.local_starts_at
    data = {
        "kind": meeting.kind,
        "title": meeting.title,
        "host_city": meeting.host_city_id,
        "starts_at": f"{local:%Y-%m-%dT%H:%M}",
        "ends_at": f"{meeting.local_ends_at:%Y-%m-%dT%H:%M}",
        "status": meeting.status,
        "reminder_days": "14, 2",
    }
    return {**data, **changes}


def test_meeting_form_offers_the_default_reminders(client_for, coordinator, edition):
    body = client_for(coordinator).get("/meetings/new/").content.decode()
    field = re.search(r'<input type="text" name="reminder_days"[^>]*>', body).group(0)
    assert 'value="14, 2"' in field


def test_coordinator_sets_the_reminders_of_a_meeting(client_for, coordinator, meeting):
    response = client_for(coordinator).post(
        f"/meetings/{meeting.pk}/edit/", meeting_data(meeting, reminder_days="3, 21,7")
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.reminder_days == [21, 7, 3]

    client_for(coordinator).post(
        f"/meetings/{meeting.pk}/edit/", meeting_data(meeting, reminder_days="")
    )
    meeting.refresh_from_db()
    assert meeting.reminder_days == []


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("two weeks", "“two weeks” is not a number of days between 1 and 90."),
        ("14, 0", "“0” is not a number of days between 1 and 90."),
        ("400", "“400” is not a number of days between 1 and 90."),
        ("1, 2, 3, 4, 5, 6", "Give at most five reminders."),
    ],
)
def test_bad_reminder_days_are_refused_at_the_field(client_for, coordinator, meeting, typed, error):
    response = client_for(coordinator).post(
        f"/meetings/{meeting.pk}/edit/", meeting_data(meeting, reminder_days=typed, title="New")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reminder_days"][0].startswith(error)
    assert 'id="id_reminder_days_errors"' in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.title, meeting.reminder_days) != ("New", typed)
    assert meeting.reminder_days == [14, 2]


@pytest.fixture
def invited(meeting, eu_city):
    """Three people invited, one who registered since."""
    people = [
        DelegateFactory(email=f"{name}@example.org", full_name=name.title(), city=eu_city)
        for name in ("ana", "bo", "cy")
    ]
    registrations = [
        RegistrationFactory(meeting=meeting, person=p, status=Registration.Status.INVITED)
        for p in people
    ]
    RegistrationFactory(meeting=meeting, person=DelegateFactory(full_name="Dee", city=eu_city))
    return registrations


def test_reminder_form_lists_the_unanswered_all_chosen(client_for, coordinator, meeting, invited):
    response = client_for(coordinator).get(f"/meetings/{meeting.pk}/registrations/")
    body = response.content.decode()
    form = response.context["reminder_form"]
    assert sorted(form["recipients"].value()) == sorted(r.pk for r in invited)
    boxes = re.findall(r'<input type="checkbox" name="recipients" value="(\d+)"[^>]*checked', body)
    assert sorted(map(int, boxes)) == sorted(r.pk for r in invited)
    assert "Dee (" not in body.split('id="remind-heading"')[1]
    assert form["subject"].value() == f"Reminder: you are invited to {meeting.title}"


def test_coordinator_reminds_chosen_people_with_own_subject_and_message(
    client_for, coordinator, meeting, invited, run_tasks, django_capture_on_commit_callbacks
):
    ana, _, cy = invited
    data = {
        "recipients": [ana.pk, cy.pk],
        "subject": "Please answer by Friday",
        "message": "We need your answer to book the rooms.",
        "token": TOKEN,
    }
    client = client_for(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/meetings/{meeting.pk}/registrations/", data, follow=True)
    assert "A reminder is on its way to 2 people." in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "cy@example.org"]
    message = mail.outbox[0]
    assert message.subject == "Please answer by Friday"
    assert message.body.index("We need your answer") < message.body.index("When:")
    assert "(Asia/Seoul)" in message.body and "(Europe/Helsinki)" in message.body

    # The same form sent again (a double click, the back button) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/meetings/{meeting.pk}/registrations/", data, follow=True)
    assert "These reminders were already sent." in response.content.decode()
    assert len(mail.outbox) == 2
    assert (
        Notification.objects.filter(kind="invitation", occasion__startswith="reminder:").count()
        == 2
    )


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"recipients": []}, "recipients", "Choose at least one person."),
        ({"subject": ""}, "subject", "This field is required."),
        ({"recipients": ["999999"]}, "recipients", "Select a valid choice."),
        ({"token": "x"}, "token", "Enter a valid value."),
    ],
)
def test_bad_reminder_input_shows_the_form_again(
    client_for, coordinator, meeting, invited, changes, field, error
):
    data = {"recipients": [invited[0].pk], "subject": "Hello", "message": "", "token": TOKEN}
    response = client_for(coordinator).post(
        f"/meetings/{meeting.pk}/registrations/", {**data, **changes}
    )
    assert response.status_code == 400
    assert error in response.context["reminder_form"].errors[field][0]
    assert not Notification.objects.filter(occasion__startswith="reminder:").exists()
    assert "Hello" in response.content.decode() or field == "subject"


def test_someone_who_answered_meanwhile_is_not_reminded(
    client_for, coordinator, meeting, invited, run_tasks, django_capture_on_commit_callbacks
):
    ana = invited[0]
    data = {"recipients": [ana.pk], "subject": "Hello", "token": TOKEN}
    client = client_for(coordinator)
    form_page = client.get(f"/meetings/{meeting.pk}/registrations/")
    assert form_page.status_code == 200
    Registration.objects.filter(pk=ana.pk).update(status=Registration.Status.DECLINED)
    response = client.post(f"/meetings/{meeting.pk}/registrations/", data)
    assert response.status_code == 400
    assert "Select a valid choice." in response.context["reminder_form"].errors["recipients"][0]
    assert mail.outbox == []


def test_registrations_page_with_invitations_has_flat_queries(
    client_for, assert_flat_queries, coordinator, meeting, eu_city
):
    def make(n):
        for _ in range(n):
            RegistrationFactory(
                meeting=meeting,
                person=DelegateFactory(city=eu_city),
                status=Registration.Status.INVITED,
            )

    client = client_for(coordinator)
    assert_flat_queries(make, lambda: client.get(f"/meetings/{meeting.pk}/registrations/"))


def test_coordinators_see_the_reminders_on_the_meeting_page(
    client_for, coordinator, delegate, meeting
):
    assert Meeting.objects.get(pk=meeting.pk).reminder_days == [14, 2]
    text = "Reminders go to everyone holding a place 14, 2 days before the start."
    assert text in client_for(coordinator).get(f"/meetings/{meeting.pk}/").content.decode()
    assert text not in client_for(delegate).get(f"/meetings/{meeting.pk}/").content.decode()


def test_reminder_with_the_default_subject(
    client_for, coordinator, meeting, invited, run_tasks, django_capture_on_commit_callbacks
):
    page = client_for(coordinator).get(f"/meetings/{meeting.pk}/registrations/")
    form = page.context["reminder_form"]
    data = {
        "recipients": [invited[1].pk],
        "subject": form["subject"].value(),
        "token": form["token"].value(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(f"/meetings/{meeting.pk}/registrations/", data)
    assert response.status_code == 302
    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        ("bo@example.org", f"Reminder: you are invited to {meeting.title}")
    ]
