"""The review of a call: who sees and does what, scores within their scales, the aggregate
and its spread, decisions with their reasons, the decision e-mail (once, in each person's
language), the selected city joining the edition, and the whole call as a workbook."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from openpyxl import load_workbook

from tests.cities.factories import CityFactory, ThematicAreaFactory, TopicFactory
from tests.twinning.factories import (
    ApplicationAnswerFactory,
    ApplicationFactory,
    CallFactory,
    CallQuestionFactory,
    MilestoneFactory,
    ReviewAssignmentFactory,
    ReviewCriterionFactory,
    ScoreFactory,
)
from tests.users.factories import DelegateFactory, UserFactory
from twinning import selectors, services
from twinning.models import Application, EditionCity, Milestone, ReviewAssignment, Score
from twinning.tasks import send_application_decisions
from worldcities import versions
from worldcities.notifications.models import EmailMessage, Kind, Notification
from worldcities.users.models import Role

pytestmark = pytest.mark.django_db

SECRET = "Strong on hydrogen, weak on the budget"


@pytest.fixture
def call(edition):
    call = CallFactory(edition=edition, title="Call for cities 2017", slug="call-2017")
    ReviewCriterionFactory(call=call, name="Relevance", weight=Decimal("2"), scale_max=5, order=1)
    ReviewCriterionFactory(call=call, name="Capacity", weight=Decimal("1"), scale_max=10, order=2)
    return call


@pytest.fixture
def criteria(call):
    return selectors.review_criteria(call.pk)


@pytest.fixture
def application(call, eu_city, delegate):
    area = ThematicAreaFactory(name="Low-carbon economy", slug="low-carbon")
    topic = TopicFactory(area=area, name="Green energy", slug="green-energy")
    application = ApplicationFactory(
        call=call,
        city=eu_city,
        status=Application.Status.SUBMITTED,
        submitted_by=delegate,
        goals="Grow a local hydrogen industry.",
    )
    application.thematic_areas.add(area)
    application.topics.add(topic)
    ApplicationAnswerFactory(
        application=application,
        question=CallQuestionFactory(call=call, text="Why now?"),
        text="Our buses are due for renewal.",
    )
    return application


@pytest.fixture
def expert(db):
    return UserFactory(email="expert@example.org", full_name="Outside Expert", role=Role.EXPERT)


@pytest.fixture
def assignment(application, coordinator, programme_staff):
    """The coordinator asked to review the application, no conflict declared yet."""
    return services.review_assign(application=application, reviewer=coordinator, by=programme_staff)


def declared(assignment):
    return services.review_declare(assignment=assignment, by=assignment.reviewer, conflict=False)


def score_all(assignment, criteria, values, comment=""):
    return services.review_score(
        assignment=assignment,
        by=assignment.reviewer,
        scores={c.pk: (v, f"On {c.name}") for c, v in zip(criteria, values, strict=True)},
        comment=comment,
    )


# --- Assigning and declaring --------------------------------------------------------------------
def test_staff_assign_a_coordinator_and_an_expert(
    application, coordinator, expert, programme_staff
):
    for reviewer in (coordinator, expert):
        services.review_assign(application=application, reviewer=reviewer, by=programme_staff)
    assert set(application.review_assignments.values_list("reviewer__email", flat=True)) == {
        "coordinator@example.org",
        "expert@example.org",
    }


def test_only_staff_assign_and_twice_is_refused(application, coordinator, expert, programme_staff):
    with pytest.raises(PermissionDenied):
        services.review_assign(application=application, reviewer=expert, by=coordinator)
    services.review_assign(application=application, reviewer=expert, by=programme_staff)
    with pytest.raises(ValidationError, match="already assigned"):
        services.review_assign(application=application, reviewer=expert, by=programme_staff)


def test_the_reviewer_is_told_once_in_their_language_with_the_link(
    application, programme_staff, run_tasks, django_capture_on_commit_callbacks
):
    MilestoneFactory(
        edition=application.call.edition,
        kind=Milestone.Kind.SELECTION,
        start_date=datetime.date(2017, 4, 1),
        end_date=datetime.date(2017, 5, 31),
    )
    reviewer = UserFactory(email="experte@example.org", role=Role.EXPERT, language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        assignment = services.review_assign(
            application=application, reviewer=reviewer, by=programme_staff
        )
    link = reverse("twinning:review_assignment", kwargs={"pk": assignment.pk})
    notification = Notification.objects.get(kind=Kind.REVIEW_ASSIGNED)
    assert notification.recipient == reviewer
    assert notification.url == link
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    email = mail.outbox[0]
    assert "Tampere" in email.subject
    assert "Call for cities 2017" in email.body
    # The call's closing (in its zone) and the selection's end, as the reviewer writes dates.
    with translation.override("fr"):
        closes = application.call.closes_in_zone
        selected_by = date_format(datetime.date(2017, 5, 31), "DATE_FORMAT")
    assert closes in email.body
    assert selected_by in email.body
    assert link in email.body
    # In the reviewer's language (the notice's own words follow once the catalogues hold them).
    assert "Changer ce que vous recevez" in email.body
    assert SECRET not in email.body

    # Told once: running it again adds nothing, and neither does a second assignment attempt.
    with django_capture_on_commit_callbacks(execute=True):
        services.review_assignment_notify(assignment=assignment)
    with pytest.raises(ValidationError, match="already assigned"):
        services.review_assign(application=application, reviewer=reviewer, by=programme_staff)
    assert Notification.objects.filter(kind=Kind.REVIEW_ASSIGNED).count() == 1
    assert EmailMessage.objects.filter(kind=Kind.REVIEW_ASSIGNED).count() == 1
    assert len(mail.outbox) == 1


def test_a_reviewer_assigned_after_a_conflict_is_told(
    assignment, expert, programme_staff, run_tasks, django_capture_on_commit_callbacks
):
    services.review_declare(
        assignment=assignment, by=assignment.reviewer, conflict=True, note="My cousin."
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.review_assign(
            application=assignment.application, reviewer=expert, by=programme_staff
        )
    told = Notification.objects.filter(kind=Kind.REVIEW_ASSIGNED)
    assert sorted(n.recipient.email for n in told) == ["coordinator@example.org", expert.email]
    assert [m.to for m in mail.outbox] == [[expert.email]]
    assert "review/assignments/" in mail.outbox[0].body


def test_a_delegate_or_a_draft_is_refused(call, application, programme_staff, partner_delegate):
    with pytest.raises(ValidationError, match="cannot review"):
        services.review_assign(
            application=application, reviewer=partner_delegate, by=programme_staff
        )
    draft = ApplicationFactory(call=call, city=CityFactory())
    with pytest.raises(ValidationError, match="Only a submitted application"):
        services.review_assign(application=draft, reviewer=programme_staff, by=programme_staff)
    assert not ReviewAssignment.objects.exists()


def test_a_declared_conflict_withdraws_the_reviewer(assignment, criteria):
    with pytest.raises(ValidationError) as refused:
        services.review_declare(assignment=assignment, by=assignment.reviewer, conflict=True)
    assert "Say what the conflict is" in str(refused.value)
    services.review_declare(
        assignment=assignment, by=assignment.reviewer, conflict=True, note="I worked there."
    )
    assignment.refresh_from_db()
    assert assignment.state == ReviewAssignment.State.CONFLICT
    with pytest.raises(PermissionDenied, match="conflict of interest"):
        score_all(assignment, criteria, [4, 8])
    with pytest.raises(ValidationError, match="already declared"):
        declared(assignment)
    assert not Score.objects.exists()


# --- Scoring ------------------------------------------------------------------------------------
def test_scoring_before_the_declaration_is_refused(assignment, criteria):
    with pytest.raises(ValidationError, match="Declare first"):
        score_all(assignment, criteria, [4, 8])


def test_a_score_outside_its_scale_saves_nothing(assignment, criteria):
    declared(assignment)
    with pytest.raises(ValidationError) as refused:
        score_all(assignment, criteria, [4, 11])
    assert refused.value.message_dict == {
        f"score_{criteria[1].pk}": ["A score for “Capacity” is between 0 and 10."]
    }
    with pytest.raises(ValidationError, match="between 0 and 5"):
        score_all(assignment, criteria, [-1, 3])
    assert not Score.objects.exists()
    assignment.refresh_from_db()
    assert assignment.state == ReviewAssignment.State.IN_PROGRESS


def test_every_criterion_is_scored(assignment, criteria):
    declared(assignment)
    with pytest.raises(ValidationError, match="Score “Capacity” from 0 to 10"):
        services.review_score(
            assignment=assignment, by=assignment.reviewer, scores={criteria[0].pk: (3, "")}
        )
    assert not Score.objects.exists()


def test_scoring_an_application_not_assigned_is_refused(assignment, criteria, expert):
    declared(assignment)
    with pytest.raises(PermissionDenied, match="not assigned"):
        services.review_score(
            assignment=assignment, by=expert, scores={c.pk: (1, "") for c in criteria}
        )
    assert not Score.objects.exists()


def test_the_weighted_mean_and_its_spread(
    application, assignment, expert, programme_staff, criteria
):
    # Coordinator: Relevance 5/5 (weight 2), Capacity 5/10 (weight 1): (2·100 + 50) / 3.
    score_all(declared(assignment), criteria, [5, 5])
    other = services.review_assign(application=application, reviewer=expert, by=programme_staff)
    # Expert: 2/5 and 10/10: (2·40 + 100) / 3 = 60.
    score_all(declared(other), criteria, [2, 10])
    _criteria, rows = selectors.call_review_rows(application.call)
    summary = rows[0].summary
    assert (summary.reviews, summary.mean, summary.low, summary.high) == (2, 71.7, 60.0, 83.3)
    assert summary.deviation == 11.7


# --- Deciding -----------------------------------------------------------------------------------
@pytest.mark.parametrize("decision", ["reserve", "not_selected"])
def test_a_decision_against_the_city_needs_a_reason(application, programme_staff, decision):
    with pytest.raises(ValidationError) as refused:
        services.application_decide(application=application, by=programme_staff, decision=decision)
    assert "Give the reason" in str(refused.value.message_dict["decision_reason"])
    application.refresh_from_db()
    assert application.decision == ""


def test_only_staff_decide(application, coordinator):
    with pytest.raises(PermissionDenied):
        services.application_decide(application=application, by=coordinator, decision="selected")


def test_scores_stay_once_decided(application, assignment, criteria, programme_staff):
    score_all(declared(assignment), criteria, [3, 3])
    services.application_decide(application=application, by=programme_staff, decision="selected")
    with pytest.raises(ValidationError, match="is decided"):
        score_all(assignment, criteria, [5, 10])
    assert set(Score.objects.values_list("value", flat=True)) == {3}


# --- Sending the decisions ----------------------------------------------------------------------
@pytest.fixture
def run_tasks():
    from worldcities.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


def test_the_selected_city_joins_the_edition_and_is_told_once_in_its_language(
    application, programme_staff, eu_city, delegate, run_tasks, django_capture_on_commit_callbacks
):
    french = DelegateFactory(email="delegue@example.org", city=eu_city, language="fr")
    services.application_decide(application=application, by=programme_staff, decision="selected")
    # Matchmaking and "cities like yours" read the edition's cities: their versions move.
    before = versions.current(["pairings"])
    with django_capture_on_commit_callbacks(execute=True):
        services.call_decisions_send(call=application.call, by=programme_staff)
    assert versions.current(["pairings"]) != before
    joined = EditionCity.objects.get(edition=application.call.edition, city=eu_city)
    assert joined.application == application
    assert joined.goals == "Grow a local hydrogen industry."
    assert [a.name for a in joined.thematic_areas.all()] == ["Low-carbon economy"]
    assert [t.name for t in joined.topics.all()] == ["Green energy"]
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {delegate.email, french.email}
    assert "selected" in sent[delegate.email].subject
    # Each e-mail is written in its reader's language (the notice's own words follow once the
    # catalogues hold them).
    assert "Changer ce que vous recevez" in sent[french.email].body
    assert "Change what you receive" in sent[delegate.email].body
    assert SECRET not in sent[delegate.email].body

    # Sending again: nothing is waiting; the task run again tells nobody twice.
    with pytest.raises(ValidationError, match="No decision is waiting"):
        services.call_decisions_send(call=application.call, by=programme_staff)
    with django_capture_on_commit_callbacks(execute=True):
        send_application_decisions.delay([application.pk])
    assert len(mail.outbox) == 2
    assert EmailMessage.objects.count() == 2
    assert Notification.objects.filter(kind=Kind.APPLICATION_DECISION).count() == 2


def test_a_sent_decision_stays_but_a_reserve_city_can_be_selected_later(
    application, programme_staff, run_tasks, django_capture_on_commit_callbacks
):
    services.application_decide(
        application=application, by=programme_staff, decision="reserve", reason="Few places."
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.call_decisions_send(call=application.call, by=programme_staff)
    assert not EditionCity.objects.exists()
    assert ["reserve list" in m.subject for m in mail.outbox] == [True]
    assert "Few places." in mail.outbox[0].body
    services.application_decide(application=application, by=programme_staff, decision="selected")
    with django_capture_on_commit_callbacks(execute=True):
        services.call_decisions_send(call=application.call, by=programme_staff)
    assert EditionCity.objects.filter(application=application).exists()
    assert len(mail.outbox) == 2
    with pytest.raises(ValidationError, match="already sent"):
        services.application_decide(
            application=application, by=programme_staff, decision="not_selected", reason="No."
        )


def test_a_city_already_in_the_edition_keeps_its_row(application, programme_staff, eu_city):
    existing = EditionCity.objects.create(edition=application.call.edition, city=eu_city)
    services.application_decide(application=application, by=programme_staff, decision="selected")
    services.call_decisions_send(call=application.call, by=programme_staff)
    existing.refresh_from_db()
    assert existing.application == application
    assert EditionCity.objects.count() == 1


# --- Pages: who sees what -----------------------------------------------------------------------
ROLES = [
    "visitor",
    "delegate",  # of the applying city: the applicant
    "partner_delegate",
    "coordinator",  # the reviewer assigned
    "expert",  # a reviewer, not assigned to this application
    "other_coordinator",
    "programme_staff",
]
LOGIN = "login"
STAFF = {**dict.fromkeys(ROLES, 403), "visitor": LOGIN, "programme_staff": 200}
REVIEWER = {**dict.fromkeys(ROLES, 404), "visitor": LOGIN, "coordinator": 200}
ANYONE = {**dict.fromkeys(ROLES, 200), "visitor": LOGIN}


def _call_kwargs(a):
    return {"slug": a.application.call.edition.slug, "call": a.application.call.slug}


PAGES = [
    ("twinning:review_list", lambda a: {}, ANYONE),
    ("twinning:review_assignment", lambda a: {"pk": a.pk}, REVIEWER),
    ("twinning:call_review", _call_kwargs, STAFF),
    ("twinning:application_review", lambda a: {**_call_kwargs(a), "pk": a.application.pk}, STAFF),
    ("twinning:call_export", _call_kwargs, STAFF),
    ("twinning:decisions_send", _call_kwargs, STAFF),
]


@pytest.fixture
def scored(assignment, criteria):
    """The coordinator's review, submitted with a comment only staff may read."""
    return score_all(declared(assignment), criteria, [4, 7], comment=SECRET)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "kwargs", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_who_opens_which_page(request, client, scored, name, kwargs, expected, role):
    user = None if role == "visitor" else request.getfixturevalue(role)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse(name, kwargs=kwargs(scored)))
    if expected[role] == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
        return
    assert response.status_code == expected[role]
    if response.status_code == 200 and role not in ("programme_staff", "coordinator"):
        # Only staff and the reviewer who wrote it read a review.
        assert SECRET not in response.content.decode()


