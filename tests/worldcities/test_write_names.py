"""The writes of the benchmark's mixed pass (``worldcities.benchmarks.writer``) move the
versions of what they change and nothing shared: no name that every city, pairing or meeting
page, or every list, is kept under."""

import pytest

from meetings.services import meeting_default_quotas, registration_cancel, registration_register
from practices.models import Practice
from practices.services import comment_create, follow_toggle, practice_publish, practice_save
from tests.cities.factories import OrganisationFactory
from tests.meetings.factories import MeetingFactory, in_days
from tests.practices.factories import PracticeFactory
from tests.twinning.factories import ActionFactory, PairingFactory
from twinning.services import action_progress_update
from worldcities import versions

pytestmark = pytest.mark.django_db

# What every page of a kind is kept under: a write of one person never moves them.
SHARED = {"all", "cities", "pairings", "meetings", "people", "actions", "outcomes"}


@pytest.fixture
def moved(monkeypatch):
    """The names each call of ``versions.bump`` moved, in order."""
    names: list[str] = []
    bump = versions.bump

    def recording(*moving):
        names.extend(moving)
        bump(*moving)

    monkeypatch.setattr(versions, "bump", recording)
    return names


@pytest.fixture
def pairing(edition, eu_city, partner_city):
    return PairingFactory(edition=edition, eu_lead=eu_city, partner_lead=partner_city)


def test_a_question_or_a_draft_save_moves_its_practice_alone(moved, pairing, delegate, eu_city):
    published = PracticeFactory(city=eu_city, pairing=pairing)
    draft = PracticeFactory(city=eu_city, pairing=pairing, status=Practice.Status.DRAFT)
    moved.clear()  # the factories' own writes
    comment_create(practice=published, by=delegate, body="How long did it take?")
    assert set(moved) == {f"practice:{published.pk}"}
    moved.clear()
    draft.title = "Cool roofs, second try"
    practice_save(practice=draft, by=delegate)
    assert set(moved) == {f"practice:{draft.pk}"}


def test_a_follow_and_an_unfollow_move_nothing(moved, delegate):
    practice = PracticeFactory()
    moved.clear()
    assert follow_toggle(user=delegate, practice=practice)
    assert not follow_toggle(user=delegate, practice=practice)
    assert moved == []


def test_a_registration_and_its_withdrawal_move_their_meeting_alone(
    moved, edition, pairing, partner_city, partner_delegate
):
    meeting = MeetingFactory(
        edition=edition,
        host_city=partner_city,
        pairings=[pairing],
        registration_opens_at=in_days(-5),
        registration_closes_at=in_days(20),
    )
    meeting_default_quotas(meeting=meeting)
    moved.clear()
    registration = registration_register(meeting=meeting, person=partner_delegate)
    assert set(moved) == {f"meeting:{meeting.pk}"}
    moved.clear()
    registration_cancel(registration=registration, by=partner_delegate)
    assert set(moved) == {f"meeting:{meeting.pk}"}


def test_an_action_progress_update_moves_its_pairing_alone(moved, pairing, delegate):
    action = ActionFactory(
        pairing=pairing, owner_organisation=OrganisationFactory(city=pairing.eu_lead)
    )
    moved.clear()
    action_progress_update(action=action, by=delegate, status="in_progress", progress=50, note="A")
    assert set(moved) == {f"pairing:{pairing.pk}"}


def test_a_publication_moves_the_lists_it_joins_and_nothing_every_page_shares(
    moved, pairing, programme_staff, eu_city
):
    practice = PracticeFactory(
        city=eu_city, pairing=pairing, status=Practice.Status.SUBMITTED, published_at=None
    )
    moved.clear()
    practice_publish(practice=practice, by=programme_staff)
    assert not set(moved) & SHARED
    assert {
        f"practice:{practice.pk}",
        "practices:published",  # the unfiltered list: its first page and every count change
        f"practices:city:{eu_city.pk}",
        f"practices:pairing:{pairing.pk}",
        f"practices:country:{eu_city.country_id}",
    } <= set(moved)
