import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from meetings import services
from meetings.models import AgendaItem, DelegationQuota, Evaluation, Meeting, Registration
from tests.cities.factories import CityFactory, PartnerCityFactory
from tests.meetings.factories import (
    AgendaItemFactory,
    MeetingFactory,
    RegistrationFactory,
    in_days,
)
from tests.twinning.factories import PairingFactory
from tests.users.factories import DelegateFactory
from twinning.models import Action, PairingMember
from worldcities.users.models import User


def delegates(city, n, start=0):
    return [
        DelegateFactory(email=f"d{start + i}.{city.slug}@example.org", city=city) for i in range(n)
    ]


# --- Scheduling ---------------------------------------------------------------------------------
def test_working_meeting_gets_five_places_per_eu_city(edition, coordinator, pairing, eu_city):
    second_eu = CityFactory(name="Graz", slug="graz")
    PairingMember.objects.create(pairing=pairing, city=second_eu, side=PairingMember.Side.EU)
    meeting = services.meeting_create(
        edition=edition,
        by=coordinator,
        pairings=[pairing],
        kind=Meeting.Kind.WORKING,
        title="Working meeting in Gwangju",
        host_city=pairing.partner_lead,
        starts_at=in_days(40),
        ends_at=in_days(44),
    )
    quotas = {q.city.name: q.places for q in meeting.quotas.select_related("city")}
    assert quotas == {"Tampere": 5, "Graz": 5}
    assert meeting.slug.startswith("working-meeting-in-gwangju")


def test_follow_up_gives_four_places_per_partner_city(edition, coordinator, pairing, eu_city):
    meeting = services.meeting_create(
        edition=edition,
        by=coordinator,
        pairings=[pairing],
        kind=Meeting.Kind.FOLLOW_UP,
        title="Follow-up in Tampere",
        host_city=eu_city,
        starts_at=in_days(40),
        ends_at=in_days(44),
    )
    assert [(q.city.name, q.places) for q in meeting.quotas.all()] == [("Gwangju", 4)]


def test_end_before_start_is_refused_and_nothing_saved(edition, coordinator, pairing):
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(
            edition=edition,
            by=coordinator,
            kind=Meeting.Kind.WORKING,
            title="Backwards",
            host_city=pairing.partner_lead,
            starts_at=in_days(10),
            ends_at=in_days(9),
        )
    assert "ends_at" in exc.value.message_dict
    assert not Meeting.objects.exists()
    assert not DelegationQuota.objects.exists()


def test_only_the_editions_coordinators_schedule(edition, other_coordinator, delegate, pairing):
    for person in (other_coordinator, delegate):
        with pytest.raises(PermissionDenied):
            services.meeting_create(
                edition=edition,
                by=person,
                kind=Meeting.Kind.OTHER,
                title="Not mine",
                host_city=pairing.partner_lead,
                starts_at=in_days(10),
                ends_at=in_days(11),
            )


def test_agenda_item_outside_the_meeting_is_refused(meeting, coordinator):
    with pytest.raises(ValidationError) as exc:
        services.agenda_item_create(
            meeting=meeting,
            by=coordinator,
            title="Too late",
            kind=AgendaItem.Kind.SESSION,
            starts_at=meeting.ends_at + datetime.timedelta(hours=1),
            ends_at=meeting.ends_at + datetime.timedelta(hours=2),
        )
    assert set(exc.value.message_dict) == {"starts_at", "ends_at"}
    assert "within the meeting" in exc.value.message_dict["starts_at"][0]
    assert not AgendaItem.objects.exists()


def test_quota_above_capacity_is_refused_and_nothing_saved(meeting, coordinator, eu_city):
    meeting.capacity = 6
    meeting.save()
    other = CityFactory(name="Bilbao", slug="bilbao")
    with pytest.raises(ValidationError) as exc:
        services.quotas_update(meeting=meeting, by=coordinator, places={other: 3, eu_city: 7})
    assert exc.value.message_dict[eu_city.pk] == [
        "7 places are more than the meeting's capacity (6)."
    ]
    assert list(meeting.quotas.values_list("city__name", "places")) == [("Tampere", 5)]


