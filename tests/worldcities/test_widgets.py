"""``QuickSelect`` writes in Python what Django's select writes through its templates."""

import pytest
from django import forms
from django.test.html import parse_html

from cities.models import Country
from tests.cities.factories import CountryFactory
from worldcities.widgets import QuickSelect


class Choices(forms.Form):
    kind = forms.ChoiceField(
        choices=[("", "All kinds"), ("visit", "Study visit"), ("forum", "Forum & <fair>")],
        required=False,
    )
    grouped = forms.ChoiceField(
        choices=[("Europe", [("fi", "Finland"), ("pt", "Portugal")]), ("kr", "Korea")],
        required=False,
    )
    several = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], required=False)
    # Only the first of two equal values is selected.
    twice = forms.ChoiceField(
        choices=[(None, "None"), ("x", "X"), ("Group", [("x", "X again")])], required=False
    )
    country = forms.ModelChoiceField(
        queryset=Country.objects.order_by("name"), empty_label="All countries", required=False
    )


def rendered(form: forms.Form, widget_class) -> dict[str, object]:
    """Each field's HTML, parsed, with every select drawn by ``widget_class``."""
    for field in form.fields.values():
        multiple = isinstance(field, forms.MultipleChoiceField)
        widget = widget_class(attrs={"class": "wide", "disabled": False})
        widget.allow_multiple_selected = multiple
        field.widget, widget.choices = widget, field.choices
    return {name: parse_html(str(form[name])) for name in form.fields}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"kind": "forum", "grouped": "pt", "several": ["a", "b"], "twice": "x"},
        {"kind": "nothing", "grouped": "kr"},
    ],
)
def test_a_quick_select_renders_what_django_s_select_renders(data):
    finland = CountryFactory(name="Finland")
    CountryFactory(name="Korea")
    if data:
        data = {**data, "country": str(finland.pk)}
    ours = rendered(Choices(data or None), QuickSelect)
    django_s = rendered(Choices(data or None), forms.Select)
    assert ours == django_s


def test_labels_are_escaped():
    html = QuickSelect(choices=[("x", "<b>bold</b>")]).render("kind", "x")
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>" not in html
    assert '<option value="x" selected>' in html
