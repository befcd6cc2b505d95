"""The meetings journey: a coordinator schedules a working meeting with an agenda and a field
visit and invites a delegation; delegates register until their city's quota is full and the
next is waitlisted; one cancels and the waitlisted one is promoted; after the meeting the
coordinator records minutes, attendance and an action; a delegate answers the evaluation and
the coordinator sees the summary."""

import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Meeting, Registration
from tests.browser.conftest import assert_accessible
from tests.cities.factories import CityFactory, PartnerCityFactory
from tests.twinning.factories import EditionFactory, PairingFactory
from tests.users.factories import CoordinatorFactory, DelegateFactory
from twinning.models import Action

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def run_tasks():
    """E-mail tasks run where they are enqueued, after the commit."""
    from worldcities.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def visit(page, url):
    page.goto(url)
    assert_accessible(page)


def submit(page, name):
    page.get_by_role("button", name=name).click()
    assert_accessible(page)


def test_working_meeting_from_scheduling_to_evaluation(page, live_server, run_tasks):
    edition = EditionFactory(name="World Cities Korea", slug="korea")
    tampere = CityFactory(name="Tampere", slug="tampere", time_zone="Europe/Helsinki")
    gwangju = PartnerCityFactory(name="Gwangju", slug="gwangju", time_zone="Asia/Seoul")
    pairing = PairingFactory(edition=edition, eu_lead=tampere, partner_lead=gwangju)
    coordinator = CoordinatorFactory(email="coord@example.org", full_name="Chris Coordinator")
    edition.coordinators.add(coordinator)
    anna, ben, carla = (
        DelegateFactory(email=f"{name.lower()}@example.org", full_name=name, city=tampere)
        for name in ("Anna", "Ben", "Carla")
    )
    # Three days within one month (the month view below shows all three), weeks ahead.
    first = datetime.date.today().replace(day=1) + datetime.timedelta(days=62)
    start = first.replace(day=10).isoformat()
    end = first.replace(day=12).isoformat()
    base = f"{live_server.url}/meetings"

    # 1. The coordinator schedules a working meeting in Gwangju.
    log_in(page, live_server, coordinator)
    visit(page, f"{base}/")
    page.get_by_role("link", name="Schedule a meeting").click()
    assert_accessible(page)
    page.get_by_label("Edition").select_option(label="World Cities Korea")
    page.get_by_label("Kind").select_option("working")
    page.get_by_label("Title").fill("Working meeting Gwangju – Tampere")
    page.get_by_label("Host city").select_option(label="Gwangju")
    page.get_by_label("Venue").fill("Gwangju City Hall")
    page.locator("#id_starts_at").fill(f"{start}T09:00")
    page.locator("#id_ends_at").fill(f"{end}T17:00")
    page.get_by_label(str(pairing)).check()
    expect(page.get_by_label("Reminders (days before the start)")).to_have_value("14, 2")
    page.get_by_label("Reminders (days before the start)").fill("ten")
    submit(page, "Save")
    expect(page.locator("#id_reminder_days_errors")).to_contain_text("“ten” is not a number")
    assert not Meeting.objects.exists()
    page.locator("#id_starts_at").fill(f"{start}T09:00")
    page.locator("#id_ends_at").fill(f"{end}T17:00")
    page.get_by_label("Reminders (days before the start)").fill("10, 1")
    submit(page, "Save")
    expect(page.locator(".message-success")).to_contain_text("The meeting is scheduled.")
    meeting = Meeting.objects.get()
    assert meeting.reminder_days == [10, 1]
    assert meeting.local_starts_at.hour == 9 and meeting.time_zone == "Asia/Seoul"
    expect(page.locator(".meeting-facts")).to_contain_text("(Asia/Seoul)")
    page.get_by_label("Status").select_option("confirmed")
    submit(page, "Change the status")
    expect(page.locator(".lead .badge")).to_have_text("Confirmed")
    local = meeting.local_starts_at
    visit(page, f"{base}/calendar/{local.year}/{local.month}/")
    expect(
        page.locator(".month-grid").get_by_role("link", name=re.compile("Gwangju – Tampere"))
    ).to_have_count(3)
    visit(page, f"{base}/{meeting.pk}/")

    # 2. The agenda: a session and a field visit with its own places.
    page.get_by_role("link", name="Add to the agenda").click()
    assert_accessible(page)
    page.get_by_label("Kind").select_option("field_visit")
    page.get_by_label("Title").fill("Visit of the Gwangju bike-sharing scheme")
    page.locator("#id_starts_at").fill(f"{start}T13:00")
    page.locator("#id_ends_at").fill(f"{start}T16:00")
    page.get_by_label("Places for the visit").fill("10")
    submit(page, "Save")
    expect(page.locator(".agenda")).to_contain_text("Visit of the Gwangju bike-sharing scheme")

    # 3. Tampere's delegation gets two places; the coordinator invites a newcomer.
    page.get_by_role("link", name="Delegation quotas").click()
    assert_accessible(page)
    expect(page.get_by_label("Tampere")).to_have_value("5")
    page.get_by_label("Tampere").fill("2")
    submit(page, "Save")
    page.get_by_role("link", name="Invite someone").click()
    assert_accessible(page)
    page.get_by_label("E-mail address").fill("dana@example.org")
    page.get_by_label("Full name").fill("Dana Newcomer")
    page.get_by_label("City", exact=True).select_option(label="Tampere")
    submit(page, "Save")
    expect(page.locator(".message-success")).to_contain_text("Dana Newcomer is invited.")
    assert {m.to[0] for m in mail.outbox} == {"dana@example.org"}

    # Dana has not answered: the coordinator reminds her with a subject and message of their own.
    mail.outbox.clear()
    visit(page, f"{base}/{meeting.pk}/registrations/")
    expect(page.get_by_label("Dana Newcomer (Tampere)")).to_be_checked()
    page.get_by_label("Subject").fill("Please answer by Friday")
    page.get_by_label("Message (optional)").fill("We are booking the hotel.")
    submit(page, "Send the reminder")
    expect(page.locator(".message-success")).to_contain_text(
        "A reminder is on its way to 1 person."
    )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["dana@example.org"], "Please answer by Friday")
    ]
    assert "We are booking the hotel." in mail.outbox[0].body

    # 4. Anna and Ben register and fill the quota; Carla is waitlisted with a clear message.
    for person in (anna, ben):
        log_in(page, live_server, person)
        visit(page, f"{base}/{meeting.pk}/")
        submit(page, "Register")
        expect(page.locator(".message-success")).to_contain_text("your place is confirmed")
    page.get_by_role(
        "button", name="Sign up for “Visit of the Gwangju bike-sharing scheme”"
    ).click()
    assert_accessible(page)
    expect(page.locator(".visit-places")).to_contain_text("1 of 10 places taken")
    log_in(page, live_server, carla)
    visit(page, f"{base}/{meeting.pk}/")
    submit(page, "Register")
    expect(page.locator(".message-warning")).to_contain_text(
        "The delegation of Tampere is full (2 places). You are number 1 on the waiting list"
    )

    page.get_by_role("link", name="My travel details").click()
    assert_accessible(page)
    page.get_by_label("Dietary needs").fill("Vegetarian")
    page.get_by_label("Needs a visa invitation letter").check()
    submit(page, "Save")
    expect(page.locator(".message-success")).to_contain_text("The travel details are saved.")
    visit(page, f"{base}/feed/")
    expect(page.locator("#feed-url")).to_have_value(re.compile(r"/meetings/feed/[\w-]{40,}\.ics$"))

    # 5. Anna cancels: Carla is promoted and told by e-mail.
    mail.outbox.clear()
    log_in(page, live_server, anna)
    visit(page, f"{base}/{meeting.pk}/")
    submit(page, "Cancel my registration")
    expect(page.locator(".message-success")).to_contain_text("The registration is cancelled.")
    assert Registration.objects.get(person=carla).status == "confirmed"
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["carla@example.org"], f"A place came free for you: {meeting}")
    ]
    log_in(page, live_server, carla)
    visit(page, f"{base}/{meeting.pk}/")
    expect(page.locator("#registration-status")).to_contain_text("Confirmed")

    log_in(page, live_server, coordinator)
    visit(page, f"{base}/{meeting.pk}/registrations/")
    carla_row = page.get_by_role("row", name=re.compile("Carla"))
    expect(carla_row).to_contain_text("Vegetarian")
    expect(carla_row).to_contain_text("Confirmed")

    # 6. The meeting takes place (it is moved into the past for the test).
    shift = meeting.starts_at - (timezone.now() - datetime.timedelta(days=10))
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=meeting.starts_at - shift, ends_at=meeting.ends_at - shift
    )
    log_in(page, live_server, coordinator)
    visit(page, f"{base}/{meeting.pk}/minutes/")
    page.get_by_label("Minutes").fill("## Decisions\n\n- **Open data** for bike sharing")
    submit(page, "Save")
    expect(page.locator(".minutes strong")).to_have_text("Open data")
    page.get_by_role("link", name="Attendance").click()
    assert_accessible(page)
    page.get_by_label("Ben (Tampere)").check()
    page.get_by_label("Carla (Tampere)").check()
    submit(page, "Save")
    expect(page.locator(".message-success")).to_contain_text("Attendance is saved: 2 attended.")
    asked = sorted(m.to[0] for m in mail.outbox if "Your evaluation" in m.subject)
    assert asked == ["ben@example.org", "carla@example.org"]
    page.get_by_role("link", name="Turn an outcome into an action").click()
    assert_accessible(page)
    page.get_by_label("Action").fill("Open bike-sharing data in both cities")
    page.get_by_label("Owner", exact=True).select_option(label="Carla")
    page.get_by_label("Due date").fill("2027-12-31")
    submit(page, "Save")
    expect(page.locator(".outcomes")).to_contain_text("Open bike-sharing data in both cities")
    action = Action.objects.get()
    assert action.pairing == pairing and action.owner_person == carla
    assert list(meeting.actions.all()) == [action]

    # 7. Carla evaluates; a second answer is refused; the coordinator sees the summary.
    log_in(page, live_server, carla)
    visit(page, f"{base}/{meeting.pk}/")
    page.get_by_role("link", name="Evaluate the meeting").click()
    assert_accessible(page)
    for legend, score in (
        ("Overall", "5"),
        ("Content", "4"),
        ("Organisation", "4"),
        ("Usefulness for your city", "3"),
    ):
        page.get_by_role("group", name=re.compile(legend)).get_by_label(score, exact=True).check()
    page.get_by_label("Comments").fill("The field visit was the best part.")
    submit(page, "Send my evaluation")
    expect(page.locator(".message-success")).to_contain_text("your evaluation is recorded")
    visit(page, f"{base}/{meeting.pk}/evaluation/")
    expect(page.locator("main")).to_contain_text("You have already evaluated this meeting.")

    log_in(page, live_server, coordinator)
    visit(page, f"{base}/{meeting.pk}/evaluation/summary/")
    expect(page.locator(".lead")).to_contain_text("1 answer from 2 who attended.")
    expect(page.locator(".rating-average").first).to_contain_text("Average: 5")
    expect(page.locator(".comments")).to_contain_text("The field visit was the best part.")
    expect(page.locator("main")).not_to_contain_text("Carla")
