"""The bulk downloads as a reader gets them: each file read back by a CSV or JSON parser holds
the public rows and nothing else; a failed build leaves the previous files."""

import csv
import json

import pytest

from worldcities.opendata import services
from worldcities.opendata.models import Download
from worldcities.opendata.resources import BY_NAME, RESOURCES

pytestmark = pytest.mark.django_db


def read_csv(name):
    with services.download_path(name, "csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_json(name):
    with services.download_path(name, "json").open(encoding="utf-8") as handle:
        return json.load(handle)


def test_every_resource_is_written_in_both_formats_with_the_declared_fields(programme):
    counts = services.open_data_build()

    assert set(counts) == set(BY_NAME)
    for resource in RESOURCES:
        rows = read_json(resource.name)
        table = read_csv(resource.name)
        assert len(rows) == len(table) == counts[resource.name]
        with services.download_path(resource.name, "csv").open(encoding="utf-8") as handle:
            assert handle.readline().strip() == ",".join(resource.field_names)
        assert all(list(row) == resource.field_names for row in rows)
    recorded = {(d.resource, d.format): d for d in Download.objects.all()}
    assert len(recorded) == 2 * len(RESOURCES)
    practices_json = recorded[("practices", "json")]
    assert practices_json.rows == 1
    assert practices_json.size == services.download_path("practices", "json").stat().st_size


def test_practices_hold_the_published_ones_with_their_links_and_no_e_mail(programme):
    services.open_data_build(names=["practices"])

    (practice,) = read_json("practices")
    assert practice["slug"] == "bike-sharing"
    assert practice["title"] == "Bike sharing in Tampere"
    assert practice["city"] == "tampere"
    assert practice["pairing"] == "tampere-gwangju"
    assert practice["thematic_areas"] == ["smart-city"]
    assert practice["topics"] == [programme["topic"].pk]
    assert practice["key_figures"] == [
        {"label": "Trips a day", "value": 1500.0, "unit": "trips", "year": 2018}
    ]
    assert practice["partners"] == [
        {"organisation": programme["partner"].organisation_id, "role": "Runs the pilot"}
    ]
    assert practice["contact_name"] == "Liisa Virtanen"
    assert practice["url"] == "https://worldcities.example.eu/practices/bike-sharing/"
    (row,) = read_csv("practices")
    assert row["thematic_areas"] == "smart-city"
    assert row["ongoing"] == "false"
    assert json.loads(row["key_figures"])[0]["label"] == "Trips a day"
    for fmt in services.FORMATS:
        text = services.download_path("practices", fmt).read_text(encoding="utf-8")
        assert "Secret draft" not in text
        assert "@" not in text


def test_meetings_hold_the_public_ones_without_venue_or_practical_information(programme, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    services.open_data_build(names=["meetings"])

    (meeting,) = read_json("meetings")
    assert meeting["title"] == "Launch meeting in Gwangju"
    assert meeting["host_city"] == "gwangju"
    assert meeting["starts_at"] == programme["public"].starts_at.isoformat()
    assert meeting["url"] == f"http://127.0.0.1:8000/meetings/{programme['public'].pk}/"
    text = services.download_path("meetings", "csv").read_text(encoding="utf-8")
    assert "Launch meeting in Gwangju" in text
    assert "Closed door meeting" not in text
    assert "City Hall" not in text
    assert "Bring your badge" not in text


def test_pairings_and_cities_point_to_each_other_by_slug(programme):
    services.open_data_build(names=["pairings", "cities", "topics"])

    (pairing,) = read_json("pairings")
    assert pairing["eu_lead"] == "tampere"
    assert pairing["partner_lead"] == "gwangju"
    assert pairing["members"] == [{"city": programme["member"].city.slug, "side": "eu"}]
    assert pairing["topics"] == [programme["topic"].pk]
    cities = {row["slug"]: row for row in read_csv("cities")}
    assert {"tampere", "gwangju", programme["member"].city.slug} <= set(cities)
    assert cities["tampere"]["time_zone"] == "Europe/Helsinki"
    (topic,) = read_json("topics")
    assert topic["area"] == "smart-city"


def test_a_build_that_fails_leaves_the_previous_files_and_no_temporary_file(programme, monkeypatch):
    from tests.practices.factories import PracticeFactory

    PracticeFactory(city=programme["published"].city, slug="second")
    services.open_data_build(names=["practices"])
    before = {f: services.download_path("practices", f).read_bytes() for f in services.FORMATS}
    recorded = Download.objects.get(resource="practices", format="json").built_at
    encoder = services._json

    class FailsOnTheSecondRow:
        def encode(self, row):
            if row["slug"] == "second":
                raise RuntimeError("the connection was lost mid-build")
            return encoder.encode(row)

    monkeypatch.setattr(services, "_json", FailsOnTheSecondRow())
    with pytest.raises(RuntimeError):
        services.open_data_build(names=["practices"])

    for fmt, content in before.items():
        assert services.download_path("practices", fmt).read_bytes() == content
    assert sorted(p.name for p in services.open_data_root().iterdir()) == [
        "practices.csv",
        "practices.json",
    ]
    assert Download.objects.get(resource="practices", format="json").built_at == recorded


def test_building_again_replaces_the_files_with_the_rows_as_they_are(programme):
    services.open_data_build(names=["practices"])
    programme["draft"].status = "published"
    programme["draft"].save(update_fields=["status"])

    services.open_data_build(names=["practices"])

    assert [row["slug"] for row in read_json("practices")] == ["bike-sharing", "secret-draft"]
    assert Download.objects.get(resource="practices", format="csv").rows == 2


def test_a_build_reads_its_rows_in_a_constant_number_of_queries(programme):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.practices.factories import KeyFigureFactory, PracticeFactory, TransferFactory

    def queries():
        with CaptureQueriesContext(connection) as captured:
            services.open_data_build(names=["practices"])
        return len(captured)

    services.open_data_build(names=["practices"])  # the files' records exist from now on
    with_one = queries()
    for n in range(20):
        practice = PracticeFactory(
            city=programme["published"].city, slug=f"more-{n}", thematic_areas=[programme["area"]]
        )
        KeyFigureFactory(practice=practice)
        TransferFactory(practice=practice)
    assert queries() == with_one
    assert len(read_json("practices")) == 21
