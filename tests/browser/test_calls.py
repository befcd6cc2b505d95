"""The call journey: programme staff open a call for cities in the admin; a delegate applies
for their city over two sittings (what they wrote is saved as they write), adds partners and
the letter of support, sees the application complete, submits it and gets the receipt. The
form offers only the topics of the thematic areas ticked."""

import datetime
import re
from urllib.parse import unquote_plus

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in
from tests.cities.factories import CityFactory, ThematicAreaFactory, TopicFactory
from tests.twinning.factories import PDF_BYTES, ApplicationFactory, CallFactory, EditionFactory
from tests.users.factories import DelegateFactory, ProgrammeStaffFactory
from twinning.models import Application, Call

pytestmark = pytest.mark.django_db(transaction=True)


def pick(page, field, text):
    """Chooses ``text`` in one of the admin's autocomplete fields."""
    page.locator(f".field-{field} .select2-selection").click()
    page.locator(".select2-search__field").last.fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()
    page.keyboard.press("Escape")


def test_staff_open_a_call_and_a_delegate_applies_over_two_sittings(page, live_server, tmp_path):
    EditionFactory(name="World Cities 2027: EU – Korea", slug="2027-korea")
    area = ThematicAreaFactory(name="Green energy", slug="green-energy")
    TopicFactory(area=area, name="Hydrogen", slug="hydrogen")
    tampere = CityFactory(name="Tampere", slug="tampere")
    staff = ProgrammeStaffFactory(email="staff@example.org", full_name="Programme Staff")
    delegate = DelegateFactory(email="delegate@example.org", full_name="Tiina", city=tampere)
    today = timezone.localdate()

    # 1. Programme staff open the call in the admin, with a question and a document.
    log_in(page, live_server, staff)
    page.goto(f"{live_server.url}/admin/twinning/call/add/")
    assert_accessible(page)
    pick(page, "edition", "2027")
    page.fill("#id_title", "Call for cities 2027")
    # The address is filled in from the title.
    page.get_by_label("Introduction").click()
    expect(page.locator("#id_slug")).to_have_value("call-for-cities-2027")
    pick(page, "thematic_areas", "Green energy")
    page.fill("#id_opens_at_0", (today - datetime.timedelta(days=1)).isoformat())
    page.fill("#id_opens_at_1", "09:00:00")
    page.fill("#id_closes_at_0", (today + datetime.timedelta(days=30)).isoformat())
    page.fill("#id_closes_at_1", "17:00:00")
    page.get_by_role("button", name="Add another Question").click()
    page.fill("#id_questions-0-text", "Why does your city apply?")
    page.get_by_role("button", name="Add another Document required").click()
    page.fill("#id_documents_required-0-name", "Letter of support")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert_accessible(page)
    call = Call.objects.get(slug="call-for-cities-2027")
    assert call.questions.get().text == "Why does your city apply?"

    # 2. A delegate of Tampere starts the application and writes the goals: saved as typed.
    log_in(page, live_server, delegate)
    page.goto(f"{live_server.url}{call.get_absolute_url()}")
    assert_accessible(page)
    page.get_by_role("button", name="Apply for Tampere").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Application of Tampere")
    assert_accessible(page)
    expect(page.locator("#completeness")).to_contain_text("0 % complete")
    page.get_by_role("checkbox", name="Green energy", exact=True).check()
    page.get_by_role("checkbox", name="Green energy: Hydrogen").check()
    expect(page.locator("#autosave-status")).to_contain_text("Saved at")
    # Typed text is sent a moment after the last key, or when the field is left: the delegate
    # tabs on, and the save that holds the goals is answered before the page is left.
    with page.expect_response(
        lambda r: (
            "/autosave/" in r.url and "hydrogen industry" in unquote_plus(r.request.post_data or "")
        )
    ) as saved:
        page.get_by_label("Goals").fill("Grow a hydrogen industry.")
        page.get_by_label("Goals").press("Tab")
    assert saved.value.ok
    expect(page.locator("#autosave-status")).to_contain_text("Saved at")
    expect(page.locator("#completeness")).to_contain_text("% complete")
    expect(page.locator("#completeness")).not_to_contain_text("0 % complete")

    # 3. The second sitting: what was written is there; the rest is filled in.
    page.goto(f"{live_server.url}{call.get_absolute_url()}")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Application WC-")).click()
    assert_accessible(page)
    expect(page.get_by_label("Goals")).to_have_value("Grow a hydrogen industry.")
    page.get_by_label("Experience").fill("Hydrogen buses since 2019.")
    page.get_by_label("Proposed delegation").fill("Deputy mayor for energy")
    page.get_by_label("Why does your city apply?").fill("To learn from Korean ports.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages, [role=status]").first).to_be_visible()
    assert_accessible(page)
    for sector, name in (
        ("government", "Tampere city hall"),
        ("research", "Tampere University"),
        ("business", "Hydrogen Oy"),
    ):
        page.select_option("#id_sector", sector)
        page.fill("#id_name", name)
        page.get_by_role("button", name="Add the partner").click()
        expect(page.locator("#partners")).to_contain_text(name)
        assert_accessible(page)

    # A file that is not a PDF is refused with the reason; a PDF is kept.
    fake = tmp_path / "letter.pdf"
    fake.write_bytes(b"not a pdf")
    page.get_by_label("PDF file").set_input_files(str(fake))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#documents")).to_contain_text("is not a real .pdf file")
    assert_accessible(page)
    letter = tmp_path / "mayor-letter.pdf"
    letter.write_bytes(PDF_BYTES)
    page.get_by_label("PDF file").set_input_files(str(letter))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#documents")).to_contain_text("mayor-letter.pdf")
    assert_accessible(page)
    expect(page.locator("#completeness")).to_contain_text("100 % complete")

    # 4. Submission, and the receipt.
    page.get_by_role("button", name="Submit the application").click()
    expect(page.locator("body")).to_contain_text("Your application was submitted")
    assert_accessible(page)
    expect(page.get_by_role("link", name="Download the receipt (PDF)")).to_be_visible()
    application = Application.objects.get()
    assert application.status == Application.Status.SUBMITTED
    assert application.goals == "Grow a hydrogen industry."


