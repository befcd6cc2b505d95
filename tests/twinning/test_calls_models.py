import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tests.twinning.factories import (
    ApplicationDocumentFactory,
    ApplicationFactory,
    CallFactory,
    ReviewAssignmentFactory,
    ReviewCriterionFactory,
    ScoreFactory,
)
from twinning.models import Application, Score

pytestmark = pytest.mark.django_db


def test_a_call_closes_after_it_opens():
    call = CallFactory.build(edition=CallFactory().edition)
    call.closes_at = call.opens_at - datetime.timedelta(hours=1)
    with pytest.raises(ValidationError, match="closes after it opens"):
        call.full_clean()


def test_a_submitted_application_has_a_submission_time():
    application = ApplicationFactory()
    with pytest.raises(IntegrityError):
        Application.objects.filter(pk=application.pk).update(status="submitted")


def test_a_score_above_the_criterion_scale_is_refused():
    assignment = ReviewAssignmentFactory()
    criterion = ReviewCriterionFactory(call=assignment.application.call, scale_max=5)
    score = Score(assignment=assignment, criterion=criterion, value=6)
    with pytest.raises(ValidationError, match="between 0 and 5"):
        score.full_clean()


def test_factories_build_a_scored_review_with_a_document():
    score = ScoreFactory()
    document = ApplicationDocumentFactory(application=score.assignment.application)
    assert score.criterion.call == score.assignment.application.call
    assert document.required_document.call == document.application.call
    assert document.file.read().startswith(b"%PDF-")
