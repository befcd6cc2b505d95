"""The practice form: thematic areas follow from the topics, a file chosen on a submit that
failed is kept for the next one, blank formset rows look optional, and each label says what
it is about."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cities.models import Organisation
from practices.models import Attachment, PendingUpload, Practice
from practices.services import PENDING_UPLOAD_HOURS, pending_uploads_expire
from practices.tasks import expire_pending_uploads
from tests.cities.factories import OrganisationFactory, ThematicAreaFactory, TopicFactory
from tests.users.factories import DelegateFactory

from .conftest import PDF, PNG
from .factories import (
    AttachmentFactory,
    KeyFigureFactory,
    LinkFactory,
    PartnerFactory,
    PracticeFactory,
)
from .test_views import practice_post

pytestmark = pytest.mark.django_db


def fieldset(html: str, prefix: str) -> str:
    return html.split(f'id="formset-{prefix}"')[1].split("</fieldset>")[0]


# --- Thematic areas follow from the topics ------------------------------------------------------
def test_a_topic_alone_brings_its_thematic_area(client, delegate):
    climate = ThematicAreaFactory(name="Climate Change", order=3)
    smart = ThematicAreaFactory(name="Smart City", order=1)
    energy = TopicFactory(area=climate, name="Green energy")
    client.force_login(delegate)
    data = practice_post(smart, topics=[energy.pk])
    data["thematic_areas"] = []
    assert client.post(reverse("practices:create"), data).status_code == 302
    practice = Practice.objects.get()
    assert list(practice.thematic_areas.all()) == [climate]
    assert list(practice.topics.all()) == [energy]


def test_an_area_ticked_and_another_areas_topic_both_count(client, delegate):
    climate = ThematicAreaFactory(name="Climate Change", order=3)
    smart = ThematicAreaFactory(name="Smart City", order=1)
    client.force_login(delegate)
    data = practice_post(smart, topics=[TopicFactory(area=climate).pk])
    assert client.post(reverse("practices:create"), data).status_code == 302
    assert list(Practice.objects.get().thematic_areas.order_by("order")) == [smart, climate]


def test_neither_area_nor_topic_is_refused_and_nothing_saved(client, delegate):
    client.force_login(delegate)
    data = practice_post(ThematicAreaFactory())
    data["thematic_areas"] = []
    response = client.post(reverse("practices:create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["thematic_areas"] == [
        "Tick at least one topic or thematic area."
    ]
    assert not Practice.objects.exists()


def test_the_form_explains_that_topics_bring_their_areas(client, delegate):
    client.force_login(delegate)
    html = client.get(reverse("practices:create")).content.decode()
    assert "Ticking a topic adds its thematic area when you save" in html


# --- Labels and blank rows ----------------------------------------------------------------------
def test_every_title_and_address_label_says_what_it_is_about(client, delegate):
    client.force_login(delegate)
    html = client.get(reverse("practices:create")).content.decode()
    labels = re.findall(r'<label for="id_[^"]*">([^<*]+)', html)
    labels = [label.strip() for label in labels]
    assert "Practice title" in labels
    assert "Attachment title" in labels
    assert "Link title" in labels
    assert "Partner organisation" in labels
    assert "Web address" in labels
    assert "Title" not in labels
    assert not [label for label in labels if label[:1].islower()]


def test_blank_rows_look_optional_and_saved_rows_can_be_deleted(client, delegate):
    practice = PracticeFactory(city=delegate.city, author=delegate)
    AttachmentFactory(practice=practice)
    client.force_login(delegate)
    html = client.get(reverse("practices:edit", kwargs={"slug": practice.slug})).content.decode()
    for prefix in ("key_figures", "partners", "links"):
        rows = fieldset(html, prefix)
        assert "Optional: a row left blank is skipped." in rows
        assert '<span aria-hidden="true">*</span>' not in rows, prefix
        assert "DELETE" not in rows, prefix
    attachments = fieldset(html, "attachments")
    assert 'name="attachments-0-DELETE"' in attachments  # the saved file
    assert 'name="attachments-1-DELETE"' not in attachments  # the blank row


# --- A chosen file survives a failed submit -----------------------------------------------------
def failed_submit_with_a_file(client, area):
    return client.post(
        reverse("practices:create"),
        practice_post(
            area,
            title="",
            **{
                "attachments-0-title": "Final report",
                "attachments-0-file": SimpleUploadedFile("final report.pdf", PDF),
            },
        ),
    )


def test_a_failed_submit_keeps_the_file_and_the_next_submit_saves_it(
    client, delegate, django_capture_on_commit_callbacks
):
    area = ThematicAreaFactory()
    client.force_login(delegate)
    response = failed_submit_with_a_file(client, area)
    assert response.status_code == 400
    assert not Practice.objects.exists()
    pending = PendingUpload.objects.get()
    assert (pending.owner, pending.original_name, pending.content_type) == (
        delegate,
        "final report.pdf",
        "application/pdf",
    )
    html = response.content.decode()
    assert "Already chosen: final report.pdf." in html
    assert f'name="attachments-0-pending" value="{pending.pk}"' in html
    assert "Remove final report.pdf" in html
    stored = pending.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("practices:create"),
            practice_post(
                area,
                **{"attachments-0-title": "Final report", "attachments-0-pending": pending.pk},
            ),
        )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.title, attachment.original_name, attachment.content_type) == (
        "Final report",
        "final report.pdf",
        "application/pdf",
    )
    assert attachment.file.read() == PDF
    assert "pending" not in attachment.file.name
    assert not PendingUpload.objects.exists()
    assert not pending.file.storage.exists(stored)


def test_a_file_failing_its_checks_is_not_kept(client, delegate):
    client.force_login(delegate)
    response = client.post(
        reverse("practices:create"),
        practice_post(
            ThematicAreaFactory(),
            title="",
            **{"attachments-0-file": SimpleUploadedFile("page.pdf", b"<html></html>")},
        ),
    )
    assert response.status_code == 400
    assert not PendingUpload.objects.exists()
    assert "Already chosen" not in response.content.decode()


def test_remove_drops_the_kept_file(client, delegate):
    area = ThematicAreaFactory()
    client.force_login(delegate)
    failed_submit_with_a_file(client, area)
    pending = PendingUpload.objects.get()
    response = client.post(
        reverse("practices:create"),
        practice_post(
            area, **{"attachments-0-pending": pending.pk, "attachments-0-remove_pending": "on"}
        ),
    )
    assert response.status_code == 302
    assert Practice.objects.exists()
    assert not Attachment.objects.exists()


def test_a_file_kept_for_someone_else_is_not_used(client, delegate):
    area = ThematicAreaFactory()
    other = DelegateFactory(city=delegate.city)
    client.force_login(other)
    failed_submit_with_a_file(client, area)
    pending = PendingUpload.objects.get()
    client.force_login(delegate)
    response = client.post(
        reverse("practices:create"),
        practice_post(
            area, **{"attachments-0-title": "Mine?", "attachments-0-pending": pending.pk}
        ),
    )
    assert response.status_code == 400
    assert response.context["formsets"][2][1].forms[0].errors["file"] == [
        "The file chosen before is no longer kept: please choose it again."
    ]
    assert not Practice.objects.exists()
    assert PendingUpload.objects.get() == pending


def test_kept_files_expire_with_their_rows(django_capture_on_commit_callbacks, delegate):
    old = PendingUpload.objects.create(
        owner=delegate, original_name="old.pdf", content_type="application/pdf", size=len(PDF)
    )
    old.file.save("old.pdf", ContentFile(PDF))
    fresh = PendingUpload.objects.create(
        owner=delegate, original_name="new.pdf", content_type="application/pdf", size=len(PDF)
    )
    fresh.file.save("new.pdf", ContentFile(PDF))
    PendingUpload.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=PENDING_UPLOAD_HOURS, minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_pending_uploads.apply().get(disable_sync_subtasks=False) == 1
    assert list(PendingUpload.objects.all()) == [fresh]
    assert not old.file.storage.exists(old.file.name)
    assert fresh.file.storage.exists(fresh.file.name)
    assert pending_uploads_expire() == 0  # a second run finds nothing


def test_partner_rows_keep_their_labels_and_rules(client, delegate):
    client.force_login(delegate)
    organisation = OrganisationFactory()
    response = client.post(
        reverse("practices:create"),
        practice_post(ThematicAreaFactory(), **{"partners-0-organisation": organisation.name}),
    )
    assert response.status_code == 400
    assert response.context["formsets"][1][1].forms[0].errors["role"] == ["This field is required."]


def test_a_cover_image_survives_a_failed_submit_too(
    client, delegate, django_capture_on_commit_callbacks
):
    area = ThematicAreaFactory()
    client.force_login(delegate)
    response = client.post(
        reverse("practices:create"),
        practice_post(area, title="", cover_image=SimpleUploadedFile("bus.png", PNG)),
    )
    assert response.status_code == 400
    pending = PendingUpload.objects.get()
    html = response.content.decode()
    assert f'name="cover_pending" value="{pending.pk}"' in html
    assert "Already chosen: bus.png." in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("practices:create"), practice_post(area, cover_pending=pending.pk)
        )
    assert response.status_code == 302
    practice = Practice.objects.get()
    assert practice.cover_content_type == "image/png"
    assert practice.cover_image.read() == PNG
    assert not PendingUpload.objects.exists()


# --- Saving many rows costs no more queries than saving one -------------------------------------
def _edit_post(practice, **overrides):
    """The edit form of ``practice`` as it stands, with its figures, partners and links."""
    data = practice_post(practice.thematic_areas.first(), title=practice.title, then="save")
    rows = {
        "key_figures": [
            {"id": f.pk, "label": f.label, "value": f.value, "unit": f.unit, "year": f.year or ""}
            for f in practice.key_figures.all()
        ],
        "partners": [
            {"id": p.pk, "organisation": p.organisation.name, "role": p.role}
            for p in practice.partners.select_related("organisation")
        ],
        "links": [
            {"id": link.pk, "title": link.title, "url": link.url} for link in practice.links.all()
        ],
    }
    for prefix, forms in rows.items():
        data[f"{prefix}-TOTAL_FORMS"] = str(len(forms) + 1)
        data[f"{prefix}-INITIAL_FORMS"] = str(len(forms))
        for i, form in enumerate(forms):
            data.update({f"{prefix}-{i}-{name}": value for name, value in form.items()})
    data.update(overrides)
    return data


def _draft_with_rows(delegate, n):
    practice = PracticeFactory(
        city=delegate.city,
        status="draft",
        published_at=None,
        thematic_areas=[ThematicAreaFactory()],
    )
    for i in range(n):
        KeyFigureFactory(practice=practice, label=f"Figure {i}")
        PartnerFactory(practice=practice)
        LinkFactory(practice=practice, url=f"https://example.org/{i}")
    return practice


def test_a_draft_save_costs_the_same_queries_with_one_row_or_many(client, delegate):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(delegate)
    counts = []
    for n in (1, 4):
        practice = _draft_with_rows(delegate, n)
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                reverse("practices:edit", args=[practice.slug]), _edit_post(practice)
            )
        assert response.status_code == 302, response.content[:2000]
        counts.append(len(captured.captured_queries))
        assert practice.partners.count() == n
    assert counts[0] == counts[1], counts


def test_a_row_of_another_practice_or_an_unknown_organisation_is_refused(client, delegate):
    practice = _draft_with_rows(delegate, 1)
    other = _draft_with_rows(delegate, 1)
    client.force_login(delegate)
    url = reverse("practices:edit", args=[practice.slug])
    foreign = _edit_post(practice, **{"partners-0-id": other.partners.get().pk})
    response = client.post(url, foreign)
    assert response.status_code == 400
    assert response.context["formsets"][1][1].forms[0].errors["id"]
    unknown = _edit_post(practice, **{"partners-0-organisation": "Nowhere Institute"})
    response = client.post(url, unknown)
    assert response.status_code == 400
    assert response.context["formsets"][1][1].forms[0].errors["organisation"] == [
        "“Nowhere Institute” is not an organisation of the platform: choose one from the list."
    ]
    assert other.partners.count() == practice.partners.count() == 1


def test_the_editor_lists_the_organisations_once_however_many_partner_rows(client, delegate):
    """The page suggests every organisation once, in one list for all rows (read in one
    query); each row shows its own organisation by name and refers to that list."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(delegate)
    counts = []
    for n in (1, 4):
        practice = _draft_with_rows(delegate, n)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("practices:edit", args=[practice.slug]))
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
        partners = fieldset(response.content.decode(), "partners")
        assert partners.count('<datalist id="partner-organisations">') == 1
        assert partners.count("<option") == Organisation.objects.count()
        for partner in practice.partners.select_related("organisation"):
            assert f'<option value="{escape(partner.organisation.name)}">' in partners
            assert f'value="{escape(partner.organisation.name)}" list="partner-organisations"' in (
                partners
            )
        # The blank row too takes its suggestions from the list.
        assert partners.count('list="partner-organisations"') == n + 1
    assert counts[0] == counts[1], counts


