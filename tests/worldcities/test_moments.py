"""Times on the platform name their zone: a reader in Brussels and one in Seoul each see the
time on their own clock, and which clock it is."""

import datetime
import zoneinfo

from django.template import Context, Template
from django.utils import timezone

WHEN = datetime.datetime(2017, 3, 14, 9, 30, tzinfo=datetime.UTC)


def render(value) -> str:
    return Template("{% load moments %}{{ value|moment }}").render(Context({"value": value}))


def test_a_time_names_the_readers_zone():
    with timezone.override(zoneinfo.ZoneInfo("Europe/Brussels")):
        assert render(WHEN) == "14 Mar 2017, 10:30 CET"
    with timezone.override(zoneinfo.ZoneInfo("Asia/Seoul")):
        assert render(WHEN) == "14 Mar 2017, 18:30 KST"
    with timezone.override(zoneinfo.ZoneInfo("Europe/Brussels")):
        assert render(WHEN.replace(month=7)) == "14 Jul 2017, 11:30 CEST"


def test_a_zone_without_an_abbreviation_gives_its_offset():
    with timezone.override(zoneinfo.ZoneInfo("Asia/Dubai")):
        assert render(WHEN) == "14 Mar 2017, 13:30 UTC+04"


def test_no_time_shows_nothing():
    assert render(None) == ""
