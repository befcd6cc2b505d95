import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from meetings.models import AgendaItem, Evaluation, Meeting, Registration
from tests.cities.factories import CityFactory
from tests.meetings.factories import (
    AgendaItemFactory,
    MeetingFactory,
    RegistrationFactory,
    in_days,
)
from tests.users.factories import DelegateFactory

ROLES = [
    "visitor",
    "delegate",
    "partner_delegate",
    "outsider",
    "coordinator",
    "other_coordinator",
    "programme_staff",
]


@pytest.fixture
def outsider(db):
    """A delegate of a city outside the edition."""
    return DelegateFactory(
        email="outsider@example.org", city=CityFactory(name="Porto", slug="porto")
    )


@pytest.fixture
def people(delegate, partner_delegate, outsider, coordinator, other_coordinator, programme_staff):
    return {
        "visitor": None,
        "delegate": delegate,
        "partner_delegate": partner_delegate,
        "outsider": outsider,
        "coordinator": coordinator,
        "other_coordinator": other_coordinator,
        "programme_staff": programme_staff,
    }


OPEN, LOGIN, FORBIDDEN, MISSING = 200, 302, 403, 404
MANAGERS = {"coordinator": OPEN, "programme_staff": OPEN}


def expect(default, **overrides):
    return {role: overrides.get(role, default) for role in ROLES}


def manage_only():
    return {**expect(FORBIDDEN, visitor=LOGIN), **MANAGERS}


