"""The review journey: programme staff assign two reviewers to a submitted application (each
is told by e-mail); each declares no conflict of interest and scores it; staff read the
weighted mean and its spread, select the city with a reason and send the decision; the city
joins the edition and its delegate is told once, in their language."""

from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in
from tests.cities.factories import PartnerCityFactory, PartnerCountryFactory, ThematicAreaFactory
from tests.twinning.factories import (
    ApplicationFactory,
    CallFactory,
    EditionFactory,
    ReviewCriterionFactory,
)
from tests.users.factories import (
    CoordinatorFactory,
    DelegateFactory,
    ProgrammeStaffFactory,
    UserFactory,
)
from twinning.models import Application, EditionCity, ReviewAssignment
from worldcities.users.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def run_tasks():
    """The decision e-mails are made and sent where they are enqueued, after the commit."""
    from worldcities.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


def review(page, live_server, reviewer, scores):
    """``reviewer`` declares no conflict of interest and scores the application."""
    log_in(page, live_server, reviewer)
    page.goto(f"{live_server.url}/review/")
    assert_accessible(page)
    page.get_by_role("link", name="Busan").click()
    assert_accessible(page)
    page.get_by_label("No: I have no conflict of interest").check()
    page.get_by_role("button", name="Declare").click()
    expect(page.locator(".messages")).to_contain_text("you can now read and score it")
    assert_accessible(page)
    expect(page.get_by_text("Bring hydrogen buses to the port.")).to_be_visible()
    for label, value in scores.items():
        page.get_by_label(label).fill(str(value))
    page.get_by_role("button", name="Submit my review").click()
    expect(page.locator(".messages")).to_contain_text("Your review was saved.")
    assert_accessible(page)


def test_two_reviewers_score_staff_select_and_the_city_joins_and_is_told_once(
    page, live_server, run_tasks
):
    korea = PartnerCountryFactory(code="KR", name="Republic of Korea")
    edition = EditionFactory(name="World Cities 2027: EU – Republic of Korea", slug="2027-korea")
    edition.partner_countries.set([korea])
    busan = PartnerCityFactory(name="Busan", slug="busan", country=korea)
    call = CallFactory(edition=edition, title="Call for cities 2027", slug="call-2027")
    ReviewCriterionFactory(call=call, name="Relevance", weight=Decimal("2"), scale_max=5)
    ReviewCriterionFactory(call=call, name="Partners", weight=Decimal("1"), scale_max=10)
    delegate = DelegateFactory(
        email="busan@example.org", full_name="Min-jun Park", city=busan, language="fr"
    )
    application = ApplicationFactory(
        call=call,
        city=busan,
        status=Application.Status.SUBMITTED,
        submitted_by=delegate,
        goals="Bring hydrogen buses to the port.",
    )
    application.thematic_areas.add(ThematicAreaFactory(name="Low-carbon economy"))
    staff = ProgrammeStaffFactory(email="staff@example.org", full_name="Dana Regio")
    coordinator = CoordinatorFactory(email="chris@example.org", full_name="Chris Citynet")
    expert = UserFactory(email="eva@example.org", full_name="Eva Expert", role=Role.EXPERT)
    board = f"{live_server.url}/review/calls/{edition.slug}/{call.slug}/"

    # 1. Staff find the call among the reviews and assign two reviewers.
    log_in(page, live_server, staff)
    page.goto(f"{live_server.url}/review/")
    assert_accessible(page)
    page.get_by_role("link", name="Call for cities 2027", exact=True).click()
    expect(page).to_have_url(board)
    assert_accessible(page)
    page.get_by_role("link", name="Busan").click()
    assert_accessible(page)
    for person in ("Chris Citynet (Coordinator)", "Eva Expert (Outside expert"):
        option = page.locator("#id_assign-reviewer option", has_text=person)
        page.select_option("#id_assign-reviewer", value=option.get_attribute("value"))
        page.get_by_role("button", name="Assign the reviewer").click()
        expect(page.locator(".messages")).to_contain_text("is asked to review it")
        assert_accessible(page)
    assert ReviewAssignment.objects.filter(application=application).count() == 2
    # Each reviewer is told, with the link to their review.
    told = {m.to[0]: m.body for m in mail.outbox}
    assert set(told) == {"chris@example.org", "eva@example.org"}
    for email, body in told.items():
        mine = ReviewAssignment.objects.get(application=application, reviewer__email=email)
        assert f"/review/assignments/{mine.pk}/" in body
    mail.outbox.clear()

    # 2. Each reviewer declares no conflict and scores; a score outside its scale is refused.
    log_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}/review/")
    assert_accessible(page)
    page.get_by_role("link", name="Busan").click()
    assert_accessible(page)
    page.get_by_label("No: I have no conflict of interest").check()
    page.get_by_role("button", name="Declare").click()
    assert_accessible(page)
    page.get_by_label("Relevance: score from 0 to 5").fill("7")
    page.get_by_label("Partners: score from 0 to 10").fill("5")
    page.get_by_role("button", name="Submit my review").click()
    expect(page.locator(".errorlist")).to_contain_text(
        "A score for “Relevance” is between 0 and 5."
    )
    assert_accessible(page)
    page.get_by_label("Relevance: score from 0 to 5").fill("5")
    page.get_by_role("button", name="Submit my review").click()
    expect(page.locator(".messages")).to_contain_text("Your review was saved.")
    assert_accessible(page)
    review(
        page,
        live_server,
        expert,
        {"Relevance: score from 0 to 5": 2, "Partners: score from 0 to 10": 10},
    )

    # 3. Staff read the mean and its spread, select Busan with a reason and send it.
    log_in(page, live_server, staff)
    page.goto(board)
    assert_accessible(page)
    row = page.get_by_role("row", name="Busan")
    # Chris: (2 · 100 + 50) / 3 = 83.3 %; Eva: (2 · 40 + 100) / 3 = 60 %.
    expect(row).to_contain_text("71.7")
    expect(row).to_contain_text("60.0 – 83.3")
    page.get_by_role("link", name="Busan").click()
    assert_accessible(page)
    page.get_by_role("radio", name="Selected", exact=True).check()
    page.get_by_label("Reason").fill("Clear goals and strong partners.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".messages")).to_contain_text("The decision was recorded")
    assert_accessible(page)
    page.get_by_role("link", name="Send 1 decision to its city").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send the decisions").click()
    expect(page.locator(".messages")).to_contain_text("1 decision is being sent")
    assert_accessible(page)

    # 4. Busan takes part in the edition, and its delegate was told once, in French.
    joined = EditionCity.objects.get(edition=edition, city=busan)
    assert joined.application == application
    assert [m.to for m in mail.outbox] == [["busan@example.org"]]
    assert "Busan" in mail.outbox[0].subject
    assert "Clear goals and strong partners." in mail.outbox[0].body
    assert "Changer ce que vous recevez" in mail.outbox[0].body
    page.goto(f"{board}send/")
    expect(page.get_by_text("No decision is waiting to be sent.")).to_be_visible()
    assert_accessible(page)
    assert len(mail.outbox) == 1
