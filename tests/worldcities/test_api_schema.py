"""The OpenAPI schema as served at /api/schema/, exercised by schemathesis: every operation,
with inputs generated from the schema (valid and not), against the platform itself. No answer
may be a server error, and every answer (errors included) must match what the schema says:
its status, content type, headers and body."""

import datetime

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.openapi import checks as openapi_checks  # noqa: F401 - registers the checks

from meetings.models import Meeting
from practices.models import Practice
from tests.api import token_for
from tests.cities.factories import OrganisationFactory, ThematicAreaFactory, TopicFactory
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, RegistrationFactory
from tests.practices.factories import KeyFigureFactory, PracticeFactory, TransferFactory
from tests.twinning.factories import ActionFactory, MilestoneFactory, PairingFactory
from tests.users.factories import DelegateFactory

# A few examples per operation keep the run under a minute; the schema's own examples and
# its edge cases come first.
EXAMPLES_PER_OPERATION = 25


@pytest.fixture
def api_schema(db, settings, request):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anonymous": "100000/min", "token": "100000/min"},
    }
    from rest_framework.settings import api_settings

    from worldcities.api.throttling import TokenRateThrottle, VisitorRateThrottle

    rates = api_settings.DEFAULT_THROTTLE_RATES
    VisitorRateThrottle.THROTTLE_RATES = TokenRateThrottle.THROTTLE_RATES = rates
    request.node.token = _rows()
    # As Django's test client does: the test's transaction holds the rows, so a request must
    # not close the connection when it ends.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _rows():
    """One of each kind of row, so that lists have something to show."""
    area = ThematicAreaFactory(slug="smart-city")
    topic = TopicFactory(area=area)
    pairing = PairingFactory(slug="gwangju-tampere")
    pairing.thematic_areas.add(area)
    pairing.topics.add(topic)
    ActionFactory(pairing=pairing)
    MilestoneFactory(edition=pairing.edition)
    OrganisationFactory(city=pairing.eu_lead)
    practice = PracticeFactory(
        slug="open-data", city=pairing.eu_lead, pairing=pairing, thematic_areas=[area]
    )
    KeyFigureFactory(practice=practice)
    TransferFactory(practice=practice, city=pairing.partner_lead)
    PracticeFactory(status=Practice.Status.DRAFT, city=pairing.eu_lead)
    meeting = MeetingFactory(
        edition=pairing.edition,
        host_city=pairing.partner_lead,
        is_public=True,
        starts_at=datetime.datetime(2018, 4, 19, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2018, 4, 21, tzinfo=datetime.UTC),
        status=Meeting.Status.HELD,
    )
    AgendaItemFactory(meeting=meeting)
    delegate = DelegateFactory(city=pairing.eu_lead)
    RegistrationFactory(meeting=meeting, person=delegate)
    return token_for(delegate)


CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


def test_every_operation_answers_as_the_schema_says(api_schema, request):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 18
    for operation in operations:
        _exercise(operation, headers=None)
        if operation.path.startswith("/me/"):
            # The reader's own rows: with a delegate's token as well.
            _exercise(operation, headers={"Authorization": f"Bearer {request.node.token}"})


def _exercise(operation, headers):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def exercise(case):
        case.call_and_validate(checks=CHECKS, headers=headers)

    exercise()