def test_a_reviewer_sees_only_what_they_are_assigned(client, scored, call, expert, programme_staff):
    other = ApplicationFactory(
        call=call, city=CityFactory(name="Graz", slug="graz"), status="submitted"
    )
    services.review_assign(application=other, reviewer=expert, by=programme_staff)
    client.force_login(scored.reviewer)
    page = client.get(reverse("twinning:review_list")).content.decode()
    assert "Tampere" in page
    assert "Graz" not in page
    client.force_login(expert)
    page = client.get(reverse("twinning:review_list")).content.decode()
    assert "Graz" in page
    assert "Tampere" not in page


def test_the_reviewer_reads_the_application_only_after_declaring(client, assignment):
    client.force_login(assignment.reviewer)
    url = reverse("twinning:review_assignment", kwargs={"pk": assignment.pk})
    page = client.get(url).content.decode()
    assert "conflict of interest" in page
    assert "Our buses are due for renewal." not in page
    response = client.post(url, {"conflict": "no"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Our buses are due for renewal." in page
    assert "Relevance: score from 0 to 5" in page


def test_a_score_outside_the_scale_is_refused_on_the_page(client, assignment, criteria):
    declared(assignment)
    client.force_login(assignment.reviewer)
    url = reverse("twinning:review_assignment", kwargs={"pk": assignment.pk})
    response = client.post(
        url,
        {f"score_{criteria[0].pk}": "9", f"score_{criteria[1].pk}": "7", "comment": "Good"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "A score for “Relevance” is between 0 and 5." in page
    assert "Good</textarea>" in page
    assert not Score.objects.exists()


def test_a_declared_conflict_on_the_page_needs_a_note(client, assignment):
    client.force_login(assignment.reviewer)
    url = reverse("twinning:review_assignment", kwargs={"pk": assignment.pk})
    response = client.post(url, {"conflict": "yes", "conflict_note": " "})
    assert "Say what the conflict is" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.conflict_of_interest is None


def test_deciding_without_a_reason_on_the_page(client, application, programme_staff):
    client.force_login(programme_staff)
    url = reverse(
        "twinning:application_review",
        kwargs={
            "slug": application.call.edition.slug,
            "call": application.call.slug,
            "pk": application.pk,
        },
    )
    response = client.post(url, {"decide": "1", "decide-decision": "not_selected"})
    assert response.status_code == 200
    assert "Give the reason for this decision" in response.content.decode()
    application.refresh_from_db()
    assert application.decision == ""
    response = client.post(
        url,
        {"decide": "1", "decide-decision": "not_selected", "decide-decision_reason": "Too small."},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.decision, application.decision_reason) == ("not_selected", "Too small.")


def test_staff_see_the_scores_and_the_spread(client, scored, programme_staff):
    client.force_login(programme_staff)
    call = scored.application.call
    page = client.get(
        reverse("twinning:call_review", kwargs={"slug": call.edition.slug, "call": call.slug})
    ).content.decode()
    # (2 · 4/5 + 1 · 7/10) / 3 = 76.7 %
    assert "76.7" in page
    detail = client.get(
        reverse(
            "twinning:application_review",
            kwargs={"slug": call.edition.slug, "call": call.slug, "pk": scored.application.pk},
        )
    ).content.decode()
    assert SECRET in detail
    assert "4 / 5" in detail


# --- The workbook -------------------------------------------------------------------------------
def test_the_whole_call_exports_to_a_workbook(client, scored, programme_staff, criteria):
    application = scored.application
    services.application_decide(
        application=application, by=programme_staff, decision="reserve", reason="=Few places"
    )
    call = application.call
    client.force_login(programme_staff)
    response = client.get(
        reverse("twinning:call_export", kwargs={"slug": call.edition.slug, "call": call.slug})
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Applications", "Answers", "Scores", "Decisions"]
    apps = list(book["Applications"].iter_rows(values_only=True))
    header = apps[0]
    row = dict(zip(header, apps[1], strict=True))
    assert row["City"] == "Tampere"
    assert row["Weighted mean (%)"] == 76.7
    assert row["Thematic areas"] == "Low-carbon economy"
    answers = list(book["Answers"].iter_rows(values_only=True))
    assert answers[1][2:] == ("Why now?", "Our buses are due for renewal.")
    scores = list(book["Scores"].iter_rows(values_only=True))
    assert [(r[4], r[7]) for r in scores[1:]] == [("Relevance", 4), ("Capacity", 7)]
    assert scores[1][10] == SECRET
    decisions = list(book["Decisions"].iter_rows(values_only=True))
    assert decisions[1][2:4] == ("Reserve list", "'=Few places")


# --- Queries ------------------------------------------------------------------------------------
def _more_applications(call, n, programme_staff, criteria):
    for _ in range(n):
        application = ApplicationFactory(call=call, city=CityFactory(), status="submitted")
        for reviewer in (UserFactory(role=Role.EXPERT), UserFactory(role=Role.EXPERT)):
            assignment = ReviewAssignmentFactory(
                application=application,
                reviewer=reviewer,
                state=ReviewAssignment.State.SUBMITTED,
                conflict_of_interest=False,
            )
            for criterion in criteria:
                ScoreFactory(assignment=assignment, criterion=criterion, value=3)
        ApplicationAnswerFactory(application=application)


@pytest.mark.parametrize(
    "name", ["twinning:call_review", "twinning:call_export", "twinning:review_list"]
)
def test_staff_pages_make_as_many_queries_for_many_applications(
    client, scored, programme_staff, criteria, django_assert_max_num_queries, name
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = scored.application.call
    kwargs = (
        {} if name == "twinning:review_list" else {"slug": call.edition.slug, "call": call.slug}
    )
    url = reverse(name, kwargs=kwargs)
    client.force_login(programme_staff)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _more_applications(call, 6, programme_staff, criteria)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_the_reviewer_pages_make_as_many_queries_for_many_reviews(
    client, scored, programme_staff, criteria, call
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(scored.reviewer)
    urls = [
        reverse("twinning:review_list"),
        reverse("twinning:review_assignment", kwargs={"pk": scored.pk}),
    ]
    few = []
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        few.append(len(captured))
    for _ in range(5):
        application = ApplicationFactory(call=call, city=CityFactory(), status="submitted")
        ApplicationAnswerFactory(application=application)
        other = services.review_assign(
            application=application, reviewer=scored.reviewer, by=programme_staff
        )
        score_all(declared(other), criteria, [1, 1])
    ApplicationAnswerFactory(application=scored.application)
    many = []
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        many.append(len(captured))
    assert many == few


def test_the_decisions_are_told_in_a_fixed_number_of_queries(
    call, programme_staff, django_assert_max_num_queries
):
    def decided(n):
        ids = []
        for _ in range(n):
            application = ApplicationFactory(call=call, city=CityFactory(), status="submitted")
            DelegateFactory(city=application.city)
            DelegateFactory(city=application.city, language="de")
            services.application_decide(
                application=application, by=programme_staff, decision="selected"
            )
            ids.append(application.pk)
        Application.objects.filter(pk__in=ids).update(decision_sent_at="2017-05-01T10:00Z")
        return ids

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The first round fills the process's caches (content types, the site), as any earlier
    # request of a worker has; the two after it are compared.
    counts = []
    for n in (1, 1, 5):
        ids = decided(n)
        with CaptureQueriesContext(connection) as captured:
            assert services.application_decisions_notify(application_ids=ids) == 2 * n
        counts.append(len(captured))
    assert counts[1] == counts[2]


def test_the_applicant_never_sees_a_score(client, scored, delegate, programme_staff):
    application = scored.application
    services.application_decide(application=application, by=programme_staff, decision="selected")
    client.force_login(delegate)
    response = client.get(application.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tampere" in page
    assert SECRET not in page
    assert "76.7" not in page
    assert "On Relevance" not in page


# --- The administration -------------------------------------------------------------------------
def test_the_admin_exports_a_call_and_sends_its_decisions(
    client, scored, programme_staff, run_tasks, django_capture_on_commit_callbacks
):
    call = scored.application.call
    client.force_login(programme_staff)
    changelist = reverse("admin:twinning_call_changelist")
    page = client.get(changelist).content.decode()
    assert (
        reverse("twinning:call_review", kwargs={"slug": call.edition.slug, "call": call.slug})
        in page
    )
    response = client.post(
        changelist, {"action": "export_call_xlsx", "_selected_action": [call.pk]}
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book["Applications"]["B2"].value == "Tampere"
    services.application_decide(
        application=scored.application, by=programme_staff, decision="selected"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist,
            {"action": "send_call_decisions", "_selected_action": [call.pk]},
            follow=True,
        )
    assert "1 decision(s) are being sent" in response.content.decode()
    assert EditionCity.objects.filter(application=scored.application).exists()
    assert [m.to for m in mail.outbox] == [["delegate@example.org"]]


def test_the_admin_shows_reviews_but_assigns_only_through_the_review_page(
    client, scored, programme_staff
):
    client.force_login(programme_staff)
    assert client.get(reverse("admin:twinning_reviewassignment_changelist")).status_code == 200
    page = client.get(
        reverse("admin:twinning_reviewassignment_change", args=[scored.pk])
    ).content.decode()
    assert SECRET in page
    assert client.get(reverse("admin:twinning_reviewassignment_add")).status_code == 403


def test_with_the_broker_away_the_cities_are_still_told_once(
    application, programme_staff, monkeypatch, django_capture_on_commit_callbacks
):
    def away(*args, **kwargs):
        raise ConnectionError("broker away")

    monkeypatch.setattr(send_application_decisions, "delay", away)
    services.application_decide(application=application, by=programme_staff, decision="selected")
    with django_capture_on_commit_callbacks(execute=True):
        services.call_decisions_send(call=application.call, by=programme_staff)
    told = Notification.objects.filter(kind=Kind.APPLICATION_DECISION)
    assert [n.recipient.email for n in told] == ["delegate@example.org"]
    # The e-mail waits in the outbox for the sweep, once.
    assert EmailMessage.objects.filter(to="delegate@example.org").count() == 1
