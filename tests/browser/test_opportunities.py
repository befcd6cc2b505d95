"""A research organisation's delegate posts a need; the periodic matching tells a business
contact who follows its thematic area; they answer; the poster confirms "we are in touch"."""

import datetime

import pytest
from playwright.sync_api import expect

from cities.models import Opportunity, Organisation
from cities.tasks import match_opportunities
from tests.browser.conftest import assert_accessible, log_in
from tests.cities.factories import CityFactory, OrganisationFactory, ThematicAreaFactory
from tests.users.factories import DelegateFactory
from worldcities.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_need_reaches_a_matching_business_which_answers_and_is_confirmed(page, live_server):
    area = ThematicAreaFactory(name="Smart City", slug="smart-city")
    busan = CityFactory(name="Busan")
    barcelona = CityFactory(name="Barcelona")
    institute = OrganisationFactory(
        name="Busan Mobility Institute",
        city=busan,
        kind=Organisation.Kind.RESEARCH,
        sector=Organisation.Sector.RESEARCH,
    )
    works = OrganisationFactory(
        name="Barcelona Sensor Works",
        city=barcelona,
        kind=Organisation.Kind.BUSINESS,
        sector=Organisation.Sector.BUSINESS,
    )
    researcher = DelegateFactory(full_name="Seo-yeon Kim", city=busan, organisation=institute)
    business = DelegateFactory(full_name="Jordi Serra", city=barcelona, organisation=works)
    business.interests.set([area])

    log_in(page, live_server, researcher)
    page.goto(live_server.url + "/opportunities/")
    assert_accessible(page)
    page.get_by_role("link", name="Post an opportunity").click()
    assert_accessible(page)
    page.get_by_label("Organisation").select_option(label="Busan Mobility Institute (Busan)")
    page.get_by_label("Offer or need").select_option("need")
    page.get_by_label("Kind").select_option("technology")
    page.get_by_label("Title").fill("Sensors for on-demand shuttles")
    page.get_by_label("Description").fill("We need passenger-counting sensors for a pilot.")
    page.get_by_label("Smart City").check()
    until = datetime.date.today() + datetime.timedelta(days=10)
    page.get_by_label("Valid until").fill(until.isoformat())
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Your opportunity is published.")).to_be_visible()
    expect(page.get_by_role("heading", name="Sensors for on-demand shuttles")).to_be_visible()
    assert_accessible(page)

    assert (
        match_opportunities.apply().get(disable_sync_subtasks=False) == 1
    )  # the periodic matching
    notice = Notification.objects.get(recipient=business, kind=Kind.OPPORTUNITY_MATCH)
    assert notice.delivery == "daily"  # matches wait for the daily digest unless one chooses
    assert (
        not Notification.objects.filter(kind=Kind.OPPORTUNITY_MATCH)
        .exclude(recipient=business)
        .exists()
    )

    log_in(page, live_server, business)
    page.goto(live_server.url + "/notifications/")
    assert_accessible(page)
    page.get_by_role(
        "link", name="Busan Mobility Institute (Busan) needs: Sensors for on-demand shuttles"
    ).click()
    assert_accessible(page)
    page.get_by_label("Your answer").fill("Our counters fit your shuttles; let us talk.")
    page.get_by_role("button", name="Answer").click()
    expect(page.get_by_text("Your answer was sent.")).to_be_visible()
    expect(page.get_by_text("the poster has not confirmed yet")).to_be_visible()
    assert_accessible(page)

    log_in(page, live_server, researcher)
    page.goto(live_server.url + Opportunity.objects.get().get_absolute_url())
    expect(page.get_by_text("Our counters fit your shuttles")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="We are in touch with Jordi Serra").click()
    expect(page.get_by_text("Recorded: you are in touch with Jordi Serra.")).to_be_visible()
    expect(
        page.get_by_text("We are in touch with: Jordi Serra (Barcelona Sensor Works)")
    ).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/opportunities/")
    expect(page.get_by_text("Taken up")).to_be_visible()
    assert_accessible(page)
