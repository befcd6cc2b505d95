"""Outcomes of pairings: recording them (bad input refused, nothing half-saved), checking them,
who may do what, what counts (only checked outcomes), and the pages that show them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.cities.factories import (
    CityFactory,
    OpportunityFactory,
    OrganisationFactory,
    PartnerCityFactory,
)
from tests.twinning.factories import ActionFactory, OutcomeFactory, PairingFactory
from tests.users.factories import DelegateFactory
from twinning.impact import impact_of, impact_per, programme_mix, triple_helix_mix
from twinning.models import Outcome
from twinning.services import outcome_check, outcome_record
from worldcities.currencies import CURRENCY_MESSAGE

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def jobs(**fields) -> dict:
    return {
        "kind": Outcome.Kind.JOBS,
        "title": "Jobs at the new bike-sharing depot",
        "quantity": 25,
        "achieved_on": datetime.date(2018, 1, 15),
        "source": "Tampere city report 2018",
        "evidence_url": "https://example.org/tampere-report.pdf",
        **fields,
    }


def contract(**fields) -> dict:
    base = {
        "kind": Outcome.Kind.CONTRACT,
        "title": "Supply contract for sensors",
        "quantity": None,
        "amount": Decimal("120000"),
        "currency": "EUR",
    }
    return jobs(**(base | fields))


@pytest.fixture
def queued(monkeypatch):
    """The background notices enqueued once a change commits (``notify_people_later``)."""
    from worldcities.notifications import tasks

    payloads = []
    monkeypatch.setattr(tasks.notify_people, "delay", lambda **payload: payloads.append(payload))
    return payloads


def checked(outcome, by):
    return outcome_check(outcome=outcome, by=by)


# --- Recording ----------------------------------------------------------------------------------
def test_a_delegate_records_an_outcome_that_waits_for_a_check_and_the_coordinators_are_told(
    pairing, delegate, coordinator, queued, django_capture_on_commit_callbacks
):
    from worldcities.notifications.models import Notification
    from worldcities.notifications.tasks import notify_people

    with django_capture_on_commit_callbacks(execute=True):
        outcome = outcome_record(pairing=pairing, by=delegate, city=pairing.eu_lead, **jobs())
    assert outcome.recorded_by == delegate
    assert not outcome.is_checked
    assert len(queued) == 1 and queued[0]["recipient_ids"] == [coordinator.pk]
    notify_people.run(**queued[0])
    notice = Notification.objects.get(recipient=coordinator)
    assert notice.title == "Outcome to check: Jobs at the new bike-sharing depot"
    assert notice.url == reverse("twinning:outcome_list", args=[pairing.slug])


def test_an_outcome_may_come_from_an_action_of_the_plan(pairing, action, partner_delegate):
    outcome = outcome_record(
        pairing=pairing, by=partner_delegate, city=pairing.partner_lead, action=action, **jobs()
    )
    assert outcome.action == action
    other = ActionFactory()
    with pytest.raises(ValidationError) as error:
        outcome_record(
            pairing=pairing, by=partner_delegate, city=pairing.eu_lead, action=other, **jobs()
        )
    assert error.value.message_dict["action"] == ["This action is not in this pairing's plan."]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (contract(amount=Decimal("-5")), "amount", "An amount is zero or more, with a currency."),
        (contract(currency="XYZ"), "currency", str(CURRENCY_MESSAGE)),
        (contract(currency=""), "currency", "Give the currency of the amount."),
        (contract(amount=None), "amount", "Give the amount, in its currency."),
        (
            contract(kind=Outcome.Kind.FUNDING, funder=""),
            "funder",
            "Say who granted the funding.",
        ),
        (jobs(quantity=None), "quantity", "Say how many: a whole number of at least 1."),
        (jobs(evidence_url=""), "evidence_url", "Give evidence: a link to it or a file."),
        (
            jobs(achieved_on=datetime.date(2016, 5, 1)),
            "achieved_on",
            "The date lies before the edition starts",
        ),
    ],
    ids=[
        "negative-amount",
        "unknown-currency",
        "amount-without-currency",
        "contract-without-amount",
        "funding-without-funder",
        "jobs-without-count",
        "no-evidence",
        "before-the-edition",
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(
    pairing, delegate, fields, field, message
):
    with pytest.raises(ValidationError) as error:
        outcome_record(pairing=pairing, by=delegate, city=pairing.eu_lead, **fields)
    assert any(text.startswith(message) for text in error.value.message_dict[field])
    assert not Outcome.objects.exists()


def test_the_city_must_be_a_member_of_the_pairing(pairing, delegate):
    with pytest.raises(ValidationError) as error:
        outcome_record(pairing=pairing, by=delegate, city=CityFactory(name="Graz"), **jobs())
    assert error.value.message_dict["city"] == ["Choose one of the pairing's member cities."]


def test_an_outcome_names_the_opportunity_it_came_from(pairing, delegate, client_for):
    taken_up = OpportunityFactory(
        organisation=OrganisationFactory(city=pairing.eu_lead), title="Hydrogen refuelling site"
    )
    outcome = outcome_record(
        pairing=pairing, by=delegate, city=pairing.eu_lead, opportunity=taken_up, **jobs()
    )
    assert list(taken_up.outcomes.all()) == [outcome]
    page = client_for(delegate).get(reverse("twinning:outcome_list", args=[pairing.slug]))
    assert "from the opportunity “Hydrogen refuelling site”" in page.content.decode()


def test_an_opportunity_of_a_city_outside_the_pairing_is_refused(pairing, delegate):
    elsewhere = OpportunityFactory(organisation=OrganisationFactory(city=CityFactory()))
    with pytest.raises(ValidationError) as error:
        outcome_record(
            pairing=pairing, by=delegate, city=pairing.eu_lead, opportunity=elsewhere, **jobs()
        )
    assert error.value.message_dict["opportunity"] == [
        "This opportunity was not posted in one of the pairing's cities."
    ]
    assert not Outcome.objects.exists()


def test_the_database_refuses_a_negative_amount_or_an_unknown_currency(pairing):
    with pytest.raises(IntegrityError), transaction.atomic():
        OutcomeFactory(pairing=pairing, kind="contract", amount=Decimal(-1), currency="EUR")
    with pytest.raises(IntegrityError), transaction.atomic():
        OutcomeFactory(pairing=pairing, kind="contract", amount=Decimal(1), currency="XYZ")
    assert not Outcome.objects.exists()


def test_a_delegate_of_another_city_is_refused_with_a_clear_message(pairing, outsider_delegate):
    with pytest.raises(PermissionDenied) as error:
        outcome_record(pairing=pairing, by=outsider_delegate, city=pairing.eu_lead, **jobs())
    assert "Only delegates of the pairing's cities" in str(error.value)
    assert not Outcome.objects.exists()


def test_evidence_files_are_checked_as_practice_attachments(pairing, delegate, settings):
    fake = SimpleUploadedFile("report.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        outcome_record(
            pairing=pairing,
            by=delegate,
            city=pairing.eu_lead,
            evidence_file=fake,
            **jobs(evidence_url=""),
        )
    assert error.value.message_dict["evidence_file"] == [
        "The content of this file is not a real .pdf file."
    ]
    assert not Outcome.objects.exists()
    assert not (settings.MEDIA_ROOT / "pairings").exists()  # no file left behind

    good = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    outcome = outcome_record(
        pairing=pairing,
        by=delegate,
        city=pairing.eu_lead,
        evidence_file=good,
        **jobs(evidence_url=""),
    )
    assert outcome.evidence_content_type == "application/pdf"
    assert outcome.evidence_file.name.startswith("pairings/outcomes/")
    assert outcome.evidence_file.name.endswith(".pdf")


# --- Checking -----------------------------------------------------------------------------------
def test_a_coordinator_of_the_edition_checks_an_outcome_once(pairing, coordinator):
    outcome = OutcomeFactory(pairing=pairing)
    checked(outcome, coordinator)
    outcome.refresh_from_db()
    assert outcome.checked_by == coordinator and outcome.checked_at is not None
    with pytest.raises(ValidationError) as error:
        checked(outcome, coordinator)
    assert "Edition Coordinator already checked this outcome" in error.value.messages[0]


@pytest.mark.parametrize("who", ["delegate", "partner_delegate", "other_coordinator"])
def test_only_the_editions_coordinators_and_staff_check(pairing, who, request):
    outcome = OutcomeFactory(pairing=pairing)
    with pytest.raises(PermissionDenied):
        checked(outcome, request.getfixturevalue(who))
    outcome.refresh_from_db()
    assert not outcome.is_checked


def test_staff_check_any_outcome(pairing, programme_staff):
    outcome = OutcomeFactory(pairing=pairing)
    assert checked(outcome, programme_staff).checked_by == programme_staff


# --- What counts --------------------------------------------------------------------------------
def test_only_checked_outcomes_count_and_amounts_stay_in_their_currency(pairing, coordinator):
    checked(OutcomeFactory(pairing=pairing, quantity=12), coordinator)
    OutcomeFactory(pairing=pairing, quantity=500)  # not checked: does not count
    checked(
        OutcomeFactory(
            pairing=pairing, kind="contract", quantity=None, amount=Decimal(1000), currency="EUR"
        ),
        coordinator,
    )
    checked(
        OutcomeFactory(
            pairing=pairing,
            kind="funding",
            quantity=None,
            amount=Decimal(3_000_000),
            currency="KRW",
            funder="Korea Agency",
            city=pairing.partner_lead,
        ),
        coordinator,
    )
    checked(OutcomeFactory(pairing=pairing, kind="pilot", quantity=2), coordinator)
    impact = impact_of()
    assert impact.outcomes == 4
    assert impact.jobs == 12
    assert impact.pilots == 2
    assert impact.contracts == {"EUR": Decimal(1000)}
    assert impact.funding == {"KRW": Decimal(3_000_000)}
    assert impact.funding_text == "KRW 3,000,000"
    per_country = dict(impact_per("country"))
    assert per_country[pairing.eu_lead.country.name].jobs == 12
    assert per_country[pairing.partner_lead.country.name].funding == {"KRW": Decimal(3_000_000)}


def test_impact_per_edition_and_thematic_area(pairing, coordinator):
    from cities.models import ThematicArea

    area = ThematicArea.objects.create(name="Smart City", slug="smart-city", order=1)
    pairing.thematic_areas.add(area)
    other = PairingFactory()
    checked(OutcomeFactory(pairing=pairing, quantity=7), coordinator)
    OutcomeFactory(pairing=other, quantity=3, checked_by=coordinator, checked_at=pairing.created_at)
    assert [(name, impact.jobs) for name, impact in impact_per("area")] == [
        ("Smart City", 7),
        ("No thematic area", 3),
    ]
    per_edition = dict(impact_per("edition"))
    assert per_edition[pairing.edition.name].jobs == 7
    assert per_edition[other.edition.name].jobs == 3


def test_the_triple_helix_mix_of_a_pairing(pairing, action):
    OrganisationFactory(name="Tampere University", sector="research", city=pairing.eu_lead)
    OrganisationFactory(name="Gwangju Motors", sector="business", city=pairing.partner_lead)
    OrganisationFactory(name="Graz Energy", sector="business", city=CityFactory(name="Graz"))
    pairing.refresh_from_db()
    mix = triple_helix_mix([pairing])[pairing.pk]
    # The action's owner (City of Tampere) is an organisation of the pairing too.
    assert mix["research"] == 1 and mix["business"] == 1
    assert sum(mix.values()) == 3
    assert dict(programme_mix())["Business"] == 1


# --- Pages --------------------------------------------------------------------------------------
def outcomes_url(pairing) -> str:
    return reverse("twinning:outcome_list", args=[pairing.slug])


def new_url(pairing) -> str:
    return reverse("twinning:outcome_create", args=[pairing.slug])


def check_url(outcome) -> str:
    return reverse("twinning:outcome_check", args=[outcome.pairing.slug, outcome.pk])


PEOPLE = [
    None,
    "delegate",
    "partner_delegate",
    "outsider_delegate",
    "coordinator",
    "other_coordinator",
    "programme_staff",
]
# who: (sees the unchecked outcome, may record, may check)
MATRIX = {
    None: (False, False, False),
    "delegate": (True, True, False),
    "partner_delegate": (True, True, False),
    "outsider_delegate": (False, False, False),
    "coordinator": (True, True, True),
    "other_coordinator": (False, False, False),
    "programme_staff": (True, True, True),
}


@pytest.mark.parametrize("who", PEOPLE)
def test_the_permission_matrix(who, pairing, client_for, request):
    user = request.getfixturevalue(who) if who else None
    sees_waiting, may_record, may_check = MATRIX[who]
    OutcomeFactory(
        pairing=pairing, title="Checked jobs", checked_by=None, checked_at=pairing.created_at
    )
    waiting = OutcomeFactory(pairing=pairing, title="Jobs waiting")
    client = client_for(user)

    page = client.get(outcomes_url(pairing))
    assert page.status_code == 200
    assert "Checked jobs" in page.text
    assert ("Jobs waiting" in page.text) is sees_waiting
    assert ("Record an outcome" in page.text) is may_record
    assert ('hx-post="' + check_url(waiting)) in page.text if may_check else True

    form = client.get(new_url(pairing))
    expected = 200 if may_record else (302 if user is None else 403)
    assert form.status_code == expected
    if expected == 403:
        assert "record its outcomes" in form.text

    answer = client.post(check_url(waiting))
    expected = 302 if may_check else (302 if user is None else 403)
    assert answer.status_code == expected
    waiting.refresh_from_db()
    assert waiting.is_checked is may_check


def test_a_delegate_records_an_outcome_from_the_form(pairing, delegate, client_for):
    client = client_for(delegate)
    upload = SimpleUploadedFile("contract.pdf", PDF, content_type="application/pdf")
    response = client.post(
        new_url(pairing),
        {
            "kind": "contract",
            "title": "Sensor supply contract",
            "city": pairing.eu_lead_id,
            "amount": "120000.50",
            "currency": "EUR",
            "achieved_on": "2018-02-01",
            "source": "Procurement notice",
            "evidence_file": upload,
        },
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get()
    assert outcome.amount == Decimal("120000.50") and outcome.currency == "EUR"
    page = client.get(outcomes_url(pairing))
    assert "Waiting for a check" in page.text
    assert "EUR 120,000.50" in page.text
    evidence = client.get(reverse("twinning:outcome_evidence", args=[pairing.slug, outcome.pk]))
    assert evidence.status_code == 200
    assert evidence["Content-Disposition"].startswith("attachment")
    assert b"".join(evidence.streaming_content) == PDF


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "-10", "currency": "EUR"}, "An amount is zero or more, with a currency."),
        ({"amount": "10", "currency": "XYZ"}, str(CURRENCY_MESSAGE)),
        ({"amount": "10", "currency": "EUR", "evidence_url": ""}, "Give evidence"),
    ],
    ids=["negative-amount", "unknown-currency", "no-evidence"],
)
def test_the_form_says_what_is_wrong_and_keeps_the_input(
    pairing, delegate, client_for, data, message
):
    response = client_for(delegate).post(
        new_url(pairing),
        {
            "kind": "contract",
            "title": "Sensor supply contract",
            "city": pairing.eu_lead_id,
            "achieved_on": "2018-02-01",
            "source": "Procurement notice",
            "evidence_url": "https://example.org/notice",
            **data,
        },
    )
    assert response.status_code == 200
    assert message in response.text
    assert 'value="Sensor supply contract"' in response.text
    assert not Outcome.objects.exists()


def test_a_bad_evidence_upload_is_refused_in_the_form(pairing, delegate, client_for):
    fake = SimpleUploadedFile("evidence.docx", b"just text", content_type="application/msword")
    response = client_for(delegate).post(
        new_url(pairing),
        {
            "kind": "jobs",
            "title": "Jobs",
            "city": pairing.eu_lead_id,
            "quantity": "3",
            "achieved_on": "2018-02-01",
            "source": "Report",
            "evidence_file": fake,
        },
    )
    assert response.status_code == 200
    assert "The content of this file is not a real .docx file." in response.text
    assert not Outcome.objects.exists()


def test_the_evidence_file_is_for_members_coordinators_and_staff(
    pairing, delegate, outsider_delegate, client_for
):
    upload = SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf")
    outcome = outcome_record(
        pairing=pairing, by=delegate, city=pairing.eu_lead, evidence_file=upload, **jobs()
    )
    url = reverse("twinning:outcome_evidence", args=[pairing.slug, outcome.pk])
    assert client_for(outsider_delegate).get(url).status_code == 403


def test_a_check_with_htmx_answers_the_row(pairing, coordinator, client_for):
    outcome = OutcomeFactory(pairing=pairing, title="Depot jobs")
    response = client_for(coordinator).post(check_url(outcome), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<tr id="outcome-{outcome.pk}">')
    assert "Checked" in response.text and "Edition Coordinator" in response.text
    again = client_for(coordinator).post(check_url(outcome), HTTP_HX_REQUEST="true")
    assert "already checked this outcome" in again.text


@pytest.mark.parametrize("who", [None, "coordinator"])
def test_the_outcomes_page_makes_flat_queries(
    who, pairing, client_for, request, assert_flat_queries
):
    user = request.getfixturevalue(who) if who else None
    client = client_for(user)

    def make(n):
        for i in range(n):
            OutcomeFactory(
                pairing=pairing,
                action=ActionFactory(pairing=pairing),
                city=pairing.partner_lead if i % 2 else pairing.eu_lead,
                recorded_by=DelegateFactory(city=pairing.eu_lead),
                checked_by=request.getfixturevalue("coordinator") if i % 3 else None,
                checked_at=pairing.created_at if i % 3 else None,
            )

    assert_flat_queries(make, lambda: client.get(outcomes_url(pairing)))


# --- The home page ------------------------------------------------------------------------------
def test_the_home_page_shows_checked_impact_at_once(pairing, coordinator, client):
    outcome = OutcomeFactory(pairing=pairing, quantity=42)
    page = client.get("/")
    assert 'id="impact-heading">The programme' in page.text
    assert "No outcome has been checked yet." in page.text
    checked(outcome, coordinator)
    page = client.get("/")
    assert '<span class="value">42</span> <span class="label">jobs created</span>' in page.text
    assert 'role="img"' in page.text and '<title id="jobs-per-country-title">' in page.text
    # The chart's description, for screen readers.
    assert f"{pairing.eu_lead.country.name}: 42" in page.text


def test_the_home_page_makes_flat_queries_over_more_outcomes(
    client, coordinator, assert_flat_queries
):
    def make(n):
        for _ in range(n):
            pairing = PairingFactory(partner_lead=PartnerCityFactory())
            OutcomeFactory(pairing=pairing, checked_by=coordinator, checked_at=pairing.created_at)
            OutcomeFactory(
                pairing=pairing,
                kind="funding",
                quantity=None,
                amount=Decimal(10),
                currency="AUD",
                funder="A fund",
                checked_by=coordinator,
                checked_at=pairing.created_at,
            )

    assert_flat_queries(make, lambda: client.get("/"), small=1, large=8)


# --- The admin ----------------------------------------------------------------------------------
def test_staff_see_every_outcome_in_the_admin_and_check_them_there(
    pairing, programme_staff, client_for
):
    waiting = OutcomeFactory(pairing=pairing, title="Jobs waiting in the admin")
    client = client_for(programme_staff)
    changelist = reverse("admin:twinning_outcome_changelist")
    assert "Jobs waiting in the admin" in client.get(changelist).text
    response = client.post(
        changelist, {"action": "check_outcomes", "_selected_action": [waiting.pk]}, follow=True
    )
    assert "1 outcome(s) checked." in response.text
    waiting.refresh_from_db()
    assert waiting.checked_by == programme_staff


def test_the_admin_checks_an_uploaded_evidence_file(pairing, programme_staff, client_for):
    outcome = OutcomeFactory(pairing=pairing)
    fake = SimpleUploadedFile("proof.pdf", b"not a pdf", content_type="application/pdf")
    response = client_for(programme_staff).post(
        reverse("admin:twinning_outcome_change", args=[outcome.pk]),
        {
            "pairing": pairing.pk,
            "city": pairing.eu_lead_id,
            "kind": "jobs",
            "title": outcome.title,
            "quantity": "10",
            "achieved_on": "2018-02-01",
            "source": "Report",
            "evidence_url": "https://example.org/report.pdf",
            "evidence_file": fake,
        },
    )
    assert response.status_code == 200
    assert "The content of this file is not a real .pdf file." in response.text
    outcome.refresh_from_db()
    assert not outcome.evidence_file


def test_a_persons_data_download_lists_the_outcomes_they_recorded_and_checked(
    pairing, delegate, coordinator
):
    from worldcities.privacy import personal_data

    outcome = outcome_record(pairing=pairing, by=delegate, city=pairing.eu_lead, **jobs())
    checked(outcome, coordinator)
    address = f"/pairings/{pairing.slug}/outcomes/"
    recorded = personal_data(delegate)["outcomes_recorded"]
    assert [(row["outcome"], row["address"]) for row in recorded] == [(outcome.title, address)]
    assert [row["outcome"] for row in personal_data(coordinator)["outcomes_checked"]] == [
        outcome.title
    ]
