"""``{% form_fields %}``: a blank reader's form is rendered once per process and language; a
form about a saved row, a bound one or a class without the promise is rendered every time,
so nothing of one reader reaches another."""

import pytest
from django.template import engines
from django.utils import translation

from practices.forms import CommentForm, TransferForm
from tests.practices.factories import TransferFactory
from worldcities.templatetags import form_fields

TEMPLATE = engines["django"].from_string("{% load form_fields %}{% form_fields form %}")


def render(form) -> str:
    return TEMPLATE.render({"form": form})


def test_a_blank_form_is_rendered_once_per_language():
    form_fields._kept.clear()
    first = render(CommentForm(prefix="comment"))
    assert 'name="comment-body"' in first and "<label" in first
    assert render(CommentForm(prefix="comment")) == first
    assert len(form_fields._kept) == 1
    with translation.override("fr"):
        render(CommentForm(prefix="comment"))
    assert len(form_fields._kept) == 2


@pytest.mark.django_db
def test_a_form_about_a_saved_row_or_bound_is_the_readers_own():
    form_fields._kept.clear()
    transfer = TransferFactory(story="Our own pilot in three districts")
    theirs = render(TransferForm(instance=transfer, prefix="transfer"))
    assert "Our own pilot in three districts" in theirs
    assert "Our own pilot" not in render(TransferForm(prefix="transfer"))
    bound = render(CommentForm({"comment-kind": "question", "comment-body": ""}, prefix="comment"))
    assert "This field is required." in bound
    assert "This field is required." not in render(CommentForm(prefix="comment"))
    assert len(form_fields._kept) == 2  # the blank transfer and question forms only
