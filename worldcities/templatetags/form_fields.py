"""A form's labelled fields (``includes/form_fields.html``), rendered once per process and
language for a form that is the same for every reader: ``{% form_fields form %}``.

Rendering a form's widgets costs about a millisecond each time, and a page's reader forms (a
question, a review, a transfer) are most often blank, the same HTML for everyone. A form class
that sets ``same_for_every_reader = True`` promises that, unbound and about no saved row
(``instance.pk`` unset), it holds nothing but what its code says: no choices read from the
database, no initial value that changes with time, no reader. Its fields' HTML is then kept
in this process, per class, prefix, ``auto_id``, ``optional``, initial values (a status form
shows the current status) and active language (the platform's code and catalogues do not
change while a process runs, as its compiled templates do not). It holds no CSRF token: the
token is the enclosing ``<form>``'s, rendered for each reader. Any other form (bound, with
errors, about a saved row, or a class without the promise) is rendered for the reader as the
include renders it."""

from django import template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

register = template.Library()

TEMPLATE = "includes/form_fields.html"
_kept: dict[tuple, str] = {}


def is_blank(form) -> bool:
    if not getattr(type(form), "same_for_every_reader", False) or form.is_bound:
        return False
    instance = getattr(form, "instance", None)
    return instance is None or instance.pk is None


@register.simple_tag
def form_fields(form, optional=False):
    if not is_blank(form):
        return render_to_string(TEMPLATE, {"form": form, "optional": optional})
    key = (
        type(form).__module__,
        type(form).__qualname__,
        form.prefix,
        form.auto_id,
        bool(optional),
        repr(sorted(form.initial.items())),
        translation.get_language(),
    )
    html = _kept.get(key)
    if html is None:
        html = _kept[key] = render_to_string(TEMPLATE, {"form": form, "optional": optional})
    return mark_safe(html)  # the include's own output, escaped as it rendered
