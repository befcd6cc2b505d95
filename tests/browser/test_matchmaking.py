"""The matchmaking journey: programme staff open an edition's matchmaking, read why two
cities are suggested, pin a suggestion, accept another, and the pairing exists."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in
from tests.cities.factories import (
    CityFactory,
    PartnerCityFactory,
    ThematicAreaFactory,
    TopicFactory,
)
from tests.practices.factories import PracticeFactory
from tests.twinning.factories import EditionCityFactory, EditionFactory
from tests.users.factories import ProgrammeStaffFactory
from twinning.models import MatchDecision, Pairing

pytestmark = pytest.mark.django_db(transaction=True)


def _joins(edition, city, area, topic, goals):
    row = EditionCityFactory(edition=edition, city=city, goals=goals)
    row.thematic_areas.set([area])
    row.topics.set([topic])


def test_staff_pin_and_accept_a_suggested_pairing(page, live_server):
    edition = EditionFactory(name="World Cities 2026", slug="world-cities-2026")
    energy = ThematicAreaFactory(name="Green energy", slug="green-energy")
    mobility = ThematicAreaFactory(name="Urban mobility", slug="urban-mobility")
    hydrogen = TopicFactory(area=energy, name="Hydrogen", slug="hydrogen")
    cycling = TopicFactory(area=mobility, name="Cycling", slug="cycling")
    barcelona = CityFactory(name="Barcelona", slug="barcelona")
    busan = PartnerCityFactory(name="Busan", slug="busan")
    _joins(edition, barcelona, energy, hydrogen, "Hydrogen buses and clean energy.")
    _joins(edition, CityFactory(name="Lyon", slug="lyon"), mobility, cycling, "Cycling lanes.")
    _joins(edition, busan, energy, hydrogen, "A hydrogen industry and hydrogen buses.")
    _joins(edition, PartnerCityFactory(name="Jakarta", slug="jakarta"), mobility, cycling, "Bikes.")
    PracticeFactory(
        city=busan, title="Hydrogen bus fleet", thematic_areas=[energy], topics=[hydrogen]
    )
    staff = ProgrammeStaffFactory(email="staff@example.org", full_name="Programme Staff")

    log_in(page, live_server, staff)
    page.goto(f"{live_server.url}{edition.get_absolute_url()}")
    assert_accessible(page)
    page.get_by_role("link", name="Matchmaking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Matchmaking")
    suggestions = page.get_by_role("table", name="Suggested pairings")
    first = suggestions.locator("tbody tr").first
    expect(first).to_contain_text("Barcelona")
    expect(first).to_contain_text("Busan")
    expect(first).to_contain_text("Both want Green energy")
    expect(first).to_contain_text("Busan's practice “Hydrogen bus fleet” answers")
    assert_accessible(page)

    # Pin Lyon and Jakarta: the part is swapped in place and says so.
    page.get_by_role("button", name="Pin Lyon and Jakarta").first.click()
    expect(page.get_by_role("status")).to_contain_text("Lyon and Jakarta are pinned together.")
    pinned_row = page.get_by_role("table", name="Suggested pairings").locator("tbody tr").first
    expect(pinned_row).to_contain_text("Pinned")
    expect(pinned_row).to_contain_text("Lyon")
    assert MatchDecision.objects.get().kind == MatchDecision.Kind.PINNED
    assert_accessible(page)

    # Accept Barcelona and Busan: the pairing is created and both leave the suggestions.
    page.get_by_role("button", name="Accept Barcelona and Busan").first.click()
    expect(page.get_by_role("status")).to_contain_text("was created")
    expect(page.get_by_role("button", name="Accept Barcelona and Busan")).to_have_count(0)
    pairing = Pairing.objects.get(edition=edition)
    assert (pairing.eu_lead, pairing.partner_lead) == (barcelona, busan)
    assert [a.name for a in pairing.thematic_areas.all()] == ["Green energy"]
    assert_accessible(page)

    page.goto(f"{live_server.url}{pairing.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Busan")
    assert_accessible(page)
