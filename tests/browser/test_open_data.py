"""A researcher finds the open data from the footer, reads what the practices file holds,
downloads it and finds the published practice in it (and not the draft)."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.cities.factories import CityFactory
from tests.practices.factories import PracticeFactory
from worldcities.opendata import services

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_downloads_the_practices_and_reads_their_fields(
    page, live_server, settings, tmp_path
):
    settings.OPEN_DATA_ROOT = tmp_path / "open-data"
    tampere = CityFactory(name="Tampere", slug="tampere")
    PracticeFactory(title="Bike sharing in Tampere", slug="bike-sharing", city=tampere)
    PracticeFactory(title="Unfinished draft", city=tampere, status="draft")
    services.open_data_build()

    page.goto(f"{live_server.url}/privacy/")
    assert_accessible(page)
    page.get_by_role("contentinfo").get_by_role("link", name="Open data").click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data")
    row = page.locator("tr#practices")
    expect(row).to_contain_text("Good practices")
    expect(row.locator("td").first).to_have_text("1")
    expect(page.get_by_role("link", name="CC BY 4.0", exact=False)).to_be_visible()

    with page.expect_download() as download_info:
        row.get_by_role("link", name="JSON").click()
    download = download_info.value
    assert download.suggested_filename == "practices.json"
    with open(download.path(), encoding="utf-8") as handle:
        rows = json.load(handle)
    assert [r["title"] for r in rows] == ["Bike sharing in Tampere"]

    row.get_by_role("link", name="Fields of Good practices").click()
    assert_accessible(page)
    section = page.get_by_role("region", name="Good practices")
    expect(section).to_contain_text("Slug of the city that did it.")
    expect(section.get_by_role("rowheader", name="thematic_areas")).to_be_visible()
