"""The checkboxes of the practice list's facets. A list can show over a hundred of them, and
written through the template language (nine variables each) they were most of the time a
list with nothing cached spent rendering; this writes the same markup directly."""

from django import template
from django.utils.formats import localize
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

OPTION = (
    '<label class="checkbox-label" for="{}">\n'
    '  <input type="checkbox" id="{}" name="{}" value="{}"{}>\n'
    '  <span>{} <span class="facet-count">({})</span></span>\n'
    "</label>\n"
)
CHECKED = mark_safe(" checked")


@register.simple_tag
def facet_options(facet: dict) -> str:
    """One facet's options (``practices.selectors._facet``), each with an id of its own."""
    name = facet["name"]
    rows = []
    for number, option in enumerate(facet["options"], start=1):
        dom_id = f"facet-{name}-{number}"
        checked = CHECKED if option["checked"] else ""
        count = localize(option["count"])
        rows.append((dom_id, dom_id, name, option["value"], checked, option["label"], count))
    return format_html_join("", OPTION, rows)
