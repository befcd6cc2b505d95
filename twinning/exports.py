"""Pairings and actions as CSV and XLSX files (the admin's export actions)."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from worldcities.spreadsheets import safe_cell

from .models import PairingMember

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def pairing_rows(pairings):
    """A header row, then one row per pairing (prefetch ``members`` and areas/topics)."""
    yield [
        _("Pairing"),
        _("Edition"),
        _("Status"),
        _("EU lead city"),
        _("EU country"),
        _("Partner lead city"),
        _("Partner country"),
        _("Further EU members"),
        _("Further partner members"),
        _("Thematic areas"),
        _("Topics"),
        _("Objectives"),
        _("MoU signed on"),
        _("Actions"),
    ]
    for pairing in pairings:
        further = {PairingMember.Side.EU: [], PairingMember.Side.PARTNER: []}
        for member in pairing.members.all():
            further[member.side].append(member.city.name)
        yield [
            str(pairing),
            pairing.edition.name,
            pairing.get_status_display(),
            pairing.eu_lead.name,
            pairing.eu_lead.country.name,
            pairing.partner_lead.name,
            pairing.partner_lead.country.name,
            "; ".join(further[PairingMember.Side.EU]),
            "; ".join(further[PairingMember.Side.PARTNER]),
            "; ".join(area.name for area in pairing.thematic_areas.all()),
            "; ".join(topic.name for topic in pairing.topics.all()),
            pairing.objectives,
            pairing.mou_signed_on,
            len(pairing.actions.all()),
        ]


def pairings_for_export(queryset):
    return queryset.select_related(
        "edition", "eu_lead__country", "partner_lead__country"
    ).prefetch_related("members__city", "thematic_areas", "topics", "actions")


def action_rows(actions):
    yield [
        _("Action"),
        _("Pairing"),
        _("Edition"),
        _("Owner organisation"),
        _("Owner"),
        _("Due date"),
        _("Status"),
        _("Progress (%)"),
        _("Description"),
    ]
    for action in actions:
        yield [
            action.title,
            str(action.pairing),
            action.pairing.edition.name,
            action.owner_organisation.name if action.owner_organisation else "",
            str(action.owner_person) if action.owner_person else "",
            action.due_date,
            action.get_status_display(),
            action.progress,
            action.description,
        ]


def actions_for_export(queryset):
    return queryset.select_related(
        "pairing__edition",
        "pairing__eu_lead",
        "pairing__partner_lead",
        "owner_organisation",
        "owner_person",
    )


def _filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.{extension}"


def csv_response(rows, stem: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "csv")}"'
    response.write("\ufeff")  # lets spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    for row in rows:
        writer.writerow(["" if value is None else safe_cell(value) for value in row])
    return response


def xlsx_response(rows, stem: str, title: str) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for index, row in enumerate(rows):
        sheet.append([safe_cell(value) if isinstance(value, str) else value for value in row])
        if index == 0:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "xlsx")}"'
    return response


# --- The whole call -----------------------------------------------------------------------------
def _join(items) -> str:
    return "; ".join(str(item) for item in items)


def call_sheets(call) -> list[tuple[str, list[list]]]:
    """The call as four tables (title, rows with a header first): its applications (what each
    city said, with its aggregate), their answers, every score, and the decisions. A fixed
    number of queries, however many applications, answers and scores there are."""
    from .models import Application
    from .selectors import review_summary, review_total

    criteria = list(call.criteria.order_by("order", "id"))
    applications = list(
        Application.objects.filter(call=call)
        .select_related("city__country", "submitted_by", "decided_by")
        .prefetch_related(
            "thematic_areas",
            "topics",
            "partners",
            "answers__question",
            "review_assignments__reviewer",
            "review_assignments__scores",
        )
        .order_by("city__name", "pk")
    )
    apps = [
        [
            _("Reference"),
            _("City"),
            _("Country"),
            _("Status"),
            _("Submitted"),
            _("Thematic areas"),
            _("Topics"),
            _("Goals"),
            _("Experience"),
            _("Proposed delegation"),
            _("Triple-helix partners"),
            _("Reviews"),
            _("Weighted mean (%)"),
            _("Lowest (%)"),
            _("Highest (%)"),
            _("Standard deviation"),
            _("Decision"),
        ]
    ]
    answers = [[_("Reference"), _("City"), _("Question"), _("Answer")]]
    scores = [
        [
            _("Reference"),
            _("City"),
            _("Reviewer"),
            _("Review"),
            _("Criterion"),
            _("Weight"),
            _("Highest score"),
            _("Score"),
            _("Comment"),
            _("Review total (%)"),
            _("Overall comment"),
        ]
    ]
    decisions = [
        [
            _("Reference"),
            _("City"),
            _("Decision"),
            _("Reason"),
            _("Decided by"),
            _("Decided"),
            _("Sent to the city"),
        ]
    ]
    for application in applications:
        summary = review_summary(application, criteria)
        city = application.city.name
        ref = application.reference
        apps.append(
            [
                ref,
                city,
                application.city.country.name,
                application.get_status_display(),
                _naive(application.submitted_at),
                _join(area.name for area in application.thematic_areas.all()),
                _join(topic.name for topic in application.topics.all()),
                application.goals,
                application.experience,
                application.delegation,
                _join(f"{p.name} ({p.get_sector_display()})" for p in application.partners.all()),
                summary.reviews,
                summary.mean,
                summary.low,
                summary.high,
                summary.deviation,
                application.get_decision_display(),
            ]
        )
        for answer in sorted(application.answers.all(), key=lambda a: a.question.order):
            answers.append([ref, city, answer.question.text, answer.text])
        for assignment in application.review_assignments.all():
            by_criterion = {score.criterion_id: score for score in assignment.scores.all()}
            total = review_total(assignment.scores.all(), criteria)
            for criterion in criteria:
                score = by_criterion.get(criterion.pk)
                scores.append(
                    [
                        ref,
                        city,
                        str(assignment.reviewer),
                        assignment.get_state_display(),
                        criterion.name,
                        float(criterion.weight),
                        criterion.scale_max,
                        score.value if score else None,
                        score.comment if score else "",
                        round(total, 1) if total is not None else None,
                        assignment.comment,
                    ]
                )
        if application.decision:
            decisions.append(
                [
                    ref,
                    city,
                    application.get_decision_display(),
                    application.decision_reason,
                    str(application.decided_by) if application.decided_by else "",
                    _naive(application.decided_at),
                    _naive(application.decision_sent_at),
                ]
            )
    return [
        (_("Applications"), apps),
        (_("Answers"), answers),
        (_("Scores"), scores),
        (_("Decisions"), decisions),
    ]


def _naive(moment):
    """A time as a spreadsheet holds it: in the platform's zone, without one."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def call_xlsx_response(call) -> HttpResponse:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in call_sheets(call):
        sheet = workbook.create_sheet(str(title)[:31])
        for index, row in enumerate(rows):
            sheet.append([safe_cell(str(v)) if isinstance(v, str) else v for v in row])
            if index == 0:
                for cell in sheet[1]:
                    cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    stem = f"call-{call.edition.slug}-{call.slug}"[:120]
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "xlsx")}"'
    return response
