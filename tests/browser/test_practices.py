"""A practice's whole journey: written by a delegate with a key figure and a PDF, previewed
and submitted; returned by the edition's coordinator with a comment; fixed and resubmitted;
published; found by a visitor through full-text search and a facet; adopted by a delegate of
the paired city."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from practices.models import Practice, Transfer
from practices.selectors import practices_for_city
from tests.browser.conftest import assert_accessible
from tests.cities.factories import OrganisationFactory, ThematicAreaFactory, TopicFactory
from tests.practices.factories import PracticeFactory
from tests.twinning.factories import PairingFactory

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def log_in_as(page, live_server, user):
    """Gives the browser a session of ``user`` (the login form has its own journey)."""
    client = Client()
    page.context.clear_cookies()
    if user is None:
        return
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def visit(page, url):
    page.goto(url)
    assert_accessible(page)


def test_practice_from_draft_to_adoption(
    page, live_server, edition, eu_city, partner_city, delegate, partner_delegate, coordinator
):
    PairingFactory(edition=edition, eu_lead=eu_city, partner_lead=partner_city, slug="pair")
    area = ThematicAreaFactory(name="Climate Change", slug="climate-change")
    TopicFactory(area=area, name="Green energy", slug="green-energy")
    OrganisationFactory(name="Tampere University", sector="research")
    base = live_server.url

    # A delegate of Tampere writes a practice with a key figure and a PDF, and previews it.
    log_in_as(page, live_server, delegate)
    visit(page, base + "/practices/")
    page.get_by_role("link", name="Share a practice of your city").click()
    assert_accessible(page)
    main = page.get_by_role("group", name="The practice")
    main.get_by_label("Practice title").fill("Hydrogen refuelling for city buses")
    main.get_by_label("Summary").fill("City buses run on hydrogen made from solar power.")
    main.get_by_label("Description").fill("## Steps\n\nWe built one **refuelling** station.")
    # The topic alone: its thematic area follows (the facet below counts the practice there).
    main.get_by_label("Climate Change: Green energy").check()
    page.get_by_role("button", name="Preview the description").click()
    expect(page.locator("#body-preview strong")).to_have_text("refuelling")
    figures = page.locator("#formset-key_figures")
    figures.get_by_label("What was measured").fill("CO2 saved")
    figures.get_by_label("Value").fill("420")
    figures.get_by_label("Unit").fill("t CO2/year")
    figures.get_by_label("Year").fill("2018")
    # The partner is typed as the delegate remembers it and taken from the page's list.
    partners = page.locator("#formset-partners")
    partners.get_by_label("Partner organisation").fill("tampere  university")
    partners.get_by_label("Partner's role").fill("Measures the emissions")
    page.locator("#formset-attachments").get_by_label("Attachment title").fill("Station report")
    page.locator("#id_attachments-0-file").set_input_files(
        {"name": "station-report.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Save draft and preview").click()
    expect(page.get_by_role("heading", name="Hydrogen refuelling for city buses")).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text(
        "Preview: only the delegates of its city and programme staff see this draft."
    )
    expect(page.locator(".figures")).to_contain_text("420")
    expect(page.get_by_role("link", name="Station report")).to_be_visible()
    expect(page.get_by_text("Tampere University", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted. A coordinator")).to_be_visible()
    assert_accessible(page)
    practice = Practice.objects.get()
    assert practice.status == Practice.Status.SUBMITTED

    # The coordinator of the edition returns it with a comment.
    log_in_as(page, live_server, coordinator)
    visit(page, base + "/practices/mine/")
    page.get_by_role("link", name="Hydrogen refuelling for city buses").click()
    assert_accessible(page)
    page.get_by_label("Return to the city for changes").check()
    page.get_by_role("button", name="Send decision").click()
    expect(page.get_by_text("Tell the city what to change.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Return to the city for changes").check()
    page.get_by_label("Comment to the city").fill("Please say what the station cost.")
    page.get_by_role("button", name="Send decision").click()
    expect(page.get_by_text("Returned to the city with your comment.")).to_be_visible()
    assert_accessible(page)

    # The delegate sees the comment, fixes the practice and resubmits it.
    log_in_as(page, live_server, delegate)
    visit(page, base + practice.get_absolute_url())
    expect(page.locator(".review-comment")).to_contain_text("Please say what the station cost.")
    page.get_by_role("link", name="Edit").click()
    assert_accessible(page)
    page.get_by_label("Results").fill("The station cost 1.2 million euros, half of it EU funds.")
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page.get_by_text("Saved and submitted for review.")).to_be_visible()
    assert_accessible(page)

    # The coordinator publishes it.
    log_in_as(page, live_server, coordinator)
    visit(page, base + practice.get_absolute_url())
    page.get_by_label("Publish").check()
    page.get_by_role("button", name="Send decision").click()
    expect(page.get_by_text("Published.")).to_be_visible()
    assert_accessible(page)

    # A visitor finds it by full-text search and a facet; the URL keeps both.
    log_in_as(page, live_server, None)
    visit(page, base + "/practices/")
    page.get_by_label("Search practices").fill("solar hydrogen")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"q=solar(\+|%20)hydrogen"))
    result = page.locator(".practice-card", has_text="Hydrogen refuelling for city buses")
    expect(result).to_be_visible()
    page.get_by_label(re.compile(r"Climate Change \(1\)")).check()
    expect(page).to_have_url(re.compile(r"area=climate-change"))
    expect(page).to_have_url(re.compile(r"q=solar(\+|%20)hydrogen"))
    expect(result).to_be_visible()
    assert_accessible(page)
    visit(page, page.url)  # the bookmarked search gives the same result
    expect(page.get_by_label("Search practices")).to_have_value("solar hydrogen")
    result.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Hydrogen refuelling for city buses")).to_be_visible()
    assert_accessible(page)

    # A delegate of the paired city, Gwangju, marks it adopted with its story.
    log_in_as(page, live_server, partner_delegate)
    visit(page, base + practice.get_absolute_url())
    page.get_by_label("Where does your city stand?").select_option("adopted")
    page.get_by_label("What we changed").fill("We run the station on wind power instead.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Your city's take-up is recorded.")).to_be_visible()
    uptake = page.locator(".transfers")
    expect(uptake).to_contain_text("Gwangju")
    expect(uptake).to_contain_text("Adopted")
    expect(uptake).to_contain_text("We run the station on wind power instead.")
    assert_accessible(page)

    # Both cities' pages show it: Tampere wrote it, Gwangju adopted it.
    visit(page, base + eu_city.get_absolute_url())
    own = page.locator(".city-practices")
    expect(own.get_by_role("link", name="Hydrogen refuelling for city buses")).to_be_visible()
    visit(page, base + partner_city.get_absolute_url())
    taken_up = page.locator(".city-practices")
    expect(taken_up.get_by_role("link", name="Hydrogen refuelling for city buses")).to_be_visible()
    expect(taken_up).to_contain_text("Adopted")
    expect(taken_up).to_contain_text("We run the station on wind power instead.")

    # The same through the selector the city page uses.
    assert [p.title for p in practices_for_city(eu_city)["own"]] == [
        "Hydrogen refuelling for city buses"
    ]
    taken_up = practices_for_city(partner_city)["taken_up"]
    assert [(t.practice_id, t.status) for t in taken_up] == [(practice.pk, Transfer.Status.ADOPTED)]
    practice.refresh_from_db()
    assert practice.adoption_count == 1
    assert practice.versions.count() == 1


def test_a_failed_submit_keeps_the_chosen_attachment_for_the_next_one(page, live_server, delegate):
    area = ThematicAreaFactory(name="Climate Change", slug="climate-change")
    TopicFactory(area=area, name="Green energy", slug="green-energy")
    log_in_as(page, live_server, delegate)
    visit(page, live_server.url + "/practices/new/")
    main = page.get_by_role("group", name="The practice")
    main.get_by_label("Summary").fill("City buses run on hydrogen made from solar power.")
    main.get_by_label("Description").fill("We built one refuelling station.")
    main.get_by_label("Climate Change: Green energy").check()
    attachments = page.locator("#formset-attachments")
    attachments.get_by_label("Attachment title").fill("Station report")
    page.locator("#id_attachments-0-file").set_input_files(
        {"name": "station-report.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    # The title is missing: the form says so, and keeps the file it was given.
    page.get_by_role("button", name="Save draft and preview").click()
    expect(page.locator("#id_title_errors")).to_contain_text("This field is required.")
    expect(attachments).to_contain_text("Already chosen: station-report.pdf")
    expect(attachments.get_by_label("Remove station-report.pdf")).not_to_be_checked()
    expect(attachments.get_by_label("Attachment title")).to_have_value("Station report")
    expect(main.get_by_label("Climate Change: Green energy")).to_be_checked()
    assert_accessible(page)
    assert not Practice.objects.exists()

    main.get_by_label("Practice title").fill("Hydrogen refuelling for city buses")
    page.get_by_role("button", name="Save draft and preview").click()
    expect(page.get_by_role("heading", name="Hydrogen refuelling for city buses")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Station report"))).to_be_visible()
    assert_accessible(page)
    practice = Practice.objects.get()
    assert practice.attachments.get().original_name == "station-report.pdf"
    assert list(practice.thematic_areas.values_list("name", flat=True)) == ["Climate Change"]


def test_a_visitor_follows_a_similar_practice(page, live_server):
    area = ThematicAreaFactory(name="Climate Change", slug="climate-change")
    hydrogen = TopicFactory(area=area, name="Hydrogen", slug="hydrogen")
    solar = TopicFactory(area=area, name="Solar roofs", slug="solar-roofs")
    practice = PracticeFactory(title="Hydrogen buses", thematic_areas=[area], topics=[hydrogen])
    PracticeFactory(title="Solar hydrogen ferries", thematic_areas=[area], topics=[hydrogen, solar])
    PracticeFactory(title="Solar street lights", thematic_areas=[area], topics=[solar])

    visit(page, live_server.url + practice.get_absolute_url())
    similar = page.get_by_role("region", name="Similar practices")
    expect(similar.get_by_role("listitem")).to_have_count(1)
    expect(similar).to_contain_text("Shares the topics Hydrogen")
    similar.get_by_role("link", name="Solar hydrogen ferries").click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Solar hydrogen ferries")
    # Seen from there, both share a topic and the area with it: the latest first.
    expect(page.get_by_role("region", name="Similar practices").get_by_role("link")).to_have_text(
        ["Solar street lights", "Hydrogen buses"]
    )
