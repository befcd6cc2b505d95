"""Lays out a ``ReportData`` as a PDF (HTML through WeasyPrint, bar charts in SVG) or as an
XLSX workbook (a sheet of figures, then a sheet per table, with native bar charts)."""

import io

from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill

from worldcities.spreadsheets import safe_cell

from .builders import ReportData

HEADER_FILL = PatternFill("solid", fgColor="E6EEF8")


def render_pdf(data: ReportData) -> bytes:
    from weasyprint import HTML

    html = render_to_string("reports/pdf.html", {"report": data})
    return HTML(string=html).write_pdf()


def render_xlsx(data: ReportData) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary_name = _sheet_name(_("Summary"), set())
    summary.title = summary_name
    summary.append([_cell(data.title)])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([_cell(data.subtitle)])
    summary.append([])
    for label, value in data.figures:
        summary.append([_cell(label), _cell(value)])
    summary.column_dimensions["A"].width = 40

    used = {summary_name}
    for table in data.tables:
        name = _sheet_name(table.title, used)
        sheet = workbook.create_sheet(name)
        sheet.append([_cell(column) for column in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
        for row in table.rows:
            sheet.append([_cell(value) for value in row])
        for index, _column in enumerate(table.columns):
            letter = sheet.cell(row=1, column=index + 1).column_letter
            sheet.column_dimensions[letter].width = 18 if index else 40
        if table.chart and table.rows:
            chart = BarChart()
            chart.type = "bar"
            chart.title = table.title
            chart.legend = None
            values = Reference(sheet, min_col=2, min_row=1, max_row=len(table.rows) + 1)
            labels = Reference(sheet, min_col=1, min_row=2, max_row=len(table.rows) + 1)
            chart.add_data(values, titles_from_data=True)
            chart.set_categories(labels)
            sheet.add_chart(
                chart, f"{sheet.cell(row=1, column=len(table.columns) + 2).column_letter}2"
            )
    for heading, text in data.texts:
        sheet = workbook.create_sheet(_sheet_name(heading, used))
        sheet.append([_cell(heading)])
        sheet["A1"].font = Font(bold=True)
        for line in text.splitlines():
            sheet.append([_cell(line)])
        sheet.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value):
    if isinstance(value, int | float) or value is None:
        return value
    return safe_cell(str(value))


def _sheet_name(title: str, used: set[str]) -> str:
    base = (slugify(title, allow_unicode=True).replace("-", " ").title() or _("Sheet"))[:28]
    name, number = base, 2
    while name in used:
        name = f"{base[:25]} {number}"
        number += 1
    used.add(name)
    return name


RENDERERS = {
    "pdf": (render_pdf, "application/pdf"),
    "xlsx": (
        render_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}
