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
