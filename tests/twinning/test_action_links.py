import pytest

from meetings.models import MeetingOutcome
from practices.models import Practice
from tests.meetings.factories import MeetingFactory
from tests.practices.factories import PracticeFactory
from tests.twinning.factories import ActionFactory, PairingFactory


@pytest.mark.django_db
def test_the_action_plan_links_each_action_to_its_meeting_and_practices(client, edition):
    pairing = PairingFactory(edition=edition)
    action = ActionFactory(pairing=pairing, title="Shared bike pilot")
    meeting = MeetingFactory(edition=edition, title="Working meeting in Gwangju")
    MeetingOutcome.objects.create(meeting=meeting, action=action)
    published = PracticeFactory(city=pairing.eu_lead, title="Bike sharing with open data")
    draft = PracticeFactory(
        city=pairing.eu_lead, title="Unfinished draft", status=Practice.Status.DRAFT
    )
    published.actions.add(action)
    draft.actions.add(action)

    body = client.get(pairing.get_absolute_url()).content.decode()
    assert f'href="{meeting.get_absolute_url()}">Working meeting in Gwangju</a>' in body
    assert f'href="{published.get_absolute_url()}">Bike sharing with open data</a>' in body
    assert "Unfinished draft" not in body