def test_a_partner_is_found_by_its_name_whatever_its_case_and_spacing(client, delegate):
    practice = _draft_with_rows(delegate, 1)
    research = OrganisationFactory(name="Institute of Urban Research")
    client.force_login(delegate)
    typed = "  institute of  URBAN research "
    response = client.post(
        reverse("practices:edit", args=[practice.slug]),
        _edit_post(practice, **{"partners-0-organisation": typed}),
    )
    assert response.status_code == 302
    assert practice.partners.get().organisation == research


def test_a_name_picked_from_the_list_is_found_however_it_is_spaced(client, delegate):
    """A name stored with a double space, picked from the page's list as it stands."""
    practice = _draft_with_rows(delegate, 1)
    spaced = OrganisationFactory(name="Urban  Lab of Ghent ")
    client.force_login(delegate)
    response = client.post(
        reverse("practices:edit", args=[practice.slug]),
        _edit_post(practice, **{"partners-0-organisation": spaced.name}),
    )
    assert response.status_code == 302
    assert practice.partners.get().organisation == spaced


def test_names_that_differ_only_in_capitals_take_the_one_typed_exactly(client, delegate):
    practice = _draft_with_rows(delegate, 1)
    upper = OrganisationFactory(name="CITY LAB")
    lower = OrganisationFactory(name="City Lab")
    client.force_login(delegate)
    url = reverse("practices:edit", args=[practice.slug])
    response = client.post(url, _edit_post(practice, **{"partners-0-organisation": "City Lab"}))
    assert response.status_code == 302
    assert practice.partners.get().organisation == lower
    response = client.post(url, _edit_post(practice, **{"partners-0-organisation": "city lab"}))
    assert response.status_code == 400
    assert response.context["formsets"][1][1].forms[0].errors["organisation"] == [
        "Several organisations are called “city lab”, written with other capitals or spaces: "
        "type the name exactly as the list shows it."
    ]
    assert practice.partners.get().organisation == lower
    assert upper.pk != lower.pk


def test_a_save_that_succeeds_reads_no_list_of_organisations(client, delegate):
    """The organisations a row offers are read only to draw the form."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    practice = _draft_with_rows(delegate, 2)
    OrganisationFactory.create_batch(3)
    client.force_login(delegate)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            reverse("practices:edit", args=[practice.slug]), _edit_post(practice)
        )
    assert response.status_code == 302
    listed = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "cities_organisation"' in q["sql"] and "WHERE" not in q["sql"]
    ]
    assert listed == []