def test_capacity_below_a_quota_is_refused(meeting, coordinator):
    with pytest.raises(ValidationError) as exc:
        services.meeting_update(meeting=meeting, by=coordinator, capacity=3)
    assert "capacity" in exc.value.message_dict
    meeting.refresh_from_db()
    assert meeting.capacity is None


# --- Registration -------------------------------------------------------------------------------
def test_registration_within_quota_then_waitlist_with_message(meeting, eu_city):
    people = delegates(eu_city, 6)
    results = [services.registration_register(meeting=meeting, person=p) for p in people]
    assert [r.status for r in results] == ["confirmed"] * 5 + ["waitlisted"]
    message = services.registration_message(results[-1])
    assert message.startswith("The delegation of Tampere is full (5 places).")
    assert "number 1 on the waiting list" in message


def test_total_capacity_limits_all_cities(meeting, eu_city, partner_city):
    meeting.capacity = 3
    meeting.save()
    people = delegates(eu_city, 2) + delegates(partner_city, 2)
    statuses = [services.registration_register(meeting=meeting, person=p).status for p in people]
    assert statuses == ["confirmed", "confirmed", "confirmed", "waitlisted"]
    last = Registration.objects.get(person=people[-1])
    assert services.registration_message(last).startswith("The meeting is full (3 places).")


def test_registration_after_the_window_is_refused(meeting, delegate):
    meeting.registration_opens_at = in_days(-10)
    meeting.registration_closes_at = in_days(-1)
    meeting.save()
    with pytest.raises(ValidationError) as exc:
        services.registration_register(meeting=meeting, person=delegate)
    assert exc.value.messages[0].startswith("Registration closed on")
    assert not Registration.objects.exists()


def test_delegate_of_another_edition_cannot_register(meeting):
    outsider = DelegateFactory(city=CityFactory(name="Porto", slug="porto"))
    with pytest.raises(PermissionDenied):
        services.registration_register(meeting=meeting, person=outsider)


def test_one_registration_per_person(meeting, delegate):
    services.registration_register(meeting=meeting, person=delegate)
    with pytest.raises(ValidationError, match="already on the list"):
        services.registration_register(meeting=meeting, person=delegate)
    assert Registration.objects.count() == 1


