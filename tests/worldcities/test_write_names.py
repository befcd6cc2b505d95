"""The writes of the benchmark's mixed pass (``worldcities.benchmarks.writer``) move the
versions of what they change and nothing shared: no name that every city, pairing or meeting
page, or every list, is kept under (the registrations: ``tests/meetings/test_write_names``)."""

import pytest

from practices.models import Practice
from practices.services import comment_create, follow_toggle, practice_publish, practice_save
from tests.cities.factories import OrganisationFactory
from tests.practices.factories import PracticeFactory
from tests.twinning.factories import ActionFactory, PairingFactory
from twinning.services import action_progress_update

pytestmark = pytest.mark.django_db

# What every page of a kind is kept under: a write of one person never moves them.
SHARED = {"all", "cities", "pairings", "meetings", "people", "actions", "outcomes"}


@pytest.fixture
def pairing(edition, eu_city, partner_city):
    return PairingFactory(edition=edition, eu_lead=eu_city, partner_lead=partner_city)


def test_a_question_or_a_draft_save_moves_its_practice_alone(moved, pairing, delegate, eu_city):
    published = PracticeFactory(city=eu_city, pairing=pairing)
    draft = PracticeFactory(city=eu_city, pairing=pairing, status=Practice.Status.DRAFT)
    moved.clear()  # the factories' own writes
    comment_create(practice=published, by=delegate, body="How long did it take?")
    assert set(moved) == {f"practice:{published.pk}:questions"}
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
