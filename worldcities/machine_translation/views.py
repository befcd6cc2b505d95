"""The addresses eTranslation posts its answers to. They take no login (the service has
none): an answer is accepted only for a request the platform made and still waits for
(``etranslation``), anything else is refused with 403."""

import json
import logging

from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import etranslation

logger = logging.getLogger(__name__)


def _fields(request) -> dict:
    """The callback's fields: form-encoded, as the service posts them, or a JSON object."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return {}
        return (
            {str(k): "" if v is None else str(v) for k, v in data.items()}
            if isinstance(data, dict)
            else {}
        )
    return request.POST.dict()


@csrf_exempt
@require_POST
def etranslation_answer(request):
    fields = _fields(request)
    try:
        etranslation.answer_arrived(
            ref=fields.get("external-reference", ""),
            request_id=fields.get("request-id", ""),
            text=fields.get("translated-text", ""),
        )
    except etranslation.Refused as refused:
        logger.warning("eTranslation answer refused: %s", refused)
        return HttpResponseForbidden("Refused.", content_type="text/plain")
    return HttpResponse("OK", content_type="text/plain")


@csrf_exempt
@require_POST
def etranslation_error(request):
    fields = _fields(request)
    try:
        waiting = etranslation.error_arrived(
            ref=fields.get("external-reference", ""),
            request_id=fields.get("request-id", ""),
            code=fields.get("error-code", ""),
            message=fields.get("error-message", ""),
        )
    except etranslation.Refused as refused:
        logger.warning("eTranslation error callback refused: %s", refused)
        return HttpResponseForbidden("Refused.", content_type="text/plain")
    logger.warning("eTranslation could not translate request %s: %s", waiting.pk, waiting.error)
    return HttpResponse("OK", content_type="text/plain")