def test_approval_required_gives_registered_until_confirmed(meeting, delegate, coordinator):
    meeting.approval_required = True
    meeting.save()
    registration = services.registration_register(meeting=meeting, person=delegate)
    assert registration.status == "registered"
    services.registration_confirm(registration=registration, by=coordinator)
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_cancellation_promotes_first_waitlisted_of_that_city_and_tells_them(
    meeting, eu_city, partner_city, run_tasks, django_capture_on_commit_callbacks
):
    meeting.capacity = 7
    meeting.save()
    services.quotas_update(
        meeting=meeting,
        by=meeting.edition.coordinators.first() or _staff(),
        places={partner_city: 2},
    )
    eu = delegates(eu_city, 7)
    partners = delegates(partner_city, 3)
    for person in eu[:5] + partners[:2] + eu[5:] + partners[2:]:
        services.registration_register(meeting=meeting, person=person)
    assert Registration.objects.filter(status="waitlisted").count() == 3
    mail.outbox.clear()
    first_eu = Registration.objects.get(person=eu[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=first_eu, by=eu[0])
    promoted = Registration.objects.get(person=eu[5])
    assert promoted.status == "confirmed"
    assert Registration.objects.get(person=eu[6]).status == "waitlisted"
    assert Registration.objects.get(person=partners[2]).status == "waitlisted"
    assert [m.to for m in mail.outbox] == [[eu[5].email]]
    assert mail.outbox[0].subject == f"A place came free for you: {meeting.title}"
    assert meeting.title in mail.outbox[0].body


def _staff():
    from tests.users.factories import ProgrammeStaffFactory

    return ProgrammeStaffFactory()


def test_invitation_creates_an_account_and_emails(
    meeting, coordinator, eu_city, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_invite(
            meeting=meeting,
            by=coordinator,
            email="New.Person@Example.org",
            full_name="New Person",
            city=eu_city,
        )
    person = User.objects.get(email__iexact="new.person@example.org")
    assert registration.status == "invited" and registration.person == person
    assert person.city == eu_city and not person.has_usable_password()
    subjects = sorted(m.subject for m in mail.outbox)
    assert any("Invitation: " + meeting.title in s for s in subjects)
    assert len(mail.outbox) == 2  # the invitation and the link to set a password
    # The invited person registers by accepting.
    with django_capture_on_commit_callbacks(execute=True):
        accepted = services.registration_register(meeting=meeting, person=person)
    assert accepted.status == "confirmed"


def test_invitation_of_someone_on_the_list_is_refused(meeting, coordinator, delegate):
    services.registration_register(meeting=meeting, person=delegate)
    with pytest.raises(ValidationError) as exc:
        services.registration_invite(meeting=meeting, by=coordinator, email=delegate.email)
    assert "email" in exc.value.message_dict


def test_cancelled_meeting_emails_everyone_once(
    meeting, coordinator, eu_city, run_tasks, django_capture_on_commit_callbacks
):
    from meetings import notices

    people = delegates(eu_city, 6)
    for person in people:
        services.registration_register(meeting=meeting, person=person)
    services.registration_cancel(
        registration=Registration.objects.get(person=people[0]), by=people[0]
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_set_status(meeting=meeting, status="cancelled", by=coordinator)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people[1:])
    assert all(m.subject == f"Cancelled: {meeting.title}" for m in mail.outbox)
    assert all("Asia/Seoul" in m.body and m.alternatives for m in mail.outbox)
    # Telling them again (a retried request, a second click) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.meeting_cancelled_notice(meeting, people[1:]) == 0
    assert len(mail.outbox) == 5


def test_registration_notice_is_sent_once(
    meeting, delegate, run_tasks, django_capture_on_commit_callbacks
):
    from worldcities.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_register(meeting=meeting, person=delegate)
    # The worker runs again (a retry, a second delivery of the task): nobody is told twice.
    assert services.registration_notices_send(registration_ids=[registration.pk]) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == f"Your place is confirmed: {meeting.title}"
    assert meeting.host_city.name in message.body and "Asia/Seoul" in message.body
    assert meeting.host_city.name in message.alternatives[0].content
    notification = Notification.objects.get(recipient=delegate)
    assert (notification.kind, notification.url) == ("registration", meeting.get_absolute_url())


def test_status_transitions_are_checked(meeting, coordinator):
    with pytest.raises(ValidationError, match="cannot become evaluated"):
        services.meeting_set_status(meeting=meeting, status="evaluated", by=coordinator)
    with pytest.raises(ValidationError, match="once it has started"):
        services.meeting_set_status(meeting=meeting, status="held", by=coordinator)


# --- Visits -------------------------------------------------------------------------------------
def test_field_visit_signup_respects_its_capacity(meeting, eu_city):
    visit = AgendaItemFactory(meeting=meeting, kind=AgendaItem.Kind.FIELD_VISIT, capacity=2)
    people = delegates(eu_city, 3)
    for person in people:
        services.registration_register(meeting=meeting, person=person)
    services.agenda_signup(item=visit, person=people[0])
    services.agenda_signup(item=visit, person=people[1])
    with pytest.raises(ValidationError, match="is full"):
        services.agenda_signup(item=visit, person=people[2])
    assert visit.signups.count() == 2


def test_visit_signup_needs_a_place(meeting, delegate):
    visit = AgendaItemFactory(meeting=meeting, kind=AgendaItem.Kind.SITE_VISIT, capacity=5)
    with pytest.raises(ValidationError, match="once you have a place"):
        services.agenda_signup(item=visit, person=delegate)


def test_only_visits_take_signups(meeting):
    item = AgendaItemFactory.build(meeting=meeting, kind=AgendaItem.Kind.SESSION, capacity=5)
    with pytest.raises(ValidationError) as exc:
        item.full_clean()
    assert "capacity" in exc.value.message_dict


# --- After the meeting --------------------------------------------------------------------------
@pytest.fixture
def held_meeting(edition, pairing, partner_city, delegate, partner_delegate):
    meeting = MeetingFactory(
        edition=edition,
        host_city=partner_city,
        pairings=[pairing],
        starts_at=in_days(-3),
        ends_at=in_days(-1),
        status=Meeting.Status.HELD,
    )
    RegistrationFactory(meeting=meeting, person=delegate, attended=True)
    RegistrationFactory(meeting=meeting, person=partner_delegate, attended=False)
    return meeting


def test_minutes_are_sanitized(held_meeting, coordinator):
    text = (
        "## Decisions\n\n- **Bike sharing** pilot\n\n"
        "<script>alert(1)</script>[x](javascript:alert(1))"
    )
    meeting = services.minutes_record(meeting=held_meeting, minutes=text, by=coordinator)
    assert "<h2>Decisions</h2>" in meeting.minutes_html
    assert "<strong>Bike sharing</strong>" in meeting.minutes_html
    assert "<script" not in meeting.minutes_html
    assert "javascript:" not in meeting.minutes_html


def test_attendance_marks_who_came_and_meeting_is_held(
    meeting, coordinator, eu_city, run_tasks, django_capture_on_commit_callbacks
):
    meeting.starts_at = in_days(-1)
    meeting.ends_at = in_days(1)
    meeting.registration_opens_at = None
    meeting.registration_closes_at = None
    meeting.save()
    a, b = (RegistrationFactory(meeting=meeting, person=p) for p in delegates(eu_city, 2))
    with django_capture_on_commit_callbacks(execute=True):
        count = services.attendance_record(meeting=meeting, attended_ids=[a.pk], by=coordinator)
    assert count == 1
    a.refresh_from_db(), b.refresh_from_db(), meeting.refresh_from_db()
    assert (a.attended, b.attended, meeting.status) == (True, False, "held")
    # Those who came are asked for their evaluation, once.
    assert [m.to for m in mail.outbox] == [[a.person.email]]
    assert mail.outbox[0].subject == f"Your evaluation: {meeting.title}"
    assert f"/meetings/{meeting.pk}/evaluation/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_record(meeting=meeting, attended_ids=[a.pk], by=coordinator)
    assert len(mail.outbox) == 1


def test_attendance_before_the_meeting_is_refused(meeting, coordinator):
    with pytest.raises(ValidationError, match="once the meeting has started"):
        services.attendance_record(meeting=meeting, attended_ids=[], by=coordinator)


def test_outcome_becomes_an_action_of_the_pairing(held_meeting, coordinator, pairing, delegate):
    outcome = services.outcome_create(
        meeting=held_meeting,
        pairing=pairing,
        title="Open data portal for bike sharing",
        owner_person=delegate,
        due_date=datetime.date(2018, 5, 31),
        by=coordinator,
    )
    action = Action.objects.get()
    assert outcome.action == action and action.pairing == pairing
    assert list(held_meeting.actions.all()) == [action]
    assert action.owner_person == delegate
    assert (action.status, action.progress) == ("planned", 0)
    # Made through the twinning app's service: its history says who added it.
    assert action.history.get().history_user == coordinator


def test_outcome_for_a_pairing_not_served_is_refused(held_meeting, coordinator, edition):
    other = PairingFactory(
        edition=edition, partner_lead=PartnerCityFactory(name="Suwon", slug="suwon")
    )
    with pytest.raises(ValidationError) as exc:
        services.outcome_create(meeting=held_meeting, pairing=other, title="x", by=coordinator)
    assert "pairing" in exc.value.message_dict
    assert not Action.objects.exists()


def test_one_evaluation_per_person(held_meeting, delegate):
    scores = {"overall": 5, "content": 4, "organisation": 4, "usefulness": 5}
    services.evaluation_submit(meeting=held_meeting, person=delegate, comments="Useful", **scores)
    with pytest.raises(ValidationError, match="already evaluated"):
        services.evaluation_submit(meeting=held_meeting, person=delegate, **scores)
    assert Evaluation.objects.count() == 1


def test_only_attendees_evaluate(held_meeting, partner_delegate):
    with pytest.raises(PermissionDenied):
        services.evaluation_submit(
            meeting=held_meeting,
            person=partner_delegate,
            overall=1,
            content=1,
            organisation=1,
            usefulness=1,
        )


def test_evaluation_summary_is_anonymous(held_meeting, delegate, eu_city):
    from meetings.selectors import evaluation_summary

    others = delegates(eu_city, 2, start=50)
    for person, score, comment in [
        (delegate, 5, "Great visits"),
        (others[0], 3, ""),
        (others[1], 4, "More time"),
    ]:
        RegistrationFactory(
            meeting=held_meeting, person=person, attended=True
        ) if person != delegate else None
        services.evaluation_submit(
            meeting=held_meeting,
            person=person,
            overall=score,
            content=score,
            organisation=score,
            usefulness=score,
            comments=comment,
        )
    summary = evaluation_summary(held_meeting)
    assert summary["count"] == 3
    overall = summary["ratings"][0]
    assert overall["average"] == 4.0
    assert [d["count"] for d in overall["distribution"]] == [0, 0, 1, 1, 1]
    assert sorted(summary["comments"]) == ["Great visits", "More time"]
    assert delegate.email not in str(summary) and str(delegate) not in str(summary)


def test_a_coordinator_cannot_create_an_account_for_a_city_outside_the_edition(
    edition, coordinator
):
    from tests.cities.factories import CityFactory
    from tests.meetings.factories import MeetingFactory
    from worldcities.users.models import User

    elsewhere = CityFactory(name="Elsewhere", slug="elsewhere")
    meeting = MeetingFactory(edition=edition, host_city=elsewhere)
    with pytest.raises(ValidationError) as error:
        services.registration_invite(
            meeting=meeting, email="newcomer@example.org", by=coordinator, city=elsewhere
        )
    assert "this edition's pairings" in str(error.value)
    assert not User.objects.filter(email="newcomer@example.org").exists()


def test_moving_a_meeting_tells_everyone_on_its_list_once(edition, coordinator):
    from tests.meetings.factories import RegistrationFactory
    from worldcities.notifications.models import Notification

    meeting = MeetingFactory(edition=edition)
    people = [RegistrationFactory(meeting=meeting).person for _ in range(3)]
    services.meeting_update(meeting=meeting, by=coordinator, description="Same place, new words.")
    assert not Notification.objects.filter(kind="meeting_changed").exists()
    later = meeting.starts_at + datetime.timedelta(days=1)
    services.meeting_update(
        meeting=meeting,
        by=coordinator,
        starts_at=later,
        ends_at=later + datetime.timedelta(hours=8),
    )
    told = Notification.objects.filter(kind="meeting_changed")
    assert sorted(n.recipient_id for n in told) == sorted(p.pk for p in people)
    assert all(n.title == f"Changed: {meeting.title}" for n in told)


# --- Writes cost the same however many people ---------------------------------------------------
def _queries(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def _full_meeting_with_waiting(meeting, city, waiting: int, start: int):
    """Registers five people of ``city`` and ``waiting`` more (its quota's five places are
    taken by then: they are waitlisted)."""
    people = delegates(city, 5 + waiting, start=start)
    for person in people:
        services.registration_register(meeting=meeting, person=person)
    return people


def test_registering_withdrawing_and_promotion_cost_the_same_however_long_the_list(
    edition, pairing, partner_city, eu_city
):
    """Registration, withdrawal with a promotion from the waiting list and an evaluation
    answer make as many queries with a long waiting list as with a short one."""
    counts = {}
    for n in (1, 21):
        meeting = MeetingFactory(edition=edition, host_city=partner_city, pairings=[pairing])
        services.meeting_default_quotas(meeting=meeting)
        people = _full_meeting_with_waiting(meeting, eu_city, n, start=1000 * n)
        newcomer = DelegateFactory(email=f"new{n}@example.org", city=eu_city)
        register = _queries(
            lambda m=meeting, p=newcomer: services.registration_register(meeting=m, person=p)
        )
        holder = Registration.objects.get(meeting=meeting, person=people[0])
        withdraw = _queries(
            lambda h=holder, p=people[0]: services.registration_cancel(registration=h, by=p)
        )
        assert Registration.objects.get(meeting=meeting, person=people[5]).status == "confirmed"
        counts[n] = (register, withdraw)
    assert counts[1] == counts[21]


def test_raising_a_quota_promotes_many_in_a_fixed_number_of_queries(
    meeting, eu_city, coordinator, run_tasks, django_capture_on_commit_callbacks
):
    counts = []
    # Two waiting, then seventeen (everyone registered in the second round waits).
    for waiting, places, promoted in ((2, 7, 2), (12, 24, 17)):
        _full_meeting_with_waiting(meeting, eu_city, waiting, start=100 * places)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            counts.append(
                _queries(
                    lambda p=places: services.quotas_update(
                        meeting=meeting,
                        by=User.objects.get(pk=coordinator.pk),  # as each request loads them
                        places={eu_city: p},
                    )
                )
            )
        assert not Registration.objects.filter(meeting=meeting, status="waitlisted").exists()
        assert len(mail.outbox) == promoted
        assert {m.subject for m in mail.outbox} == {f"A place came free for you: {meeting.title}"}
    assert counts[0] == counts[1]


def test_an_evaluation_answer_costs_the_same_however_many_attended(
    held_meeting, eu_city, coordinator
):
    counts = []
    for n in (1, 15):
        people = delegates(eu_city, n, start=500 * n)
        for person in people:
            RegistrationFactory(meeting=held_meeting, person=person, attended=True)
        counts.append(
            _queries(
                lambda p=people[0]: services.evaluation_submit(
                    meeting=held_meeting,
                    person=p,
                    overall=4,
                    content=4,
                    organisation=4,
                    usefulness=4,
                )
            )
        )
    assert counts[0] == counts[1]


def test_a_withdrawal_leaves_the_promoted_persons_notice_to_the_worker(
    meeting, eu_city, run_tasks, django_capture_on_commit_callbacks
):
    """The request that frees a place gives it at once but writes no notice: the person moved
    up is told once the change is committed, by a worker."""
    from worldcities.notifications.models import Notification

    meeting.capacity = 1
    meeting.save()
    holder, waiting = delegates(eu_city, 2, start=700)
    with django_capture_on_commit_callbacks(execute=True):
        for person in (holder, waiting):
            services.registration_register(meeting=meeting, person=person)
    mail.outbox.clear()
    held = Registration.objects.get(person=holder)
    with django_capture_on_commit_callbacks() as callbacks:
        services.registration_cancel(registration=held, by=holder)
    assert Registration.objects.get(person=waiting).status == "confirmed"
    assert not Notification.objects.filter(recipient=waiting, title__startswith="A place").exists()
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert [m.to for m in mail.outbox] == [[waiting.email]]
    assert mail.outbox[0].subject == f"A place came free for you: {meeting.title}"
