"""The call for cities and the applications: who may apply, filling in over several
sittings (autosave, completeness), documents, submission before the deadline, the receipt,
withdrawal, and who sees what."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.cities.factories import CityFactory, ThematicAreaFactory, TopicFactory
from tests.twinning.factories import (
    PDF_BYTES,
    ApplicationFactory,
    ApplicationPartnerFactory,
    CallDocumentFactory,
    CallFactory,
    CallQuestionFactory,
)
from tests.users.factories import DelegateFactory
from twinning import services
from twinning.models import Application, ApplicationDocument, CallInvitation
from worldcities.notifications.models import EmailMessage
from worldcities.users.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(db):
    return ThematicAreaFactory(name="Green energy", slug="green-energy")


@pytest.fixture
def topic(area):
    return TopicFactory(area=area, name="Hydrogen", slug="hydrogen")


@pytest.fixture
def call(edition, area):
    call = CallFactory(edition=edition, title="Call for cities 2027", slug="call-2027")
    call.thematic_areas.add(area)
    CallQuestionFactory(call=call, text="Why does your city apply?", max_length=200)
    CallDocumentFactory(call=call, name="Letter of support")
    return call


def url(name, application, **extra):
    return reverse(
        f"twinning:{name}",
        kwargs={
            "slug": application.call.edition.slug,
            "call": application.call.slug,
            "pk": application.pk,
            **extra,
        },
    )


def form_data(application, area, topic, **overrides):
    question = application.call.questions.get()
    data = {
        "thematic_areas": [area.pk],
        "topics": [topic.pk],
        "goals": "Grow a hydrogen industry.",
        "experience": "Hydrogen buses since 2019.",
        "delegation": "Deputy mayor for energy",
        f"answer_{question.pk}": "Our partner city leads on hydrogen.",
    }
    data.update(overrides)
    return data


def complete(application, area, topic, delegate):
    """Fills every item the call asks for, through the services."""
    question = application.call.questions.get()
    services.application_save_draft(
        application=application,
        by=delegate,
        thematic_areas=[area],
        topics=[topic],
        goals="Grow a hydrogen industry.",
        experience="Hydrogen buses since 2019.",
        delegation="Deputy mayor for energy",
        answers={question.pk: "Our partner city leads on hydrogen."},
    )
    for sector in ("government", "research", "business"):
        ApplicationPartnerFactory(application=application, sector=sector)
    services.application_document_upload(
        application=application,
        required_document=application.call.documents_required.get(),
        upload=SimpleUploadedFile("letter.pdf", PDF_BYTES, content_type="application/pdf"),
        by=delegate,
    )


# --- Starting an application --------------------------------------------------------------------
def test_a_delegate_starts_the_application_of_their_city(client_for, delegate, call):
    client = client_for(delegate)
    response = client.post(
        reverse("twinning:application_start", kwargs={"slug": call.edition.slug, "call": call.slug})
    )
    application = Application.objects.get()
    assert response.url == application.get_absolute_url()
    assert application.city == delegate.city
    assert application.status == Application.Status.DRAFT
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Application of Tampere" in page
    assert "0 % complete" in page


def test_a_second_application_by_the_same_city_is_refused(client_for, delegate, call):
    ApplicationFactory(call=call, city=delegate.city)
    client = client_for(delegate)
    page = client.get(call.get_absolute_url()).content.decode()
    assert "Tampere has already applied to this call" in page
    response = client.post(
        reverse(
            "twinning:application_start", kwargs={"slug": call.edition.slug, "call": call.slug}
        ),
        follow=True,
    )
    assert "Tampere has already applied to this call: a city applies once." in (
        response.content.decode()
    )
    assert Application.objects.count() == 1


def test_an_application_to_a_closed_call_is_refused(delegate, call):
    call.opens_at = timezone.now() - datetime.timedelta(days=30)
    call.closes_at = timezone.now() - datetime.timedelta(days=1)
    call.save()
    with pytest.raises(ValidationError, match=r"The call closed on .*Europe/Brussels"):
        services.application_start(call=call, city=delegate.city, by=delegate)
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"min_population": 1_000_000}, "at least 1 000 000 inhabitants"),
        ({"max_population": 100_000}, "at most 100 000 inhabitants"),
    ],
)
def test_the_city_size_of_the_call_is_enforced(delegate, call, change, message):
    for field, value in change.items():
        setattr(call, field, value)
    call.save()
    with pytest.raises(ValidationError, match=message):
        services.application_start(call=call, city=delegate.city, by=delegate)


def test_an_alliance_applies_only_where_the_call_allows_it(call):
    alliance = CityFactory(name="Alliance of ports", kind="alliance")
    delegate = DelegateFactory(city=alliance)
    call.alliances_allowed = False
    call.save()
    with pytest.raises(ValidationError, match="Alliances of cities may not apply"):
        services.application_start(call=call, city=alliance, by=delegate)


def test_a_city_of_a_country_outside_the_call_is_refused(delegate, call):
    call.eu_countries.add(CityFactory().country)  # another EU country only
    with pytest.raises(ValidationError, match="not open to cities of"):
        services.application_start(call=call, city=delegate.city, by=delegate)


# --- Filling in over several sittings ------------------------------------------------------------
def test_autosave_keeps_the_draft_and_moves_the_completeness_meter(
    client_for, delegate, call, area, topic
):
    application = ApplicationFactory(
        call=call, city=delegate.city, goals="", experience="", delegation=""
    )
    client = client_for(delegate)
    response = client.post(
        url("application_autosave", application),
        form_data(application, area, topic),
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "Saved at" in page
    assert 'hx-swap-oob="true"' in page
    # Areas, goals, experience, delegation and the answer are there; partners and the
    # letter of support are not: 5 of 7.
    assert "71 % complete" in page
    assert "Letter of support" in page
    application.refresh_from_db()
    assert application.goals == "Grow a hydrogen industry."
    assert list(application.topics.all()) == [topic]
    assert application.answers.get().text == "Our partner city leads on hydrogen."


def test_a_bad_autosave_saves_nothing_and_says_why(client_for, delegate, call, area, topic):
    application = ApplicationFactory(call=call, city=delegate.city, goals="Before")
    question = call.questions.get()
    client = client_for(delegate)
    data = form_data(application, area, topic, **{f"answer_{question.pk}": "x" * 201})
    response = client.post(url("application_autosave", application), data)
    assert "Not saved" in response.content.decode()
    application.refresh_from_db()
    assert application.goals == "Before"
    assert not application.answers.exists()


def test_a_topic_without_its_area_is_refused_in_full(client_for, delegate, call, area, topic):
    application = ApplicationFactory(call=call, city=delegate.city, goals="Before")
    client = client_for(delegate)
    response = client.post(
        application.get_absolute_url(), form_data(application, area, topic, thematic_areas=[])
    )
    assert response.status_code == 400
    assert "Tick the thematic area of each topic" in response.content.decode()
    application.refresh_from_db()
    assert application.goals == "Before"


def test_a_non_pdf_upload_is_refused_and_nothing_kept(client_for, delegate, call):
    application = ApplicationFactory(call=call, city=delegate.city)
    document = call.documents_required.get()
    client = client_for(delegate)
    fake = SimpleUploadedFile("letter.pdf", b"MZ not a pdf at all", content_type="application/pdf")
    response = client.post(
        url("application_document", application, document=document.pk),
        {f"doc{document.pk}-file": fake},
    )
    assert response.status_code == 400
    assert "The content of this file is not a real .pdf file." in response.content.decode()
    word = SimpleUploadedFile("letter.docx", b"PK\x03\x04", content_type="application/msword")
    response = client.post(
        url("application_document", application, document=document.pk),
        {f"doc{document.pk}-file": word},
    )
    assert "Files of type “.docx” are not accepted. Accepted: pdf." in response.content.decode()
    assert not ApplicationDocument.objects.exists()


def test_a_pdf_upload_is_kept_and_downloaded(client_for, delegate, call):
    application = ApplicationFactory(call=call, city=delegate.city)
    document = call.documents_required.get()
    client = client_for(delegate)
    upload = SimpleUploadedFile("Mayor letter.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        url("application_document", application, document=document.pk),
        {f"doc{document.pk}-file": upload},
    )
    assert response.status_code == 302
    download = client.get(url("application_document", application, document=document.pk))
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert "Mayor letter.pdf" in download["Content-Disposition"]


# --- Submission, receipt, withdrawal -------------------------------------------------------------
def test_an_incomplete_application_is_not_submitted(client_for, delegate, call):
    application = ApplicationFactory(call=call, city=delegate.city)
    client = client_for(delegate)
    response = client.post(url("application_submit", application), follow=True)
    page = response.content.decode()
    assert "Complete the application before you submit it" in page
    assert "Letter of support" in page
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_a_complete_application_is_submitted_with_a_receipt(
    client_for, delegate, call, area, topic
):
    application = ApplicationFactory(call=call, city=delegate.city)
    complete(application, area, topic, delegate)
    client = client_for(delegate)
    with_commit = client.post(url("application_submit", application), follow=True)
    assert "Your application was submitted" in with_commit.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.submitted_by == delegate
    response = client.get(url("application_receipt", application))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert application.reference in text
    assert "Tampere" in text
    assert "Grow a hydrogen industry." in text
    assert "Europe/Brussels" in text


def test_the_submitter_is_told_once_with_the_receipt_link(delegate, call, area, topic):
    application = ApplicationFactory(call=call, city=delegate.city)
    complete(application, area, topic, delegate)
    services.application_submit(application=application, by=delegate)
    message = EmailMessage.objects.get(kind="application_submitted")
    assert message.to == delegate.email
    assert application.reference in message.subject
    assert url("application_receipt", application) in message.text


def test_a_late_submission_is_refused_in_the_calls_zone(delegate, call, area, topic):
    application = ApplicationFactory(call=call, city=delegate.city)
    complete(application, area, topic, delegate)
    call.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    call.time_zone = "Asia/Seoul"
    call.save()
    with pytest.raises(ValidationError, match=r"late applications are not accepted"):
        services.application_submit(application=application, by=delegate)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.submitted_at is None


def test_a_draft_of_a_closed_call_can_no_longer_be_changed(client_for, delegate, call):
    application = ApplicationFactory(call=call, city=delegate.city)
    call.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    call.save()
    page = client_for(delegate).get(application.get_absolute_url()).content.decode()
    assert "This draft was not submitted before the call closed" in page
    assert "Submit the application" not in page


def test_a_withdrawal_keeps_the_application_on_record(client_for, delegate, call):
    application = ApplicationFactory(
        call=call, city=delegate.city, status=Application.Status.SUBMITTED
    )
    client = client_for(delegate)
    assert client.get(url("application_withdraw", application)).status_code == 200
    response = client.post(
        url("application_withdraw", application), {"reason": "The council changed."}, follow=True
    )
    assert "The application was withdrawn." in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert application.withdrawal_reason == "The council changed."


def test_an_application_decided_on_cannot_be_withdrawn(delegate, call):
    application = ApplicationFactory(
        call=call, city=delegate.city, status=Application.Status.SUBMITTED, decision="selected"
    )
    with pytest.raises(ValidationError, match="A decision was made"):
        services.application_withdraw(application=application, by=delegate)


# --- Who sees what -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "page", "status"),
    [
        ("visitor", "application_detail", 302),
        ("delegate", "application_detail", 200),
        ("other_delegate", "application_detail", 404),
        ("coordinator", "application_detail", 404),
        ("staff", "application_detail", 200),
        ("visitor", "application_receipt", 302),
        ("delegate", "application_receipt", 200),
        ("other_delegate", "application_receipt", 404),
        ("staff", "application_receipt", 200),
        ("delegate", "application_withdraw", 200),
        ("other_delegate", "application_withdraw", 404),
        ("staff", "application_withdraw", 403),
    ],
)
def test_the_permission_matrix(
    client_for, call, delegate, partner_delegate, coordinator, programme_staff, who, page, status
):
    application = ApplicationFactory(
        call=call, city=delegate.city, status=Application.Status.SUBMITTED
    )
    user = {
        "visitor": None,
        "delegate": delegate,
        "other_delegate": partner_delegate,
        "coordinator": coordinator,
        "staff": programme_staff,
    }[who]
    assert client_for(user).get(url(page, application)).status_code == status


def test_another_citys_delegate_cannot_write_to_an_application(
    client_for, delegate, partner_delegate, call, area, topic
):
    application = ApplicationFactory(call=call, city=delegate.city, goals="Ours")
    client = client_for(partner_delegate)
    response = client.post(
        url("application_autosave", application), form_data(application, area, topic)
    )
    assert response.status_code == 404
    response = client.post(url("application_submit", application))
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.goals == "Ours"


def test_staff_read_an_application_but_do_not_change_it(
    client_for, programme_staff, delegate, call, area, topic
):
    application = ApplicationFactory(call=call, city=delegate.city, goals="Ours")
    client = client_for(programme_staff)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Ours" in page
    assert "Submit the application" not in page
    response = client.post(
        url("application_autosave", application), form_data(application, area, topic)
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.goals == "Ours"


def test_the_call_page_lists_only_the_readers_city_applications(
    client_for, delegate, partner_delegate, call
):
    mine = ApplicationFactory(call=call, city=delegate.city)
    theirs = ApplicationFactory(call=call, city=partner_delegate.city)
    page = client_for(delegate).get(call.get_absolute_url()).content.decode()
    assert mine.reference in page
    assert theirs.reference not in page


def test_visitors_read_the_call(client, call):
    page = client.get(call.get_absolute_url()).content.decode()
    assert "Call for cities 2027" in page
    assert "Why does your city apply?" in page
    assert "Letter of support" in page
    assert "log in" in page


# --- Invitations ---------------------------------------------------------------------------------
def test_staff_invite_a_city_without_an_account(programme_staff, call):
    city = CityFactory(name="Lund", slug="lund")
    invitation = services.call_invitation_send(
        call=call, city=city, email="Mayor@Lund.example", by=programme_staff
    )
    user = User.objects.get(email__iexact="mayor@lund.example")
    assert invitation.user == user
    assert user.role == Role.DELEGATE and user.city == city
    sent = EmailMessage.objects.get(kind="call_invitation")
    assert "Lund" in sent.subject
    assert "/accounts/password/reset/key/" in sent.text
    assert call.get_absolute_url() in sent.text
    with pytest.raises(ValidationError, match="already invited"):
        services.call_invitation_send(
            call=call, city=city, email="mayor@lund.example", by=programme_staff
        )
    assert CallInvitation.objects.count() == 1


def test_an_invitation_to_an_address_of_another_city_is_refused(programme_staff, delegate, call):
    with pytest.raises(ValidationError, match="not a delegate of Lund"):
        services.call_invitation_send(
            call=call, city=CityFactory(name="Lund"), email=delegate.email, by=programme_staff
        )
    assert not CallInvitation.objects.exists()


# --- Queries -------------------------------------------------------------------------------------
def _application_with(call, city, rows: int):
    application = ApplicationFactory(call=call, city=city)
    for i in range(rows):
        ApplicationPartnerFactory(application=application, sector="research", name=f"Lab {i}")
        CallQuestionFactory(call=call)
    return application


@pytest.mark.parametrize("page", ["application_detail", "application_receipt"])
def test_the_application_page_makes_as_many_queries_for_many_rows(
    client_for, delegate, call, django_assert_num_queries, page, settings
):
    client = client_for(delegate)
    one = _application_with(call, delegate.city, 1)
    if page == "application_receipt":
        Application.objects.filter(pk=one.pk).update(
            status="submitted", submitted_at=timezone.now()
        )
    client.get(url(page, one))  # warm the session and the permission caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url(page, one)).status_code == 200
    other_call = CallFactory(edition=call.edition, slug="other")
    CallDocumentFactory(call=other_call)
    many = _application_with(other_call, delegate.city, 12)
    if page == "application_receipt":
        Application.objects.filter(pk=many.pk).update(
            status="submitted", submitted_at=timezone.now()
        )
    with django_assert_num_queries(len(few)):
        assert client.get(url(page, many)).status_code == 200


def test_staff_invite_from_the_admin_and_see_a_refusal_on_the_form(
    client_for, programme_staff, delegate, call
):
    lund = CityFactory(name="Lund", slug="lund")
    client = client_for(programme_staff)
    add = reverse("admin:twinning_callinvitation_add")
    response = client.post(add, {"call": call.pk, "city": lund.pk, "email": delegate.email})
    assert response.status_code == 200
    assert "not a delegate of Lund" in response.content.decode()
    assert not CallInvitation.objects.exists()
    response = client.post(add, {"call": call.pk, "city": lund.pk, "email": "mayor@lund.example"})
    assert response.status_code == 302
    invitation = CallInvitation.objects.get()
    assert invitation.user.city == lund
    assert invitation.invited_by == programme_staff
    assert EmailMessage.objects.filter(kind="call_invitation", to="mayor@lund.example").exists()
