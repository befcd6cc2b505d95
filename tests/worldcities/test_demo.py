"""The demo `make run` serves is live: after `seed_demo` a demonstration edition, named as such,
runs today, with an upcoming meeting open for registration that the demo delegates can
register for, a launch they can evaluate, and actions due soon. Loaded again on a later day, it
moves along and stays live."""

import datetime

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from meetings.models import Meeting, Registration
from tests.conftest import rows_for_the_module
from twinning.models import Action, Edition, Pairing
from worldcities import demo
from worldcities.users.models import ApiToken, User

pytestmark = pytest.mark.django_db

BUSAN = "delegate.busan@demo.worldcities.test"
BARCELONA = "delegate.barcelona@demo.worldcities.test"


@pytest.fixture(scope="module")
def demo_edition(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, seeded once for the module: a test's own changes are rolled back after it,
    so each test starts from the demo as `seed_demo` left it."""
    with (
        rows_for_the_module(django_db_blocker),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media")),
    ):
        call_command("seed_demo", stdout=None)
        yield Edition.objects.get(slug=demo.SLUG).pk


@pytest.fixture
def seeded(demo_edition, db):
    return Edition.objects.get(pk=demo_edition)


def open_for_registration(edition):
    now = timezone.now()
    return (
        Meeting.objects.filter(
            edition=edition,
            starts_at__gt=now,
            registration_opens_at__lte=now,
            registration_closes_at__gt=now,
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("starts_at")
    )


def test_the_demo_edition_is_live_today_and_says_it_is_a_demonstration(seeded, client):
    today = timezone.localdate()
    assert seeded.start_date < today < seeded.end_date
    assert seeded.status == Edition.Status.RUNNING
    assert "Demonstration" in seeded.name and "not one of" in seeded.description
    assert seeded.coordinators.filter(email="coordinator@demo.worldcities.test").exists()
    assert seeded.milestones.get(kind="selection").title == "Call for cities and their selection"
    # The real editions stay as they were: closed, in the past.
    assert not Edition.objects.exclude(slug=demo.SLUG).filter(status="running").exists()

    pairings = Pairing.objects.filter(edition=seeded)
    assert {p.status for p in pairings} == {"selected", "active"}
    busan = pairings.get(partner_lead__name="Busan")
    assert busan.topics.exists()  # the topics the same cities chose in 2017
    for change in busan.status_changes.all():
        assert change.changed_at.date() < today

    due = Action.objects.filter(pairing__edition=seeded).values_list("due_date", flat=True)
    assert due and all(today < day <= today + datetime.timedelta(days=30) for day in due)

    text = client.get(seeded.get_absolute_url()).content.decode()
    assert "Demonstration edition (not a programme edition)" in text


def test_an_upcoming_meeting_is_open_and_the_demo_delegates_register(seeded, client):
    meetings = open_for_registration(seeded)
    assert meetings.count() >= 2
    working = meetings.get(kind=Meeting.Kind.WORKING)
    assert dict(working.quotas.values_list("city__name", "places")) == {
        "Barcelona": 2,
        "Busan": 3,
    }
    assert working.agenda_items.filter(kind="site_visit", capacity=4).exists()

    for email in (BUSAN, BARCELONA):
        client.force_login(User.objects.get(email=email))
        page = client.get(working.get_absolute_url()).content.decode()
        assert "Register</button>" in page
        response = client.post(f"/meetings/{working.pk}/register/", follow=True)
        assert response.status_code == 200
        registration = Registration.objects.get(meeting=working, person__email=email)
        assert registration.status == Registration.Status.CONFIRMED

    # The follow-up needs the coordinators' confirmation: a registration waits for it.
    follow_up = Meeting.objects.get(edition=seeded, kind=Meeting.Kind.FOLLOW_UP)
    client.force_login(User.objects.get(email=BUSAN))
    client.post(f"/meetings/{follow_up.pk}/register/")
    assert Registration.objects.get(meeting=follow_up).status == Registration.Status.REGISTERED


def test_the_demo_delegates_can_evaluate_the_launch(seeded, client):
    launch = Meeting.objects.get(edition=seeded, kind=Meeting.Kind.LAUNCH)
    assert launch.ends_at < timezone.now() and launch.is_public
    client.force_login(User.objects.get(email=BUSAN))
    assert "Evaluate the meeting" in client.get(launch.get_absolute_url()).content.decode()


def test_the_demo_delegates_hold_an_api_token_for_staff_to_revoke(seeded, client):
    tokens = ApiToken.objects.usable().filter(user__email__in=[BUSAN, BARCELONA])
    assert sorted(token.user.email for token in tokens) == sorted([BARCELONA, BUSAN])
    client.force_login(User.objects.get(email="staff@demo.worldcities.test"))
    listing = client.get("/admin/users/apitoken/").content.decode()
    assert "City dashboard" in listing and "Min-jun Park" in listing


def test_loading_again_the_same_day_changes_nothing(seeded):
    def state():
        return (
            list(Meeting.objects.filter(edition=seeded).values_list("starts_at", flat=True)),
            list(Action.objects.order_by("pk").values_list("due_date", flat=True)),
            Pairing.objects.count(),
            Registration.objects.count(),
            ApiToken.objects.count(),
        )

    before = state()
    call_command("seed_demo", stdout=None)
    assert state() == before


def test_the_demo_edition_has_an_open_call_with_applications_in_each_state(seeded, client):
    call = seeded.calls.get()
    now = timezone.now()
    assert call.opens_at < now < call.closes_at
    states = set(call.applications.values_list("status", flat=True))
    assert states == {"draft", "submitted", "withdrawn"}
    assert "Call for cities (demonstration)" in client.get(call.get_absolute_url()).content.decode()
    barcelona = User.objects.get(email=BARCELONA)
    client.force_login(barcelona)
    draft = call.applications.get(city__name="Barcelona")
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Submit the application" in page


def test_the_demo_has_a_directory_and_opportunities_to_try(seeded, client):
    from cities.models import Opportunity
    from worldcities.notifications.models import Kind, Notification

    business = User.objects.get(email="business.barcelona@demo.worldcities.test")
    research = User.objects.get(email="research.busan@demo.worldcities.test")
    busan = User.objects.get(email=BUSAN)
    client.force_login(busan)
    people = client.get("/people/").content.decode()
    assert "Jordi Serra" in people and business.email in people  # he shows his address
    assert research.email not in people and busan.email not in people
    listing = client.get("/opportunities/").content.decode()
    assert "A pilot site for on-demand shuttle buses" in listing
    assert "Taken up" in listing
    assert "Seed investment" not in listing  # expired: shown only when asked
    expired = Opportunity.objects.get(title__startswith="Seed investment")
    assert "can no longer be answered" in client.get(expired.get_absolute_url()).content.decode()
    # The research institute's need for a pilot site was told to the governments interested.
    told = Notification.objects.filter(kind=Kind.OPPORTUNITY_MATCH)
    assert set(told.values_list("recipient__email", flat=True)) >= {BUSAN, BARCELONA}

    call_command("seed_demo", stdout=None)  # again: nothing doubles
    assert Opportunity.objects.filter(title__endswith="(demonstration)").count() == 3


def test_korean_readers_find_the_demo_meetings_under_their_korean_titles(seeded, client):
    page = client.get("/meetings/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "데모: 부산 실무 회의" in page
    assert "데모: 수소 모빌리티 온라인 세션" in page
    assert "Demo: working meeting in Busan" in client.get("/meetings/").content.decode()
    online = Meeting.objects.get(edition=seeded, kind=Meeting.Kind.ONLINE)
    assert online.translations.get().machine


def test_the_demo_call_is_under_review(seeded, client):
    call = seeded.calls.get()
    coordinator = User.objects.get(email="coordinator@demo.worldcities.test")
    client.force_login(coordinator)
    page = client.get("/review/").content.decode()
    assert "Busan" in page and "Declare a conflict of interest or not" in page
    client.force_login(User.objects.get(email="staff@demo.worldcities.test"))
    board = client.get(f"/review/calls/{seeded.slug}/{call.slug}/").content.decode()
    assert "Busan" in board
    assert "1 / 2" in board  # one review of two submitted: a weighted mean to read


def test_the_demo_edition_offers_matchmaking_suggestions(seeded, client):
    from twinning.selectors import edition_matchmaking

    assert seeded.cities.count() >= 8
    result = edition_matchmaking(seeded)
    assert {c.name for c in result.paired} >= {"Barcelona", "Busan", "Tampere", "Gwangju"}
    pairs = {(m.a.name, m.b.name) for m in result.suggestions}
    assert ("Eindhoven", "Seoul") in pairs and ("Bilbao", "Suwon") in pairs
    assert all(m.reasons for m in result.suggestions)
    # Loading again adds nobody twice.
    call_command("seed_demo", stdout=None)
    assert seeded.cities.count() == len(demo.PARTICIPANTS)


def test_the_demo_pairings_have_discussions_and_documents_to_try(seeded, client):
    from django.urls import reverse

    from twinning.models import Document, Thread

    busan = Pairing.objects.get(edition=seeded, partner_lead__name="Busan")
    thread = Thread.objects.get(pairing=busan)
    assert thread.message_count == 2
    document = Document.objects.get(pairing=busan)
    assert document.versions.count() == 2 and document.latest_version.number == 2
    assert Thread.objects.filter(pairing__edition=seeded).exclude(pairing=busan).exists()
    client.force_login(User.objects.get(email=BARCELONA))
    page = client.get(reverse("twinning:workspace", args=[busan.slug])).content.decode()
    assert thread.title in page
