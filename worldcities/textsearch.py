"""Full-text search as every app does it: one PostgreSQL text-search configuration, queries in
web-search syntax (``"a phrase"``, ``-word``), and the checks a typed search goes through
before it reaches the database (``SearchTermsForm``)."""

from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.utils.translation import gettext_lazy as _

# The text-search configuration of every stored vector and of every query against one.
SEARCH_CONFIG = "english"

# Longer than any search a person types: a longer one is refused with a message.
MAX_LENGTH = 200


def web_query(q: str) -> SearchQuery:
    """``q`` as a text-search query in web-search syntax."""
    return SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)


def weighted_vector(*weighted) -> SearchVector:
    """A vector over ``(expression, weight)`` pairs, computed as the rows are read."""
    vectors = [SearchVector(expr, weight=weight, config=SEARCH_CONFIG) for expr, weight in weighted]
    combined = vectors[0]
    for vector in vectors[1:]:
        combined = combined + vector
    return combined


def has_words(q: str) -> bool:
    """Whether ``q`` keeps any word once the configuration drops its stop words ("the",
    "and", …): one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT numnode(websearch_to_tsquery(CAST(%s AS regconfig), %s)) > 0",
            [SEARCH_CONFIG, q],
        )
        return cursor.fetchone()[0]


class SearchTermsForm(forms.Form):
    """What a person typed into a search box, refused with a reason when nothing could be
    searched for: too long, punctuation only, or only words too common to search for."""

    q = forms.CharField(
        label=_("Search the site"),
        max_length=MAX_LENGTH,
        required=False,
        error_messages={
            "max_length": _(
                "A search can be at most %(limit_value)d characters long "
                "(this one has %(show_value)d): keep the words that matter."
            )
        },
    )

    def clean_q(self):
        q = " ".join(self.cleaned_data["q"].split())
        if not q:
            return q
        if not any(character.isalnum() for character in q):
            raise forms.ValidationError(
                _("Type a word to search for: punctuation alone finds nothing."),
                code="no_words",
            )
        if not has_words(q):
            raise forms.ValidationError(
                _(
                    "Words such as “the” or “and” are too common to search for: "
                    "add a word that says what you are looking for."
                ),
                code="stop_words",
            )
        return q
