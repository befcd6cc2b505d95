"""What the OpenAPI schema says beyond each resource's own fields: the errors every operation
may answer, in one format (``ErrorSerializer``), and the conditional-GET headers."""

from django.utils.translation import gettext_lazy as _

ERRORS = {
    "400": _(
        "A parameter is unknown or its value is not valid (an unknown filter, a page size "
        "out of range): the body names each parameter with what was wrong."
    ),
    "401": _("The token is malformed, unknown, revoked or expired; the body says which."),
    "404": _("No such resource, or one this reader may not see; or a cursor this API never gave."),
    "406": _("The Accept header asks for something other than JSON."),
    "429": _("Too many requests: wait the number of seconds in Retry-After."),
}

ERROR_SCHEMA = {
    "type": "object",
    "description": str(
        _(
            "An error: either ``detail`` (a message) or, for parameters, each parameter's name "
            "with a list of messages."
        )
    ),
    "properties": {"detail": {"type": "string", "description": "What was wrong."}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"page_size": ["A page holds 1 to 100 rows."]},
}


def add_errors_and_validators(result, generator, request, public):
    """A drf-spectacular postprocessing hook: every operation documents the errors it may
    answer and the ``ETag``, ``Last-Modified`` and ``304`` of a conditional GET."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    validators = {
        "ETag": {
            "description": str(_("Send it back in If-None-Match to get 304 if nothing changed.")),
            "schema": {"type": "string"},
        },
        "Last-Modified": {
            "description": str(_("For visitors: when what the resource shows last changed.")),
            "schema": {"type": "string"},
        },
    }
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method != "get":
                continue
            responses = operation.setdefault("responses", {})
            if "200" in responses:
                responses["200"].setdefault("headers", {}).update(validators)
            responses.setdefault(
                "304",
                {"description": str(_("Not modified: the copy in If-None-Match is current."))},
            )
            for code, description in ERRORS.items():
                responses.setdefault(code, {"description": str(description), "content": error})
            operation.setdefault("parameters", [])
            names = {p["name"] for p in operation["parameters"]}
            if "If-None-Match" not in names:
                operation["parameters"].append(
                    {
                        "in": "header",
                        "name": "If-None-Match",
                        "required": False,
                        "description": str(_("An ETag this API gave: 304 if still current.")),
                        "schema": {"type": "string"},
                    }
                )
    return result
