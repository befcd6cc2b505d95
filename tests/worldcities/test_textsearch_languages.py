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


def _as_text(query) -> str:
    """The tsquery ``query`` (a ``reader_query``) stands for, as the database writes it."""
    from practices.models import Practice

    probe = Practice.objects.none().query
    sql, params = query.resolve_expression(probe).as_sql(
        probe.get_compiler(connection=connection), connection
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({sql})::text", params)
        return cursor.fetchone()[0]


def test_languages_that_read_a_word_alike_give_one_reading():
    # English, Indonesian and "simple" keep "hydrogen"; French, German and Spanish stem it.
    readings = _as_text(textsearch.reader_query("hydrogen")).split(" | ")
    assert len(readings) == len(set(readings))
    assert "'hydrogen'" in readings


def test_a_word_left_out_is_left_out_as_every_language_reads_it():
    text = _as_text(textsearch.reader_query("heating -buses"))
    assert "!'bus'" in text and "!'buses'" in text


def test_the_planner_sees_the_words_of_the_query():
    # Worked out before planning, the query's lexemes are in the plan: the planner estimates
    # how many rows they match and can choose the index.
    from practices.models import Practice

    matching = Practice.objects.filter(search_vector=textsearch.reader_query("hydrogen"))
    sql, params = matching.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "'hydrogen'" in plan
    assert "worldcities_any_query" not in plan
