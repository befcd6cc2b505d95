"""A delegate translates their city's practice into Korean; a second translation into the
same language is refused; the edition's coordinator checks it; a Korean reader gets it in
Korean with the note, and the original through its link."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_practices import log_in_as, visit
from tests.practices.factories import PracticeFactory
from tests.twinning.factories import PairingFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_translation_from_delegate_to_korean_reader(
    page, live_server, edition, eu_city, partner_city, delegate, coordinator
):
    pairing = PairingFactory(edition=edition, eu_lead=eu_city, partner_lead=partner_city)
    practice = PracticeFactory(
        city=eu_city, pairing=pairing, title="Open mobility data", slug="open-mobility-data"
    )
    base = live_server.url

    log_in_as(page, live_server, delegate)
    visit(page, base + practice.get_absolute_url())
    page.get_by_role("link", name="Translations").click()
    assert_accessible(page)
    page.get_by_label("Translated into").select_option("ko")
    page.get_by_label("Practice title").fill("개방형 교통 데이터")
    page.get_by_label("Summary").fill("탐페레는 교통 자료를 공개합니다.")
    page.get_by_label("Description").fill("버스와 자전거의 자료.")
    page.get_by_role("button", name="Save the translation").click()
    expect(page.get_by_text("Translation saved. A coordinator will check it.")).to_be_visible()
    expect(page.locator("#translation-ko")).to_contain_text("not yet checked")

    # The same language again: refused, with the reason, and nothing saved.
    page.get_by_label("Translated into").select_option("ko")
    page.get_by_label("Practice title").fill("Second")
    page.get_by_label("Summary").fill("Second")
    page.get_by_label("Description").fill("Second")
    page.get_by_role("button", name="Save the translation").click()
    expect(page.get_by_text("already has a translation into Korean")).to_be_visible()
    expect(page.get_by_text("Nothing was saved.")).to_be_visible()
    assert_accessible(page)
    assert practice.translations.count() == 1

    log_in_as(page, live_server, coordinator)
    visit(page, base + f"/practices/{practice.slug}/translations/")
    page.get_by_role("button", name="Mark the Korean translation as checked").click()
    expect(page.locator("#translation-ko")).to_contain_text("checked by Edition Coordinator")

    # A visitor reading Korean.
    log_in_as(page, live_server, None)
    page.set_extra_http_headers({"Accept-Language": "ko"})
    visit(page, base + practice.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("개방형 교통 데이터")
    expect(page.locator(".translation-note")).to_contain_text("Edition Coordinator")
    page.locator(".translation-note a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open mobility data")
    assert page.url.endswith("?original=1")
    assert_accessible(page)


def test_a_meeting_translated_by_its_coordinator_for_korean_readers(
    page, live_server, edition, partner_city, coordinator
):
    from tests.meetings.factories import MeetingFactory

    meeting = MeetingFactory(
        edition=edition, host_city=partner_city, title="Working meeting in Gwangju", is_public=True
    )
    base = live_server.url

    log_in_as(page, live_server, coordinator)
    visit(page, base + meeting.get_absolute_url())
    page.get_by_role("link", name="Translations").click()
    assert_accessible(page)
    page.get_by_label("Translated into").select_option("en")
    page.get_by_label("Meeting title").fill("Same language")
    page.get_by_role("button", name="Save the translation").click()
    expect(page.get_by_text("This meeting is written in English")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Translated into").select_option("ko")
    page.get_by_label("Meeting title").fill("광주 실무회의")
    page.get_by_label("Public description").fill("수소연료전지 버스 견학")
    page.get_by_role("button", name="Save the translation").click()
    expect(page.get_by_text("Translation saved. It waits for a check.")).to_be_visible()
    page.get_by_role("button", name="Mark the Korean translation as checked").click()
    expect(page.locator("#translation-ko")).to_contain_text("checked by Edition Coordinator")

    log_in_as(page, live_server, None)
    page.set_extra_http_headers({"Accept-Language": "ko"})
    visit(page, base + meeting.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("광주 실무회의")
    expect(page.locator(".translation-note")).to_contain_text("Edition Coordinator")
    page.locator(".translation-note a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Working meeting in Gwangju")
    assert_accessible(page)
