"""Full-text search as every app does it: one PostgreSQL text-search configuration, a
stored document per row that the database keeps up to date itself (``stored_document``),
queries in web-search syntax (``"a phrase"``, ``-word``), and the checks a typed search goes
through before it reaches the database (``SearchTermsForm``)."""

import re

from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.db import connection, models
from django.db.models import Func
from django.db.models.expressions import CombinedExpression
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# The text-search configuration of the stored vectors of cities, pairings, actions and
# meetings, and of every query against them.
SEARCH_CONFIG = "english"

# The configuration a text in each language is stored and searched with (the database's
# ``worldcities_config(language)`` says the same, created by the migration
# ``cities.0004_language_search`` with ``worldcities_grams``): PostgreSQL's own
# stemmers where it ships one, ``simple`` (every word as written) otherwise.
# ``worldcities_indonesian`` is a copy of ``indonesian`` where the server has it, else of
# ``simple`` (the migration that creates it decides).
LANGUAGE_CONFIGS = {
    "en": "english",
    "fr": "french",
    "de": "german",
    "es": "spanish",
    "id": "worldcities_indonesian",
    "ko": "simple",
    "vi": "simple",
}
FALLBACK_CONFIG = "simple"

# Hangul (jamo, compatibility jamo, syllables), kana and CJK ideographs: scripts written
# without spaces between the words of a phrase, or with particles glued to a word.
JOINED_SCRIPT = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
_JOINED_RUN = re.compile(f"[{JOINED_SCRIPT}]+")
# A word or quoted phrase left out of a web-search query: ``-word``, ``-"a phrase"``.
_EXCLUDED = re.compile(r'(?:^|\s)-("[^"]*"|[^\s"]+)')

# Longer than any search a person types: a longer one is refused with a message.
MAX_LENGTH = 200


def web_query(q: str) -> SearchQuery:
    """``q`` as a text-search query in web-search syntax."""
    return SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)


def config_for(language: str) -> str:
    """The text-search configuration of texts written in ``language``."""
    return LANGUAGE_CONFIGS.get(language, FALLBACK_CONFIG)


def grams(text: str, *, phrases: bool = False) -> str:
    """``text`` with each run of three or more Hangul (or kana, or CJK) characters replaced
    by its overlapping two-character pieces: "연료전지" becomes "연료 료전 전지". The
    database's ``worldcities_grams`` does the same to stored text, so a word found inside a
    longer string ("전지" in "연료전지버스") is a whole token of the stored vector, found
    through its GIN index. With ``phrases`` (for a query), each run's pieces are quoted, so
    that they must follow each other as in the text, unless the run is inside a quoted
    phrase already."""
    out, quoted, start = [], False, 0
    for match in _JOINED_RUN.finditer(text):
        before = text[start : match.start()]
        quoted ^= before.count('"') % 2 == 1
        run = match.group()
        pieces = run if len(run) < 3 else " ".join(run[i : i + 2] for i in range(len(run) - 1))
        if phrases and len(run) >= 3 and not quoted:
            pieces = f'"{pieces}"'
        out.append(f"{before} {pieces} ")
        start = match.end()
    out.append(text[start:])
    return "".join(out)


class AnyReading(SearchQuery):
    """``text`` (web-search syntax) read by each configuration of ``configs``, the distinct
    readings joined by ``|`` (the database's ``worldcities_any_query``): one reading where
    several languages read the words alike, and a query the planner knows before planning."""

    def __init__(self, text: str, configs: tuple[str, ...], *, invert: bool = False):
        super().__init__(text, invert=invert, search_type="websearch")
        self.configs = configs

    def as_sql(self, compiler, connection, function=None, template=None):
        text_sql, params = compiler.compile(self.source_expressions[0])
        sql = f"worldcities_any_query({text_sql}, %s)"
        return (f"!!({sql})" if self.invert else sql), [*params, list(self.configs)]


# Every configuration a text of the platform is stored in.
READER_CONFIGS = tuple(sorted({*LANGUAGE_CONFIGS.values(), FALLBACK_CONFIG}))


def reader_query(q: str) -> SearchQuery:
    """``q`` (web-search syntax) as a query against documents stored in their own language's
    configuration (``language_document``): the words as any language of the platform reads
    them, so that a French reader searching "hydrogène" finds the French practice, and
    "hydrogen" finds the English one. Hangul runs become their two-character pieces
    (``grams``)."""
    text = grams(q, phrases=True)
    query = AnyReading(text, READER_CONFIGS)
    # A word left out (``-diesel``) is left out as every configuration reads it: else a
    # document would match through a language that stems it otherwise.
    for excluded in _EXCLUDED.findall(text):
        query &= ~AnyReading(excluded, READER_CONFIGS)
    return query


class LanguageDocument(Func):
    """``setweight(to_tsvector(worldcities_config(language), worldcities_grams(text)),
    weight)`` for each ``(text, weight)`` pair, joined: a row's text stored in its own
    language's configuration. Immutable (the two functions are declared so), so it may be a
    generated column."""

    output_field = SearchVectorField()

    def __init__(self, language, *weighted):
        self.weights = [weight for _text, weight in weighted]
        super().__init__(language, *[text for text, _weight in weighted])

    def as_sql(self, compiler, connection, **extra):
        sql, params = [], []
        for expression, weight in zip(self.source_expressions[1:], self.weights, strict=True):
            language_sql, language_params = compiler.compile(self.source_expressions[0])
            text_sql, text_params = compiler.compile(expression)
            sql.append(
                f"setweight(to_tsvector(worldcities_config({language_sql}), "
                f"worldcities_grams(COALESCE({text_sql}, ''))), '{weight}')"
            )
            params += [*language_params, *text_params]
        return "(" + " || ".join(sql) + ")", params


def language_document(language: str, *weighted) -> models.GeneratedField:
    """A generated column holding the weighted vector of the row's text columns (``(name,
    weight)`` pairs) in the configuration of the language named by the column ``language``."""
    return models.GeneratedField(
        expression=LanguageDocument(
            models.F(language), *[(models.F(name), weight) for name, weight in weighted]
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )


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
    """Whether ``q`` keeps any word once the reader's language's configuration drops its stop
    words ("the", "and", …): one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT numnode(websearch_to_tsquery(CAST(%s AS regconfig), %s)) > 0",
            [config_for(translation.get_language() or "en"), grams(q, phrases=True)],
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
