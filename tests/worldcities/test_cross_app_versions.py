"""Pages that show another app's rows follow that app's writes: the practices and meetings an
action plan links to, people's names, and the names of places and themes on a meeting page."""

import pytest
from django.contrib.admin.sites import site
from django.test import Client

from cities.models import City, ThematicArea
from meetings.models import MeetingOutcome
from meetings.services import meeting_update
from practices.models import Practice
from practices.services import practice_archive, practice_publish
from tests.cities.factories import CityFactory, ThematicAreaFactory
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, QuotaFactory
from tests.practices.factories import PracticeFactory
from tests.twinning.factories import ActionFactory, PairingFactory
from twinning.models import Pairing
from twinning.services import pairing_set_status
from worldcities import versions

pytestmark = pytest.mark.django_db


def test_a_practice_published_or_archived_shows_on_its_action_plan_at_once(
    client, edition, coordinator
):
    pairing = PairingFactory(edition=edition)
    action = ActionFactory(pairing=pairing, title="Shared bike pilot")
    practice = PracticeFactory(
        city=pairing.eu_lead,
        pairing=pairing,
        title="Bike sharing",
        status=Practice.Status.SUBMITTED,
    )
    practice.actions.add(action)
    link = f'href="{practice.get_absolute_url()}"'
    assert link not in client.get(pairing.get_absolute_url()).text
    practice_publish(practice=practice, by=None)
    assert link in client.get(pairing.get_absolute_url()).text
    practice.refresh_from_db()
    practice_archive(practice=practice, by=coordinator)
    assert link not in client.get(pairing.get_absolute_url()).text


def test_a_meeting_renamed_shows_on_the_action_plan_at_once(client, edition, coordinator):
    pairing = PairingFactory(edition=edition)
    meeting = MeetingFactory(edition=edition, title="Launch in Seoul")
    MeetingOutcome.objects.create(meeting=meeting, action=ActionFactory(pairing=pairing))
    versions.everything_changed()
    assert "Launch in Seoul" in client.get(pairing.get_absolute_url()).text
    meeting_update(meeting=meeting, by=coordinator, title="Launch meeting, Seoul")
    assert "Launch meeting, Seoul" in client.get(pairing.get_absolute_url()).text


def test_a_new_name_in_a_profile_shows_on_cached_pages_at_once(client, edition, programme_staff):
    pairing = PairingFactory(edition=edition, status=Pairing.Status.PROPOSED)
    pairing_set_status(pairing=pairing, status=Pairing.Status.SELECTED, by=programme_staff)
    assert "Programme Staff" in client.get(pairing.get_absolute_url()).text
    staff = Client()
    staff.force_login(programme_staff)
    response = staff.post(
        "/accounts/profile/", {"full_name": "Dana Regio", "language": "en", "time_zone": ""}
    )
    assert response.status_code == 302
    assert "Dana Regio" in client.get(pairing.get_absolute_url()).text


def test_a_renamed_city_or_theme_shows_on_a_meeting_page_at_once(edition, programme_staff):
    meeting = MeetingFactory(edition=edition)
    city = CityFactory(name="Oldtown")
    QuotaFactory(meeting=meeting, city=city)
    area = ThematicAreaFactory(name="Old theme")
    AgendaItemFactory(meeting=meeting, thematic_area=area)
    staff = Client()
    staff.force_login(programme_staff)
    page = staff.get(meeting.get_absolute_url()).text
    assert "Oldtown" in page and "Old theme" in page
    city.name, area.name = "Newtown", "New theme"
    city.save()
    area.save()
    # What the admin moves on when it saves them.
    versions.bump(*site.get_model_admin(City).versions_of(city))
    versions.bump(*site.get_model_admin(ThematicArea).versions_of(area))
    page = staff.get(meeting.get_absolute_url()).text
    assert "Newtown" in page and "New theme" in page
