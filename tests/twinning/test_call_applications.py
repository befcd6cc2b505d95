"""Programme staff's list of a call's applications: every status, filtered by status, decision
and the city's name, sorted by a column, paged; drafts with their completeness, submitted ones
with their time in the call's zone and their reviews. Staff only; bad filters re-render."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cities.factories import CityFactory
from tests.twinning.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    CallFactory,
    ReviewAssignmentFactory,
    ReviewCriterionFactory,
    ScoreFactory,
)
from tests.users.factories import UserFactory
from twinning.models import Application, ReviewAssignment
from worldcities.users.models import Role

pytestmark = pytest.mark.django_db

# Seoul is nine hours ahead of UTC all year: 18:30 there.
SUBMITTED_AT = datetime.datetime(2017, 3, 1, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def call(edition):
    call = CallFactory(
        edition=edition, title="Call for cities 2017", slug="call-2017", time_zone="Asia/Seoul"
    )
    ReviewCriterionFactory(call=call, name="Relevance", weight=Decimal("1"), scale_max=10)
    return call


def _url(call, **params):
    url = reverse(
        "twinning:call_applications", kwargs={"slug": call.edition.slug, "call": call.slug}
    )
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def _submitted(call, city, *scores, decision=""):
    application = ApplicationFactory(
        call=call, city=city, status=Application.Status.SUBMITTED, decision=decision
    )
    Application.objects.filter(pk=application.pk).update(submitted_at=SUBMITTED_AT)
    criterion = call.criteria.get()
    for value in scores:
        assignment = ReviewAssignmentFactory(
            application=application,
            reviewer=UserFactory(role=Role.EXPERT),
            state=ReviewAssignment.State.SUBMITTED,
            conflict_of_interest=False,
        )
        ScoreFactory(assignment=assignment, criterion=criterion, value=value)
    return application


@pytest.fixture
def applications(call):
    """Busan submitted (two reviews: 60 % and 80 %) and selected, Tampere a draft with
    goals only, Gwangju withdrawn."""
    busan = _submitted(call, CityFactory(name="Busan"), 6, 8, decision="selected")
    tampere = ApplicationFactory(
        call=call, city=CityFactory(name="Tampere"), experience="", delegation=""
    )
    ApplicationPartnerFactory(application=tampere, sector="government")
    gwangju = ApplicationFactory(
        call=call,
        city=CityFactory(name="Gwangju"),
        status=Application.Status.WITHDRAWN,
        withdrawn_at=timezone.now(),
    )
    return {"busan": busan, "tampere": tampere, "gwangju": gwangju}


def _rows(response) -> list[str]:
    """The cities listed, in order, as the table shows them."""
    import re

    html = response.content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return re.findall(r'<th scope="row">([^<]+?) <span', body)


def test_staff_see_every_application_with_what_it_stands_at(
    client, programme_staff, applications, call
):
    client.force_login(programme_staff)
    response = client.get(_url(call))
    assert response.status_code == 200
    page = response.content.decode()
    assert _rows(response) == ["Busan", "Gwangju", "Tampere"]
    assert "3 applications" in page
    # Busan: submitted, in Seoul's time, two reviews with their mean, selected.
    assert "18:30" in page and "(Asia/Seoul)" in page
    assert "2 / 2" in page
    assert ">70.0<" in page
    assert "Selected" in page
    # Tampere's draft holds its goals only (a partner of one sector is not enough): 1 of 5.
    assert "20 % complete" in page
    assert "Withdrawn" in page
    # The links: each application's page, the board entry of the submitted one, the export.
    busan = applications["busan"]
    assert busan.get_absolute_url() in page
    assert applications["tampere"].get_absolute_url() in page
    assert (
        reverse(
            "twinning:application_review",
            kwargs={"slug": call.edition.slug, "call": call.slug, "pk": busan.pk},
        )
        in page
    )
    tampere = applications["tampere"].pk
    assert page.count(f'/applications/{tampere}/"') == 1  # its own page, no board entry
    assert (
        reverse("twinning:call_export", kwargs={"slug": call.edition.slug, "call": call.slug})
        in page
    )


@pytest.mark.parametrize(
    ("params", "cities"),
    [
        ({"status": "draft"}, ["Tampere"]),
        ({"status": "withdrawn"}, ["Gwangju"]),
        ({"decision": "selected"}, ["Busan"]),
        ({"decision": "none"}, ["Gwangju", "Tampere"]),
        ({"q": "tamp"}, ["Tampere"]),
        ({"q": "  BUS "}, ["Busan"]),
        ({"sort": "-city"}, ["Tampere", "Gwangju", "Busan"]),
        ({"sort": "-reviews"}, ["Busan", "Gwangju", "Tampere"]),
        ({"sort": "status"}, ["Tampere", "Busan", "Gwangju"]),
        ({"status": "submitted", "decision": "not_selected"}, []),
    ],
)
def test_filters_and_sorting(client, programme_staff, applications, call, params, cities):
    client.force_login(programme_staff)
    response = client.get(_url(call, **params))
    assert response.status_code == 200
    assert _rows(response) == cities
    if not cities:
        assert "No application matches these filters." in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"status": "lost"},
        {"decision": "maybe"},
        {"sort": "'; drop table"},
        {"page": "abc"},
        {"page": "999"},
        {"status": ["draft", "nonsense"]},
    ],
)
def test_bad_filters_re_render_the_list(client, programme_staff, applications, call, params):
    client.force_login(programme_staff)
    response = client.get(_url(call), params)
    assert response.status_code == 200
    page = response.content.decode()
    if "page" in params:
        assert _rows(response) == ["Busan", "Gwangju", "Tampere"]
    else:
        assert "Some filters are not valid" in page
        assert "Select a valid choice" in page
        assert _rows(response) == []


ROLES = ["visitor", "delegate", "partner_delegate", "coordinator", "expert", "programme_staff"]
EXPECTED = {
    "visitor": "login",
    "delegate": 403,  # of a city that applied
    "partner_delegate": 403,
    "coordinator": 403,
    "expert": 403,  # a reviewer of the call
    "programme_staff": 200,
}


@pytest.fixture
def expert(applications):
    reviewer = UserFactory(role=Role.EXPERT)
    ReviewAssignmentFactory(application=applications["busan"], reviewer=reviewer)
    return reviewer


@pytest.mark.parametrize("role", ROLES)
def test_only_programme_staff_open_the_list(request, client, applications, call, delegate, role):
    ApplicationFactory(call=call, city=delegate.city)  # the delegate's city applied too
    user = None if role == "visitor" else request.getfixturevalue(role)
    if user is not None:
        client.force_login(user)
    response = client.get(_url(call))
    if EXPECTED[role] == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == EXPECTED[role]


def test_an_unknown_call_is_a_404_for_staff(client, programme_staff, call):
    client.force_login(programme_staff)
    url = reverse("twinning:call_applications", kwargs={"slug": call.edition.slug, "call": "nope"})
    assert client.get(url).status_code == 404


def test_the_list_is_reached_from_the_reviews_and_the_board(client, programme_staff, call):
    client.force_login(programme_staff)
    for name, kwargs in (
        ("twinning:review_list", {}),
        ("twinning:call_review", {"slug": call.edition.slug, "call": call.slug}),
    ):
        assert _url(call) in client.get(reverse(name, kwargs=kwargs)).content.decode()


def test_the_list_reads_as_many_queries_for_many_applications(
    client, programme_staff, call, assert_flat_queries
):
    client.force_login(programme_staff)
    made = iter(range(1000))

    def make_rows(n):
        for _ in range(n):
            i = next(made)
            if i % 3 == 0:
                _submitted(call, CityFactory(), 5, 7)
            elif i % 3 == 1:
                draft = ApplicationFactory(call=call, city=CityFactory())
                ApplicationPartnerFactory(application=draft)
            else:
                ApplicationFactory(
                    call=call,
                    city=CityFactory(),
                    status=Application.Status.WITHDRAWN,
                    withdrawn_at=timezone.now(),
                )

    def fetch():
        assert client.get(_url(call, sort="-submitted")).status_code == 200

    assert_flat_queries(make_rows, fetch, small=2, large=19)
