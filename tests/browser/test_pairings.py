"""The pairings journey: programme staff create a pairing with two cities and an action in the
admin; a visitor finds it through the filters and the map; a delegate of a member city updates
the action's progress with a note on what was done and sees it in the plan and its history."""

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.cities.factories import (
    CityFactory,
    PartnerCityFactory,
    PartnerCountryFactory,
    ThematicAreaFactory,
)
from tests.twinning.factories import EditionFactory
from tests.users.factories import CoordinatorFactory, DelegateFactory, ProgrammeStaffFactory
from twinning.models import Action, Pairing

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def pick(page, field, text):
    """Chooses ``text`` in one of the admin's autocomplete fields."""
    page.locator(f".field-{field} .select2-selection").click()
    page.locator(".select2-search__field").last.fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()
    page.keyboard.press("Escape")


def test_staff_create_a_pairing_a_visitor_finds_it_and_a_delegate_updates_progress(
    page, live_server
):
    korea = PartnerCountryFactory(code="KR", name="Republic of Korea")
    edition = EditionFactory(
        name="World Cities 2017–2018: EU – Republic of Korea",
        slug="2017-2018-korea",
        start_date=datetime.date(2017, 1, 1),
        end_date=datetime.date(2018, 6, 30),
    )
    edition.partner_countries.set([korea])
    tampere = CityFactory(
        name="Tampere", slug="tampere", latitude=Decimal("61.4978"), longitude=Decimal("23.761")
    )
    PartnerCityFactory(
        name="Gwangju",
        slug="gwangju",
        country=korea,
        latitude=Decimal("35.15955"),
        longitude=Decimal("126.8526"),
    )
    ThematicAreaFactory(name="Smart City", slug="smart-city")
    ThematicAreaFactory(name="Urban Regeneration", slug="urban-regeneration")
    staff = ProgrammeStaffFactory(email="staff@example.org", full_name="Programme Staff")
    delegate = DelegateFactory(
        email="delegate@example.org", full_name="Tampere Delegate", city=tampere
    )

    # 1. Programme staff create the pairing with an action in the admin.
    log_in(page, live_server, staff)
    page.goto(f"{live_server.url}/admin/twinning/pairing/add/")
    assert_accessible(page)
    pick(page, "edition", "Republic of Korea")
    pick(page, "eu_lead", "Tampere")
    pick(page, "partner_lead", "Gwangju")
    # The address is filled from the cities and the edition's years as they are chosen.
    expect(page.locator("#id_slug")).to_have_value("gwangju-tampere-2017-2018")
    pick(page, "thematic_areas", "Smart City")
    page.fill("#id_objectives", "Smart mobility: bike and car sharing, open data.")
    page.get_by_role("heading", name="Add pairing").click()
    page.get_by_role("button", name="Add another Action").click()
    expect(page.locator("#id_actions-0-title")).to_be_visible()
    page.fill("#id_actions-0-title", "Open data portal for bike sharing")
    page.fill("#id_actions-0-due_date", "2017-11-30")
    page.select_option("#id_actions-0-status", "in_progress")
    page.fill("#id_actions-0-progress", "40")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert_accessible(page)
    pairing = Pairing.objects.get(slug="gwangju-tampere-2017-2018")
    assert pairing.actions.get().progress == 40

    # 2. A visitor finds it through the filters of the list, then on the map.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/pairings/")
    assert_accessible(page)
    results = page.locator("#pairing-results")
    page.select_option("#id_partner_country", "KR")
    expect(page).to_have_url(re.compile(r"partner_country=KR"))
    page.select_option("#id_thematic_area", "smart-city")
    expect(page).to_have_url(re.compile(r"thematic_area=smart-city"))
    expect(results.get_by_role("heading", name="1 pairing")).to_be_visible()
    expect(results.get_by_role("link", name="Gwangju – Tampere")).to_be_visible()
    page.select_option("#id_thematic_area", "urban-regeneration")
    expect(results).to_contain_text("No pairing matches these filters.")
    page.select_option("#id_thematic_area", "smart-city")
    expect(results.get_by_role("link", name="Gwangju – Tampere")).to_be_visible()

    page.get_by_role("link", name="Show on the map").click()
    expect(page).to_have_url(re.compile(r"/map/\?.*thematic_area=smart-city"))
    assert_accessible(page)
    marker = page.get_by_role("link", name=re.compile(r"^Tampere, .*: 1 pairing$"))
    marker.focus()
    expect(marker).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/cities/tampere/")
    assert_accessible(page)
    page.locator("#city-pairings").get_by_role("link", name="Gwangju – Tampere").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gwangju – Tampere")
    assert_accessible(page)
    expect(page.locator("#action-plan")).to_contain_text("40 %")
    expect(page.get_by_role("link", name=re.compile("Update progress"))).to_have_count(0)

    # 3. A delegate of Tampere updates the action's progress and sees it on the pairing page.
    log_in(page, live_server, delegate)
    page.goto(f"{live_server.url}{pairing.get_absolute_url()}")
    assert_accessible(page)
    expect(page.get_by_role("link", name="Add an action")).to_have_count(0)
    page.get_by_role("link", name=re.compile("Update progress")).click()
    assert_accessible(page)
    # Bad input: no note, a percentage out of range; the form says why and keeps what was typed.
    page.fill("#id_progress", "120")
    page.get_by_role("button", name="Save the update").click()
    expect(page.locator("#id_progress_errors")).to_have_text(
        "Progress is a percentage between 0 and 100."
    )
    expect(page.locator("#id_note_errors")).to_contain_text("Say what was done")
    expect(page.locator("#id_progress")).to_have_value("120")
    assert_accessible(page)
    page.fill("#id_progress", "100")
    page.fill("#id_note", "Portal data model agreed with the bike-sharing operator.")
    page.get_by_role("button", name="Save the update").click()
    expect(page.locator("#id_progress_errors")).to_contain_text(
        "An action in progress is between 1 and 99 %"
    )
    expect(page.locator("#id_note")).to_have_value(
        "Portal data model agreed with the bike-sharing operator."
    )
    assert_accessible(page)
    assert Action.objects.get().progress == 40
    page.fill("#id_progress", "70")
    page.get_by_role("button", name="Save the update").click()
    expect(page.locator(".messages")).to_contain_text("was saved")
    assert_accessible(page)
    plan = page.locator("#action-plan")
    expect(plan).to_contain_text("70 %")
    expect(plan).to_contain_text("Portal data model agreed with the bike-sharing operator.")
    plan.get_by_text("Progress history (1 update)").click()
    history = plan.locator(".progress-history")
    expect(history).to_be_visible()
    expect(history).to_contain_text("by Tampere Delegate")
    expect(history).to_contain_text("In progress 70 %")
    assert Action.objects.get().progress == 70

    # 4. A coordinator of the edition plans a further action; bad input is shown next to the
    # field and nothing is saved until it is put right. The edition's page counts it.
    coordinator = CoordinatorFactory(email="coordinator@example.org", full_name="Coordinator")
    edition.coordinators.add(coordinator)
    log_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}{pairing.get_absolute_url()}")
    assert_accessible(page)
    page.get_by_role("link", name="Add an action").click()
    assert_accessible(page)
    page.fill("#id_title", "Car sharing in two districts")
    page.fill("#id_due_date", "2016-12-01")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_due_date_errors")).to_contain_text(
        "The due date lies before the edition starts"
    )
    assert_accessible(page)
    assert Action.objects.count() == 1
    page.fill("#id_due_date", "2018-03-31")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("The action was added to the plan.")
    expect(page.locator("#action-plan")).to_contain_text("Car sharing in two districts")
    assert_accessible(page)
    page.get_by_role("link", name=edition.name).first.click()
    expect(page.locator(".figures")).to_contain_text("0 / 2")
    assert_accessible(page)
    page.goto(f"{live_server.url}/cities/?side=eu")
    expect(page.locator("#city-results")).to_contain_text("Tampere")
    assert_accessible(page)
