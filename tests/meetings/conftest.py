import pytest

from tests.meetings.factories import MeetingFactory, in_days
from tests.twinning.factories import PairingFactory


@pytest.fixture
def pairing(edition, eu_city, partner_city):
    return PairingFactory(edition=edition, eu_lead=eu_city, partner_lead=partner_city)


@pytest.fixture
def meeting(edition, pairing, partner_city):
    """A confirmed working meeting next month in the partner city, registration open."""
    from meetings.services import meeting_default_quotas

    meeting = MeetingFactory(
        edition=edition,
        host_city=partner_city,
        pairings=[pairing],
        registration_opens_at=in_days(-5),
        registration_closes_at=in_days(20),
    )
    meeting_default_quotas(meeting=meeting)
    return meeting


@pytest.fixture
def run_tasks():
    """Celery tasks run at once, where they are enqueued (after the commit)."""
    from worldcities.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
