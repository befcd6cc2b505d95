"""Each language writes dates and times the way its readers do (``worldcities.formats``):
the launch meeting of World Cities Korea, Seoul, Tuesday 14 March 2017 at 10:30."""

import datetime
import importlib

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from worldcities.formats import DJANGO_FORMATS, PLATFORM_FORMATS, date_format

LAUNCH = datetime.datetime(2017, 3, 14, 10, 30)
LANGUAGES = ("en", "fr", "de", "es", "ko", "id", "vi")

EXPECTED = {
    "en": {
        "DATE_FORMAT": "14 March 2017",
        "DATETIME_FORMAT": "14 Mar 2017, 10:30",
        "TIME_FORMAT": "10:30",
        "YEAR_MONTH_FORMAT": "March 2017",
        "COMPACT_DATE_FORMAT": "14 Mar 2017",
        "COMPACT_YEAR_MONTH_FORMAT": "Mar 2017",
        "WEEKDAY_FORMAT": "Tue",
        "WEEKDAY_DATE_FORMAT": "Tue 14 Mar 2017",
        "WEEKDAY_DATETIME_FORMAT": "Tue 14 Mar 2017, 10:30",
    },
    "fr": {
        "DATE_FORMAT": "14 mars 2017",
        "DATETIME_FORMAT": "14 mars 2017 à 10:30",
        "TIME_FORMAT": "10:30",
        "YEAR_MONTH_FORMAT": "mars 2017",
        "COMPACT_DATE_FORMAT": "14 mars 2017",
        "COMPACT_YEAR_MONTH_FORMAT": "mars 2017",
        "WEEKDAY_FORMAT": "mar.",
        "WEEKDAY_DATE_FORMAT": "mar. 14 mars 2017",
        "WEEKDAY_DATETIME_FORMAT": "mar. 14 mars 2017 à 10:30",
    },
    "de": {
        "DATE_FORMAT": "14. März 2017",
        "DATETIME_FORMAT": "14. März 2017, 10:30",
        "TIME_FORMAT": "10:30",
        "YEAR_MONTH_FORMAT": "März 2017",
        "COMPACT_DATE_FORMAT": "14.03.2017",
        "COMPACT_YEAR_MONTH_FORMAT": "März 2017",
        "WEEKDAY_FORMAT": "Di.",
        "WEEKDAY_DATE_FORMAT": "Di., 14. März 2017",
        "WEEKDAY_DATETIME_FORMAT": "Di., 14. März 2017, 10:30",
    },
    "es": {
        "DATE_FORMAT": "14 de marzo de 2017",
        "DATETIME_FORMAT": "14 mar 2017, 10:30",
        "TIME_FORMAT": "10:30",
        "YEAR_MONTH_FORMAT": "marzo de 2017",
        "COMPACT_DATE_FORMAT": "14 mar 2017",
        "COMPACT_YEAR_MONTH_FORMAT": "mar 2017",
        "WEEKDAY_FORMAT": "mar",
        "WEEKDAY_DATE_FORMAT": "mar, 14 mar 2017",
        "WEEKDAY_DATETIME_FORMAT": "mar, 14 mar 2017, 10:30",
    },
    "ko": {
        "DATE_FORMAT": "2017년 3월 14일",
        "DATETIME_FORMAT": "2017년 3월 14일 10:30",
        "TIME_FORMAT": "10:30",
        "YEAR_MONTH_FORMAT": "2017년 3월",
        "COMPACT_DATE_FORMAT": "2017. 3. 14.",
        "COMPACT_YEAR_MONTH_FORMAT": "2017년 3월",
        "WEEKDAY_FORMAT": "화",
        "WEEKDAY_DATE_FORMAT": "2017년 3월 14일 (화)",
        "WEEKDAY_DATETIME_FORMAT": "2017년 3월 14일 (화) 10:30",
    },
    "id": {
        "DATE_FORMAT": "14 Maret 2017",
        "DATETIME_FORMAT": "14 Mar 2017, 10.30",
        "TIME_FORMAT": "10.30",
        "YEAR_MONTH_FORMAT": "Maret 2017",
        "COMPACT_DATE_FORMAT": "14 Mar 2017",
        "COMPACT_YEAR_MONTH_FORMAT": "Mar 2017",
        "WEEKDAY_FORMAT": "Sel",
        "WEEKDAY_DATE_FORMAT": "Sel, 14 Mar 2017",
        "WEEKDAY_DATETIME_FORMAT": "Sel, 14 Mar 2017, 10.30",
    },
    "vi": {
        "DATE_FORMAT": "14 tháng 3 năm 2017",
        "DATETIME_FORMAT": "14/3/2017, 10:30",
        "TIME_FORMAT": "10:30",
        "YEAR_MONTH_FORMAT": "Tháng 3 năm 2017",
        "COMPACT_DATE_FORMAT": "14/3/2017",
        "COMPACT_YEAR_MONTH_FORMAT": "3/2017",
        "WEEKDAY_FORMAT": "Thứ 3",
        "WEEKDAY_DATE_FORMAT": "Thứ 3, 14/3/2017",
        "WEEKDAY_DATETIME_FORMAT": "Thứ 3, 14/3/2017, 10:30",
    },
}


@pytest.mark.parametrize(
    ("language", "name", "expected"),
    [(lang, name, text) for lang, shown in EXPECTED.items() for name, text in shown.items()],
)
def test_each_language_writes_the_launch_its_own_way(language, name, expected):
    with translation.override(language):
        assert date_format(LAUNCH, name) == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_templates_show_the_same_through_the_filter(language):
    template = Template(
        '{% load moments %}{{ day|local_date:"WEEKDAY_DATE_FORMAT" }} / '
        '{{ day|local_date:"DATE_FORMAT" }} / {{ day|date:"DATE_FORMAT" }}'
    )
    with translation.override(language):
        shown = template.render(Context({"day": LAUNCH.date()}))
    full = EXPECTED[language]["DATE_FORMAT"]
    assert shown == f"{EXPECTED[language]['WEEKDAY_DATE_FORMAT']} / {full} / {full}"


def test_the_issues_examples():
    """Korean no longer reads "화요일 14 3월 2017", French no longer "mar 14 Mar 2017"."""
    with translation.override("ko"):
        assert date_format(LAUNCH, "WEEKDAY_DATE_FORMAT") == "2017년 3월 14일 (화)"
    with translation.override("fr"):
        assert date_format(LAUNCH, "WEEKDAY_DATE_FORMAT") == "mar. 14 mars 2017"


def test_every_weekday_of_korean_is_one_syllable():
    week = [LAUNCH.date() + datetime.timedelta(days=n) for n in range(-1, 6)]
    with translation.override("ko"):
        assert [date_format(day, "WEEKDAY_FORMAT") for day in week] == list("월화수목금토일")


@pytest.mark.parametrize(
    "language", sorted({*LANGUAGES, *(code for code, _ in settings.LANGUAGES)})
)
def test_every_language_of_the_platform_sets_every_name(language):
    """A language added to LANGUAGES needs its module: Django would otherwise print the names
    of the platform's formats as if they were formats."""
    module = importlib.import_module(f"worldcities.formats.{language}.formats")
    missing = [name for name in (*DJANGO_FORMATS, *PLATFORM_FORMATS) if not hasattr(module, name)]
    assert not missing, f"{language} lacks {missing}"


def test_a_language_without_a_module_falls_back_to_the_default_language():
    with translation.override("pt"):
        assert date_format(LAUNCH, "WEEKDAY_DATE_FORMAT") == "Ter 14 Mar 2017"
