"""A Korean reader finds a meeting under its Korean title on the meeting list and on the
calendar; programme staff correct, check and delete a translation in the administration,
and the reader sees each change at once."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in
from tests.meetings.factories import MeetingFactory, MeetingTranslationFactory, in_days
from tests.users.factories import ProgrammeStaffFactory

pytestmark = pytest.mark.django_db(transaction=True)


def visit(page, url):
    page.goto(url)
    assert_accessible(page)


def test_a_korean_reader_sees_the_korean_title_on_the_list_and_the_calendar(
    page, live_server, edition, partner_city
):
    meeting = MeetingFactory(
        edition=edition,
        host_city=partner_city,
        title="Working meeting in Gwangju",
        starts_at=in_days(10),
        ends_at=in_days(10, hour=17),
    )
    MeetingTranslationFactory(meeting=meeting, language="ko", title="광주 실무회의")
    base = live_server.url

    log_in(page, live_server, None)
    page.set_extra_http_headers({"Accept-Language": "ko"})
    visit(page, base + "/meetings/")
    expect(page.locator("table.meeting-table").first).to_contain_text("광주 실무회의")
    expect(page.get_by_text("Working meeting in Gwangju")).to_have_count(0)

    when = meeting.local_starts_at
    visit(page, base + f"/meetings/calendar/{when.year}/{when.month}/")
    # A meeting may cover two days of the grid (in the reader's zone).
    link = page.get_by_role("link", name=re.compile("광주 실무회의")).first
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("광주 실무회의")
    assert_accessible(page)

    # A reader of German gets the original.
    page.set_extra_http_headers({"Accept-Language": "de"})
    visit(page, base + "/meetings/")
    expect(page.get_by_role("link", name="Working meeting in Gwangju")).to_be_visible()


def test_staff_edit_check_and_delete_a_translation_in_the_administration(
    page, live_server, edition, partner_city
):
    staff = ProgrammeStaffFactory(email="staff@example.org", full_name="Programme Staff")
    meeting = MeetingFactory(
        edition=edition, host_city=partner_city, title="Working meeting in Gwangju"
    )
    translation = MeetingTranslationFactory(meeting=meeting, language="ko", title="광주 회으")
    base = live_server.url

    log_in(page, live_server, staff)
    visit(page, f"{base}/admin/meetings/meeting/{meeting.pk}/change/")
    # The meeting's inline links each translation to its own change form.
    page.locator(f'a[href$="/meetingtranslation/{translation.pk}/change/"]').first.click()
    expect(page).to_have_url(re.compile(rf"/meetingtranslation/{translation.pk}/change/"))
    assert_accessible(page)
    page.get_by_label("Title").fill("광주 실무회의")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert_accessible(page)

    # A second translation into Korean is refused, with the site's reason.
    visit(page, f"{base}/admin/meetings/meetingtranslation/add/")
    page.locator(".field-meeting .select2-selection").click()
    page.locator(".select2-search__field").last.fill("Gwangju")
    page.locator(".select2-results__option", has_text="Working meeting in Gwangju").first.click()
    page.get_by_label("Language").select_option("ko")
    page.get_by_label("Title").fill("둘째")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errornote, .errorlist").first).to_be_visible()
    expect(page.get_by_text("already has a translation into Korean")).to_be_visible()
    assert_accessible(page)

    # Checked from the list, with its action.
    visit(page, f"{base}/admin/meetings/meetingtranslation/")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("mark_checked")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("1 translation marked as checked")
    assert_accessible(page)
    translation.refresh_from_db()
    assert translation.checked_by == staff

    log_in(page, live_server, None)
    page.set_extra_http_headers({"Accept-Language": "ko"})
    visit(page, base + "/meetings/")
    expect(page.get_by_role("link", name="광주 실무회의")).to_be_visible()

    log_in(page, live_server, staff)
    page.set_extra_http_headers({"Accept-Language": "en"})
    visit(page, f"{base}/admin/meetings/meetingtranslation/{translation.pk}/delete/")
    page.get_by_role("button", name=re.compile("Yes")).click()
    expect(page.locator(".messagelist")).to_contain_text("was deleted successfully")
    assert_accessible(page)

    log_in(page, live_server, None)
    page.set_extra_http_headers({"Accept-Language": "ko"})
    visit(page, base + "/meetings/")
    expect(page.get_by_role("link", name="Working meeting in Gwangju")).to_be_visible()