# url template, expected status per role
MATRIX = [
    ("/meetings/", expect(OPEN)),
    ("/meetings/calendar/", expect(OPEN)),
    ("/meetings/calendar/2017/3/", expect(OPEN)),
    ("/meetings/{pk}/", expect(OPEN)),
    ("/meetings/{pk}/calendar.ics", expect(OPEN)),
    ("/meetings/new/", {**expect(FORBIDDEN, visitor=LOGIN), **MANAGERS}),
    ("/meetings/feed/", expect(OPEN, visitor=LOGIN)),
    ("/meetings/{pk}/edit/", manage_only()),
    ("/meetings/{pk}/quotas/", manage_only()),
    ("/meetings/{pk}/agenda/new/", manage_only()),
    ("/meetings/{pk}/agenda/{item}/edit/", manage_only()),
    ("/meetings/{pk}/invite/", manage_only()),
    ("/meetings/{pk}/registrations/", manage_only()),
    ("/meetings/{pk}/minutes/", manage_only()),
    ("/meetings/{pk}/attendance/", manage_only()),
    ("/meetings/{pk}/outcomes/new/", manage_only()),
    ("/meetings/{pk}/evaluation/summary/", manage_only()),
    ("/meetings/{pk}/evaluation/", expect(FORBIDDEN, visitor=LOGIN)),
    (
        "/meetings/{pk}/registrations/{reg}/travel/",
        {**expect(MISSING, visitor=LOGIN, delegate=OPEN), **MANAGERS},
    ),
    ("/meetings/999999/", expect(MISSING)),
    ("/meetings/999999/edit/", expect(MISSING, visitor=LOGIN)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_permission_matrix_get(client_for, people, meeting, role, url, expected):
    registration = RegistrationFactory(meeting=meeting, person=people["delegate"])
    item = AgendaItemFactory(meeting=meeting)
    response = client_for(people[role]).get(
        url.format(pk=meeting.pk, reg=registration.pk, item=item.pk)
    )
    assert response.status_code == expected[role]
    if expected[role] == LOGIN:
        assert response["Location"].startswith("/accounts/login/")


POSTS = [
    (
        "/meetings/{pk}/register/",
        # The delegate is registered already: refused with a message (400).
        {**expect(FORBIDDEN, visitor=LOGIN), "partner_delegate": 302, "delegate": 400},
    ),
    ("/meetings/{pk}/status/", {**manage_only(), "coordinator": 302, "programme_staff": 302}),
    (
        "/meetings/{pk}/agenda/{item}/delete/",
        {**manage_only(), "coordinator": 302, "programme_staff": 302},
    ),
    (
        "/meetings/{pk}/registrations/{reg}/cancel/",
        {**expect(MISSING, visitor=LOGIN), "delegate": 302, **dict.fromkeys(MANAGERS, 302)},
    ),
    (
        "/meetings/{pk}/agenda/{item}/signup/",
        {
            **expect(FORBIDDEN, visitor=LOGIN),
            **dict.fromkeys(["delegate", "partner_delegate", *MANAGERS], 302),
        },
    ),
    (
        "/meetings/{pk}/registrations/{reg}/confirm/",
        {**manage_only(), "coordinator": 302, "programme_staff": 302},
    ),
    # Reminding of invitations: nobody chosen, so managers see the form again with errors.
    (
        "/meetings/{pk}/registrations/",
        {**manage_only(), "coordinator": 400, "programme_staff": 400},
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "expected"), POSTS, ids=[p[0] for p in POSTS])
def test_permission_matrix_post(client_for, people, meeting, role, url, expected):
    registration = RegistrationFactory(meeting=meeting, person=people["delegate"])
    item = AgendaItemFactory(meeting=meeting)
    response = client_for(people[role]).post(
        url.format(pk=meeting.pk, reg=registration.pk, item=item.pk), {"status": "confirmed"}
    )
    assert response.status_code == expected[role]


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_details(client_for, people, meeting, role):
    AgendaItemFactory(meeting=meeting, title="Walk through the innovation district")
    RegistrationFactory(meeting=meeting, person=people["partner_delegate"])
    body = client_for(people[role]).get(f"/meetings/{meeting.pk}/").content.decode()
    assert meeting.title in body and meeting.description in body
    assert meeting.host_city.name in body
    sees = role in {"delegate", "partner_delegate", "coordinator", "programme_staff"}
    for private in ("City Hall", "Bring your badge", "Walk through the innovation district"):
        assert (private in body) is sees, private
    assert ("Partner Delegate" in body) is sees
    assert ("Coordination" in body) is (role in {"coordinator", "programme_staff"})


def test_logistics_only_for_coordinators_and_the_person(
    client_for, meeting, delegate, partner_delegate, coordinator
):
    registration = RegistrationFactory(
        meeting=meeting, person=delegate, dietary_needs="Vegetarian", needs_visa_letter=True
    )
    RegistrationFactory(meeting=meeting, person=partner_delegate)
    assert (
        "Vegetarian"
        not in client_for(partner_delegate).get(f"/meetings/{meeting.pk}/").content.decode()
    )
    page = client_for(coordinator).get(f"/meetings/{meeting.pk}/registrations/").content.decode()
    assert "Vegetarian" in page
    response = client_for(delegate).get(
        f"/meetings/{meeting.pk}/registrations/{registration.pk}/travel/"
    )
    assert "Vegetarian" in response.content.decode()


# --- Journeys through the views -----------------------------------------------------------------
def test_delegate_registers_then_waitlisted_with_message(client_for, meeting, eu_city, delegate):
    for i in range(5):
        RegistrationFactory(
            meeting=meeting, person=DelegateFactory(email=f"x{i}@example.org", city=eu_city)
        )
    response = client_for(delegate).post(f"/meetings/{meeting.pk}/register/", follow=True)
    body = response.content.decode()
    assert "The delegation of Tampere is full (5 places)." in body
    assert "number 1 on the waiting list" in body
    assert Registration.objects.get(person=delegate).status == "waitlisted"


def test_registration_after_window_shows_error_next_to_button(client_for, meeting, delegate):
    meeting.registration_opens_at = in_days(-10)
    meeting.registration_closes_at = in_days(-2)
    meeting.save()
    response = client_for(delegate).post(f"/meetings/{meeting.pk}/register/")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="registration-error"' in body and "Registration closed on" in body
    assert not Registration.objects.exists()


def test_create_with_end_before_start_shows_error_at_the_field(
    client_for, coordinator, edition, partner_city
):
    response = client_for(coordinator).post(
        "/meetings/new/",
        {
            "edition": edition.pk,
            "kind": "working",
            "title": "Backwards",
            "host_city": partner_city.pk,
            "starts_at": "2027-05-10T09:00",
            "ends_at": "2027-05-09T09:00",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["ends_at"] == ["The meeting must end after it starts."]
    assert 'id="id_ends_at_errors"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_agenda_item_outside_meeting_error_at_the_field(client_for, coordinator, meeting):
    day = (meeting.ends_at + datetime.timedelta(days=2)).astimezone(meeting.zone)
    response = client_for(coordinator).post(
        f"/meetings/{meeting.pk}/agenda/new/",
        {
            "kind": "field_visit",
            "title": "Harbour visit",
            "starts_at": f"{day:%Y-%m-%d}T09:00",
            "ends_at": f"{day:%Y-%m-%d}T12:00",
            "capacity": "10",
        },
    )
    assert response.status_code == 200
    assert "starts_at" in response.context["form"].errors
    assert "within the meeting" in response.context["form"].errors["starts_at"][0]
    assert not AgendaItem.objects.exists()


def test_quota_above_capacity_error_at_the_city(
    client_for, coordinator, meeting, eu_city, partner_city
):
    meeting.capacity = 8
    meeting.save()
    response = client_for(coordinator).post(
        f"/meetings/{meeting.pk}/quotas/",
        {f"city_{eu_city.pk}": "9", f"city_{partner_city.pk}": "3"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors[f"city_{eu_city.pk}"] == [
        "9 places are more than the meeting's capacity (8)."
    ]
    assert list(meeting.quotas.values_list("city__name", "places")) == [("Tampere", 5)]


def test_second_evaluation_is_refused_with_message(
    client_for, delegate, edition, pairing, partner_city
):
    meeting = MeetingFactory(
        edition=edition,
        host_city=partner_city,
        pairings=[pairing],
        starts_at=in_days(-4),
        ends_at=in_days(-2),
        status=Meeting.Status.HELD,
    )
    RegistrationFactory(meeting=meeting, person=delegate, attended=True)
    data = {"overall": 5, "content": 4, "organisation": 4, "usefulness": 3, "comments": "Good"}
    client = client_for(delegate)
    assert client.post(f"/meetings/{meeting.pk}/evaluation/", data).status_code == 302
    response = client.post(f"/meetings/{meeting.pk}/evaluation/", data)
    assert response.status_code == 400
    assert "You have already evaluated this meeting." in response.content.decode()
    assert Evaluation.objects.count() == 1


def test_evaluation_rating_out_of_range_is_refused(client_for, delegate, edition, partner_city):
    meeting = MeetingFactory(
        edition=edition,
        host_city=partner_city,
        starts_at=in_days(-4),
        ends_at=in_days(-2),
        status="held",
    )
    RegistrationFactory(meeting=meeting, person=delegate, attended=True)
    response = client_for(delegate).post(
        f"/meetings/{meeting.pk}/evaluation/",
        {"overall": 9, "content": 4, "organisation": 4, "usefulness": 3},
    )
    assert response.status_code == 400
    assert "overall" in response.context["form"].errors
    assert not Evaluation.objects.exists()


def test_coordinator_invites_by_email(
    client_for, coordinator, meeting, eu_city, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(
            f"/meetings/{meeting.pk}/invite/",
            {"email": "newcomer@example.org", "full_name": "New Comer", "city": eu_city.pk},
            follow=True,
        )
    assert "New Comer is invited." in response.content.decode()
    assert {m.to[0] for m in mail.outbox} == {"newcomer@example.org"}
    assert len(mail.outbox) == 2


def test_list_filters_and_sections(client, meeting, edition, partner_city):
    past = MeetingFactory(
        edition=edition,
        host_city=partner_city,
        title="Launch long ago",
        kind="launch",
        starts_at=in_days(-400),
        ends_at=in_days(-399),
    )
    body = client.get("/meetings/").content.decode()
    assert body.index(meeting.title) < body.index("Past") < body.index(past.title)
    filtered = client.get("/meetings/", {"kind": "launch"}).content.decode()
    assert past.title in filtered and meeting.title not in filtered


def main_of(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def queries_of(fetch) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert fetch().status_code == 200
    return len(captured.captured_queries)


def test_the_list_comes_from_the_cache_until_what_it_shows_changes(
    client_for, delegate, meeting, edition, partner_city, coordinator
):
    from meetings import services

    client = client_for(delegate)
    page = lambda: client.get("/meetings/", {"edition": edition.pk})  # noqa: E731
    cold = queries_of(page)
    warm = queries_of(page)
    assert warm < cold  # the filters and both lists come from the cache
    # What the list does not show leaves its copy in place.
    services.meeting_update(meeting=meeting, by=coordinator, practical_information="Badges")
    assert queries_of(page) == warm
    # What it shows is there at once.
    services.meeting_update(meeting=meeting, by=coordinator, title="Working meeting, renamed")
    assert "Working meeting, renamed" in page().text
    added = services.meeting_create(
        edition=edition,
        by=coordinator,
        kind="working",
        title="Follow-up in Tampere",
        host_city=partner_city,
        starts_at=in_days(40),
        ends_at=in_days(41),
    )
    assert added.title in page().text
    services.meeting_set_status(meeting=added, status="cancelled", by=coordinator)
    assert main_of(page().text).count("badge-cancelled") == 1


def test_the_list_is_the_same_for_the_same_filters_whatever_else_the_address_holds(
    client, meeting, edition
):
    first = client.get("/meetings/", {"edition": edition.pk, "kind": ""})
    warm = queries_of(lambda: client.get("/meetings/", {"edition": edition.pk, "kind": ""}))
    again = lambda: client.get("/meetings/", {"utm_source": "x", "edition": edition.pk})  # noqa: E731
    assert queries_of(again) == warm
    assert main_of(again().text) == main_of(first.text)


def test_a_registration_shows_at_once_on_its_meeting_and_expires_nothing_else(
    client_for, meeting, edition, partner_city, eu_city, delegate
):
    """A registration to meeting A is on A's page at once (the delegations, the reader's own
    status) while meeting B's page and the meeting list are still served from their copies."""
    from meetings import services

    other = MeetingFactory(edition=edition, host_city=partner_city, title="Meeting B")
    colleague = DelegateFactory(
        email="colleague@example.org", full_name="Ann Colleague", city=eu_city
    )
    client = client_for(delegate)
    pages = {
        "a": f"/meetings/{meeting.pk}/",
        "b": f"/meetings/{other.pk}/",
        "list": "/meetings/",
    }
    cold = {name: queries_of(lambda url=url: client.get(url)) for name, url in pages.items()}
    warm = {name: queries_of(lambda url=url: client.get(url)) for name, url in pages.items()}
    assert warm["b"] < cold["b"] and warm["list"] < cold["list"]
    before = client.get(pages["a"]).text
    assert "Ann Colleague" not in before and 'id="registration-status"' not in before

    services.registration_register(meeting=meeting, person=colleague)

    assert queries_of(lambda: client.get(pages["b"])) == warm["b"]
    assert queries_of(lambda: client.get(pages["list"])) == warm["list"]
    after = client.get(pages["a"]).text
    assert "Ann Colleague" in after
    assert "<td>1 / 5</td>" in after  # the delegation of Tampere: one of its five places
    # The reader's own registration, and the place it takes, are there at once too.
    services.registration_register(meeting=meeting, person=delegate)
    after = client.get(pages["a"]).text
    assert "<td>2 / 5</td>" in after and "Eu Delegate" in after
    assert 'id="registration-status"' in after and "Cancel my registration" in after


def test_the_reader_s_registration_is_one_query_of_their_own(
    client_for, meeting, delegate, django_assert_num_queries
):
    client = client_for(delegate)
    url = f"/meetings/{meeting.pk}/"
    warm = (client.get(url), queries_of(lambda: client.get(url)))[1]
    registration = RegistrationFactory(meeting=meeting, person=delegate)
    body = client.get(url).text
    assert 'id="registration-status"' in body and "Cancel my registration" in body
    registration.delete()
    assert 'id="registration-status"' not in client.get(url).text
    assert queries_of(lambda: client.get(url)) == warm


def test_the_filter_form_keeps_the_choice_and_clears_to_the_list(client, meeting, edition):
    content = client.get("/meetings/", {"kind": meeting.kind, "edition": edition.pk}).text
    assert f'<option value="{meeting.kind}" selected>' in content
    assert '<a href="/meetings/">Clear</a>' in content
    month = client.get("/meetings/calendar/2018/3/", {"kind": meeting.kind}).text
    assert '<a href="/meetings/calendar/2018/3/">Clear</a>' in month


def test_month_view_shows_meeting_on_its_local_days(client, meeting):
    local = meeting.local_starts_at
    response = client.get(f"/meetings/calendar/{local.year}/{local.month}/")
    weeks = response.context["weeks"]
    days = [d for week in weeks for d in week if meeting in d["meetings"]]
    assert days[0]["date"] == local.date()
    assert len(days) == (meeting.local_ends_at.date() - local.date()).days + 1


# --- Query counts -------------------------------------------------------------------------------
def test_list_queries_are_flat(client, assert_flat_queries, edition, partner_city):
    def make(n):
        for i in range(n):
            MeetingFactory(edition=edition, host_city=partner_city, starts_at=in_days(5 + i))
            MeetingFactory(edition=edition, host_city=partner_city, starts_at=in_days(-50 - i))

    assert_flat_queries(make, lambda: client.get("/meetings/"))


def test_month_queries_are_flat(client, assert_flat_queries, edition, partner_city):
    def make(n):
        for i in range(n):
            MeetingFactory(
                edition=edition,
                host_city=partner_city,
                starts_at=datetime.datetime(2027, 6, 1 + i % 28, 9, tzinfo=datetime.UTC),
                ends_at=datetime.datetime(2027, 6, 1 + i % 28, 17, tzinfo=datetime.UTC),
            )

    assert_flat_queries(make, lambda: client.get("/meetings/calendar/2027/6/"))


def test_detail_queries_are_flat(client_for, assert_flat_queries, coordinator, meeting, eu_city):
    counter = iter(range(1000))

    def make(n):
        for _ in range(n):
            i = next(counter)
            AgendaItemFactory(meeting=meeting, kind="field_visit", capacity=3)
            RegistrationFactory(
                meeting=meeting,
                person=DelegateFactory(email=f"q{i}@example.org", city=eu_city),
                status="waitlisted" if i % 2 else "confirmed",
            )

    client = client_for(coordinator)
    assert_flat_queries(make, lambda: client.get(f"/meetings/{meeting.pk}/"))


@pytest.mark.parametrize("reader", ["visitor", "holder", "outsider"])
def test_detail_queries_are_flat_for_every_reader(
    client_for, assert_flat_queries, meeting, eu_city, delegate, outsider, reader
):
    """With nothing cached and in the steady state, for a visitor, a delegate holding a place
    (with visits signed up for) and a delegate of a city outside the edition."""
    from meetings.models import AgendaSignup
    from worldcities import versions

    RegistrationFactory(meeting=meeting, person=delegate)
    counter = iter(range(1000))

    def make(n):
        for _ in range(n):
            i = next(counter)
            item = AgendaItemFactory(meeting=meeting, kind="field_visit", capacity=3)
            AgendaSignup.objects.create(item=item, person=delegate)
            RegistrationFactory(
                meeting=meeting,
                person=DelegateFactory(email=f"h{i}@example.org", city=eu_city),
                status="waitlisted" if i % 2 else "confirmed",
            )

    client = client_for({"visitor": None, "holder": delegate, "outsider": outsider}[reader])
    url = f"/meetings/{meeting.pk}/"
    assert_flat_queries(make, lambda: client.get(url))
    client.get(url)
    warm = queries_of(lambda: client.get(url))
    make(10)
    versions.bump(f"meeting:{meeting.pk}")  # the factories write past the services
    client.get(url)
    assert queries_of(lambda: client.get(url)) == warm


def test_registrations_queries_are_flat(
    client_for, assert_flat_queries, coordinator, meeting, eu_city
):
    counter = iter(range(1000))

    def make(n):
        for _ in range(n):
            RegistrationFactory(
                meeting=meeting,
                person=DelegateFactory(email=f"r{next(counter)}@example.org", city=eu_city),
            )

    client = client_for(coordinator)
    assert_flat_queries(make, lambda: client.get(f"/meetings/{meeting.pk}/registrations/"))


def test_feed_queries_are_flat(client, assert_flat_queries, delegate, edition, partner_city):
    from meetings.services import feed_token_for

    token = feed_token_for(user=delegate).token

    def make(n):
        for i in range(n):
            m = MeetingFactory(edition=edition, host_city=partner_city, starts_at=in_days(3 + i))
            AgendaItemFactory(meeting=m)
            RegistrationFactory(meeting=m, person=delegate)

    assert_flat_queries(make, lambda: client.get(f"/meetings/feed/{token}.ics"))


def test_city_meetings_partial(
    client, assert_flat_queries, meeting, partner_city, eu_city, delegate
):
    from django.template.loader import render_to_string

    from meetings.selectors import meetings_for_city

    for city in (partner_city, eu_city):
        shown = meetings_for_city(city, delegate)
        assert shown["upcoming"] == [meeting]
    html = render_to_string(
        "meetings/includes/city_meetings.html",
        {"city_meetings": meetings_for_city(eu_city, delegate)},
    )
    assert meeting.title in html and "(Asia/Seoul)" in html

    def make(n):
        for i in range(n):
            MeetingFactory(
                edition=meeting.edition, host_city=partner_city, starts_at=in_days(2 + i)
            )

    assert_flat_queries(
        make,
        lambda: render_to_string(
            "meetings/includes/city_meetings.html",
            {"city_meetings": meetings_for_city(partner_city, delegate)},
        ),
    )


def test_home_counts_upcoming_meetings(client, meeting, edition, partner_city):
    MeetingFactory(edition=edition, host_city=partner_city, status="cancelled")
    MeetingFactory(
        edition=edition, host_city=partner_city, starts_at=in_days(-9), ends_at=in_days(-8)
    )
    assert client.get("/").context["figures"]["upcoming_meetings"] == 1


def test_agenda_in_time_order_with_visit_places(client_for, delegate, meeting):
    later = AgendaItemFactory(
        meeting=meeting,
        title="Afternoon field visit",
        kind="field_visit",
        capacity=12,
        starts_at=meeting.starts_at + datetime.timedelta(hours=4),
        ends_at=meeting.starts_at + datetime.timedelta(hours=6),
    )
    AgendaItemFactory(meeting=meeting, title="Morning session")
    body = client_for(delegate).get(f"/meetings/{meeting.pk}/").content.decode()
    assert body.index("Morning session") < body.index(later.title)
    assert "0 of 12 places taken" in body


def test_agenda_item_edit_keeps_local_times(client_for, coordinator, meeting):
    item = AgendaItemFactory(meeting=meeting, title="Opening")
    client = client_for(coordinator)
    form = client.get(f"/meetings/{meeting.pk}/agenda/{item.pk}/edit/").context["form"]
    local = item.starts_at.astimezone(meeting.zone)
    assert form.initial["starts_at"] == local.replace(tzinfo=None)
    end = item.ends_at.astimezone(meeting.zone)
    response = client.post(
        f"/meetings/{meeting.pk}/agenda/{item.pk}/edit/",
        {
            "kind": "session",
            "title": "Opening and welcome",
            "starts_at": f"{local:%Y-%m-%dT%H:%M}",
            "ends_at": f"{end:%Y-%m-%dT%H:%M}",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Opening and welcome" and item.starts_at == local


@pytest.mark.django_db
def test_upcoming_meetings_come_twenty_to_a_page(client, edition, partner_city):
    for i in range(25):
        MeetingFactory(edition=edition, host_city=partner_city, starts_at=in_days(5 + i))
    first = client.get("/meetings/")
    assert len(first.context["upcoming"].object_list) == 20
    assert "upcoming_page=2" in first.content.decode()
    second = client.get("/meetings/?upcoming_page=2")
    assert len(second.context["upcoming"].object_list) == 5
    assert client.get("/meetings/?upcoming_page=999").context["upcoming"].number == 2


@pytest.mark.django_db
def test_editing_a_meeting_without_a_host_city_is_an_error_not_a_crash(
    client, coordinator, edition
):
    meeting = MeetingFactory(edition=edition)
    starts_at = meeting.starts_at
    client.force_login(coordinator)
    response = client.post(
        f"/meetings/{meeting.pk}/edit/",
        {
            "title": meeting.title,
            "kind": meeting.kind,
            "host_city": "",
            "starts_at": (starts_at + datetime.timedelta(days=400)).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": "",
        },
    )
    assert response.status_code in (200, 400)
    assert "This field is required." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.starts_at == starts_at


def _signup_token(body: str, action: str) -> str:
    form = body[body.index(f'action="{action}"') :]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)


def test_the_coordinator_s_agenda_links_are_those_of_each_row_in_their_language(
    client_for, meeting, coordinator
):
    """The rows' edit and remove controls are kept with the page, in each language."""
    visit = AgendaItemFactory(meeting=meeting, title="Harbour visit", kind="field_visit")
    client = client_for(coordinator)
    page = f"/meetings/{meeting.pk}/"
    edit = reverse("meetings:agenda_edit", args=[meeting.pk, visit.pk])
    remove = reverse("meetings:agenda_delete", args=[meeting.pk, visit.pk])
    body = client.get(page).content.decode()
    assert f'<a href="{edit}">Edit “Harbour visit”</a>' in body
    assert f'action="{remove}"' in body and "Remove “Harbour visit”" in body
    coordinator.language = "fr"
    coordinator.save(update_fields=["language"])
    french = client.get(page).content.decode()
    assert f'<a href="{edit}">Modifier « Harbour visit »</a>' in french
    assert "Retirer « Harbour visit »" in french and "Edit “Harbour visit”" not in french


def test_each_reader_gets_their_own_agenda_buttons_and_token(
    client, delegate, eu_city, meeting, coordinator
):
    """The agenda's rows are kept for everyone; each reader gets their own sign-up buttons and
    a CSRF token that their own session accepts, and the places taken move on at once."""
    visit = AgendaItemFactory(
        meeting=meeting, title="Harbour visit", kind="field_visit", capacity=5
    )
    colleague = DelegateFactory(email="colleague@example.org", city=eu_city)
    for person in (delegate, colleague):
        RegistrationFactory(meeting=meeting, person=person)
    page = f"/meetings/{meeting.pk}/"
    action = reverse("meetings:agenda_signup", args=[meeting.pk, visit.pk])

    coordinators = Client()
    coordinators.force_login(coordinator)
    assert "Remove “Harbour visit”" in coordinators.get(page).content.decode()

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(delegate)
    second.force_login(colleague)
    body = first.get(page).content.decode()
    assert "Remove “Harbour visit”" not in body  # the coordinator's copy is not theirs
    assert (
        first.post(action, {"csrfmiddlewaretoken": _signup_token(body, action)}).status_code == 302
    )
    body = first.get(page).content.decode()
    assert "Withdraw from “Harbour visit”" in body and "1 of 5 places taken" in body
    first_token = _signup_token(body, action)

    body = second.get(page).content.decode()
    assert "Sign up for “Harbour visit”" in body and "Withdraw from" not in body
    assert "1 of 5 places taken" in body
    # A token from the first reader's copy is not accepted in the second reader's session.
    assert second.post(action, {"csrfmiddlewaretoken": first_token}).status_code == 403
    assert (
        second.post(action, {"csrfmiddlewaretoken": _signup_token(body, action)}).status_code == 302
    )
    assert set(visit.signups.values_list("person__email", flat=True)) == {
        delegate.email,
        colleague.email,
    }


def test_a_refused_status_change_shows_the_error_in_the_coordinators_panel(
    client_for, coordinator, meeting
):
    client = client_for(coordinator)
    client.get(f"/meetings/{meeting.pk}/")  # the shared parts are kept in the cache
    response = client.post(f"/meetings/{meeting.pk}/status/", {"status": "postponed-forever"})
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count('class="panel coordinator-panel"') == 1
    assert "Select a valid choice" in body
    meeting.refresh_from_db()
    assert meeting.status != "postponed-forever"
    # Afterwards the page shows the panel again, without the error.
    assert "Select a valid choice" not in client.get(f"/meetings/{meeting.pk}/").content.decode()


def test_city_and_pairing_pages_show_a_meeting_s_change_at_once(
    client, meeting, eu_city, pairing, coordinator
):
    from meetings import services

    pages = [eu_city.get_absolute_url(), pairing.get_absolute_url()]
    for url in pages:
        assert meeting.title in client.get(url).text  # now kept in the cache
    services.meeting_update(meeting=meeting, by=coordinator, title="Renamed working meeting")
    for url in pages:
        body = client.get(url).text
        assert "Renamed working meeting" in body and meeting.title not in body
    services.meeting_set_status(meeting=meeting, status="cancelled", by=coordinator)
    for url in pages:
        assert "badge-cancelled" in client.get(url).text


# The reader and the meeting with their registration; the cities taking part (read once, for
# the view's rule and the service's); in the transaction (its start and end counted), the
# locked meeting, the person's registration, the places taken and the city's quota (one
# query), the save and its history.
REGISTER_QUERIES = 10


def test_a_registration_takes_the_same_queries_however_full_the_meeting(
    client_for, meeting, eu_city, delegate
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def register(person):
        client = client_for(person)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(f"/meetings/{meeting.pk}/register/")
        assert response.status_code == 302
        return len(queries)

    register(delegate)  # what a process reads once (content types) is read here
    first = register(DelegateFactory(email="early@example.org", city=eu_city))
    for i in range(2):  # the delegation's quota (5) still has room for the last one
        RegistrationFactory(
            meeting=meeting, person=DelegateFactory(email=f"y{i}@example.org", city=eu_city)
        )
    later = register(DelegateFactory(email="late@example.org", city=eu_city))
    assert first == later == REGISTER_QUERIES


def test_a_delegate_withdraws_without_their_registration_read_again(
    client_for, meeting, eu_city, delegate
):
    """The delegate's registration comes with the meeting: the view does not read it again
    (the service locks it); another person's registration is still refused."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meetings.models import Registration

    client = client_for(delegate)
    client.post(f"/meetings/{meeting.pk}/register/")
    own = Registration.objects.get(meeting=meeting, person=delegate)
    other = RegistrationFactory(
        meeting=meeting, person=DelegateFactory(email="other@example.org", city=eu_city)
    )
    assert client.post(f"/meetings/{meeting.pk}/registrations/{other.pk}/cancel/").status_code == (
        404
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/meetings/{meeting.pk}/registrations/{own.pk}/cancel/")
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.pk}/"
    own.refresh_from_db()
    assert own.status == Registration.Status.CANCELLED
    registration_reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "meetings_registration"') and "FOR UPDATE" not in q["sql"]
    ]
    assert registration_reads == []
    assert "The registration is cancelled." in client.get(f"/meetings/{meeting.pk}/").text
