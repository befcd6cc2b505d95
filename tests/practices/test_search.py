import pytest

from practices.models import Practice
from practices.selectors import practice_search, with_highlights

from .factories import PracticeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(db):
    return {
        "title": PracticeFactory(
            title="Hydrogen buses for the city", summary="Clean transport.", body="Fleet renewal."
        ),
        "summary": PracticeFactory(
            title="Fleet renewal", summary="Hydrogen fuel cells in depots.", body="Depots."
        ),
        "body": PracticeFactory(
            title="Port logistics", summary="Cargo.", body="A small hydrogen pilot at the port."
        ),
        "grid": PracticeFactory(
            title="Smart grid pilot", summary="Energy data.", body="The smart grid links homes."
        ),
        "diesel": PracticeFactory(
            title="Smart grid backup",
            summary="Backup.",
            body="A smart grid with diesel generators for outages.",
        ),
        "apart": PracticeFactory(
            title="Grid maintenance", summary="Smart meters.", body="The grid is old."
        ),
    }


def titles(qs):
    return [p.title for p in qs]


def test_ranking_puts_title_above_summary_above_body(corpus):
    found = titles(practice_search(Practice.objects.all(), "hydrogen"))
    assert found == ["Hydrogen buses for the city", "Fleet renewal", "Port logistics"]


def test_stemming_finds_other_word_forms(corpus):
    assert titles(practice_search(Practice.objects.all(), "renewals")) == [
        "Fleet renewal",
        "Hydrogen buses for the city",
    ]


def test_phrase_matches_words_side_by_side_only(corpus):
    found = set(titles(practice_search(Practice.objects.all(), '"smart grid"')))
    assert found == {"Smart grid pilot", "Smart grid backup"}


def test_exclusion_leaves_out_a_word(corpus):
    found = set(titles(practice_search(Practice.objects.all(), '"smart grid" -diesel')))
    assert found == {"Smart grid pilot"}


def test_matching_passage_is_highlighted(corpus):
    rows = with_highlights(list(practice_search(Practice.objects.all(), "pilot port")))
    assert rows[0].title == "Port logistics"
    assert "<mark>pilot</mark>" in rows[0].headline_html
    assert "<mark>port</mark>" in rows[0].headline_html


def test_search_vector_follows_an_edit(corpus, delegate):
    from practices.services import practice_index

    practice = corpus["body"]
    Practice.objects.filter(pk=practice.pk).update(title="Tidal energy")
    practice_index(practice=practice)
    assert titles(practice_search(Practice.objects.all(), "tidal")) == ["Tidal energy"]