def test_only_the_topics_of_the_areas_ticked_are_offered(page, live_server):
    energy = ThematicAreaFactory(name="Green energy", slug="green-energy", order=1)
    mobility = ThematicAreaFactory(name="Mobility", slug="mobility", order=2)
    TopicFactory(area=energy, name="Hydrogen", slug="hydrogen")
    TopicFactory(area=energy, name="Solar power", slug="solar")
    TopicFactory(area=mobility, name="Bike sharing", slug="bikes")
    tampere = CityFactory(name="Tampere", slug="tampere")
    delegate = DelegateFactory(email="delegate@example.org", city=tampere)
    call = CallFactory(title="Call for cities 2027", thematic_areas=[energy, mobility])
    application = ApplicationFactory(call=call, city=tampere)
    hydrogen = page.get_by_role("checkbox", name="Green energy: Hydrogen", include_hidden=True)
    solar = page.get_by_role("checkbox", name="Green energy: Solar power", include_hidden=True)
    bikes = page.get_by_role("checkbox", name="Mobility: Bike sharing", include_hidden=True)

    def autosaved(response):
        return response.url.endswith("/autosave/") and response.ok

    log_in(page, live_server, delegate)
    page.goto(f"{live_server.url}{application.get_absolute_url()}")
    assert_accessible(page)
    # No area ticked: no topic offered.
    for topic in (hydrogen, solar, bikes):
        expect(topic).to_be_hidden()

    # Green energy ticked: its two topics, not those of mobility.
    with page.expect_response(autosaved):
        page.get_by_role("checkbox", name="Green energy", exact=True).check()
    expect(hydrogen).to_be_visible()
    expect(solar).to_be_visible()
    expect(bikes).to_be_hidden()
    with page.expect_response(autosaved):
        hydrogen.check()
    expect(page.locator("#autosave-status")).to_contain_text("Saved at")
    assert [t.name for t in application.topics.all()] == ["Hydrogen"]

    # Unticked: its topics are unticked and hidden, and what is saved is consistent.
    with page.expect_response(autosaved):
        page.get_by_role("checkbox", name="Green energy", exact=True).uncheck()
    expect(hydrogen).to_be_hidden()
    expect(hydrogen).not_to_be_checked()
    expect(page.locator("#autosave-status")).to_contain_text("Saved at")
    expect(page.locator("#autosave-status")).not_to_contain_text("Not saved")
    assert not application.thematic_areas.exists()
    assert not application.topics.exists()

    # Ticked again: the topics are offered again, none ticked; mobility's come with it.
    for area in ("Green energy", "Mobility"):
        with page.expect_response(autosaved):
            page.get_by_role("checkbox", name=area, exact=True).check()
    expect(hydrogen).not_to_be_checked()
    with page.expect_response(autosaved):
        bikes.check()
    expect(page.locator("#autosave-status")).to_contain_text("Saved at")
    page.reload()
    assert_accessible(page)
    expect(bikes).to_be_checked()
    expect(hydrogen).to_be_visible()
    assert [t.name for t in application.topics.all()] == ["Bike sharing"]
