"""The pieces of text search that depend on the language: the database and Python cut Hangul
alike, each language has its configuration, and queries read words as every language does."""

import pytest
from django.db import connection

from worldcities import textsearch

pytestmark = pytest.mark.django_db

TEXTS = [
    "수소연료전지 버스를 운행합니다",
    "AI기반 스마트시티",
    "물 한 잔",
    'Hà Nội "서울 시청" 연료전지',
    "Plain English text, nothing to cut.",
    "",
]


def _lexemes(sql: str, text: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT to_tsvector('simple', {sql})::text", [text])
        return cursor.fetchone()[0]


@pytest.mark.parametrize("text", TEXTS)
def test_the_database_and_python_cut_hangul_into_the_same_pieces(text):
    assert _lexemes("worldcities_grams(%s)", text) == _lexemes("%s", textsearch.grams(text))


def test_a_run_becomes_its_overlapping_pieces_and_a_query_keeps_them_in_order():
    assert textsearch.grams("연료전지").split() == ["연료", "료전", "전지"]
    assert textsearch.grams("연료전지 물", phrases=True).split() == ['"연료', "료전", '전지"', "물"]
    # Inside a quoted phrase, the pieces are not quoted again.
    assert textsearch.grams('"연료전지 버스"', phrases=True).count('"') == 2


@pytest.mark.parametrize(
    ("language", "config"),
    [
        ("en", "english"),
        ("fr", "french"),
        ("de", "german"),
        ("es", "spanish"),
        ("id", "worldcities_indonesian"),
        ("ko", "simple"),
        ("vi", "simple"),
        ("xx", "simple"),
    ],
)
def test_each_language_has_its_configuration_in_the_database_too(language, config):
    with connection.cursor() as cursor:
        cursor.execute("SELECT worldcities_config(%s)::text", [language])
        assert cursor.fetchone()[0] == config
    assert textsearch.config_for(language) == config


def test_indonesian_is_stemmed_where_the_server_ships_it():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_ts_config WHERE cfgname = 'indonesian'")
        shipped = cursor.fetchone()[0] == 1
        cursor.execute("SELECT to_tsvector('worldcities_indonesian', 'pembangunan')::text")
        stored = cursor.fetchone()[0]
    assert stored == ("'bangun':1" if shipped else "'pembangunan':1")
