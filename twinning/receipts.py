"""The receipt of a submitted application, as a PDF (laid out in HTML, printed by WeasyPrint as
the reports are)."""

from django.template.loader import render_to_string
from django.utils import timezone

from . import selectors


def application_receipt_pdf(application) -> bytes:
    """The receipt of ``application`` (read with ``selectors.application_for_page``)."""
    from weasyprint import HTML

    html = render_to_string(
        "twinning/application_receipt.html",
        {
            "application": application,
            "call": application.call,
            "submitted": application.call.in_zone(application.submitted_at),
            "printed": application.call.in_zone(timezone.now()),
            "answers": {a.question_id: a.text for a in application.answers.all()},
            "completeness": selectors.application_completeness(application),
        },
    )
    return HTML(string=html).write_pdf()
