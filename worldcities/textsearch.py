"""Full-text search as every app does it: one PostgreSQL text-search configuration, a
stored document per row that the database keeps up to date itself (``stored_document``),
queries in web-search syntax (``"a phrase"``, ``-word``), and the checks a typed search goes
through before it reaches the database (``SearchTermsForm``)."""

from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.db import connection, models
from django.db.models import Func
from django.db.models.expressions import CombinedExpression
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


def stored_document(*weighted) -> models.GeneratedField:
    """A column holding the weighted vector of the row's own text columns (``(name,
    weight)`` pairs), computed by the database on every insert and update: no write path
    has to refresh it, and a search reads it instead of parsing every row's text."""
    return models.GeneratedField(
        expression=weighted_vector(*weighted),
        output_field=SearchVectorField(),
        db_persist=True,
    )


def names_in(document: str, weight: str = "A"):
    """The words of a related row's stored document that carry weight A (its name), given
    ``weight``: read from what is stored, so no row's text is parsed again."""
    return Func(
        document,
        function="setweight",
        template=f"%(function)s(ts_filter(%(expressions)s, '{{a}}'), '{weight}')",
        output_field=SearchVectorField(),
    )


def joined(*documents):
    """One document out of several (``||``)."""
    combined = documents[0]
    for document in documents[1:]:
        combined = CombinedExpression(combined, "||", document, output_field=SearchVectorField())
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
