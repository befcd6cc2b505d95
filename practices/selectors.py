"""Every read of practices, narrowed to what the reader may see (``permissions.visible_q``):
lists with search and facet counts, a practice with all it shows, a city's practices."""

import functools
import heapq
import re
from collections import Counter
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    TextField,
    Value,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Concat
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext_lazy as _

from cities.models import City, Country, Organisation, ThematicArea, Topic
from twinning.models import Edition, Pairing, PairingMember
from worldcities import textsearch, versions
from worldcities.pagination import PageByKeysPaginator, plain_order
from worldcities.users.permissions import is_coordinator, is_delegate, is_programme_staff
from worldcities.users.services import PEOPLE

from .models import (
    ApplicationPractice,
    Attachment,
    Comment,
    Follow,
    KeyFigure,
    Practice,
    PracticeLink,
    PracticePartner,
    PracticeStatusChange,
    PracticeTranslation,
    PracticeVersion,
    PublishedGroup,
    Transfer,
    side_expression,
)
from .permissions import coordinated_practices, coordinated_q, visible_q
from .rendering import MARK_START, MARK_STOP, highlight_to_html
from .services import PUBLISHED, listed_under, practice_name, questions_name, word_key

PAGE_SIZE = 12
FACET_OPTIONS_SHOWN = 30


def practices_visible(user):
    return Practice.objects.filter(visible_q(user))


def published_practice_count() -> int:
    """How many practices are published, from the groups the database keeps of them
    (``PublishedGroup``: the two of "with key figures" or not), not by counting them."""
    groups = PublishedGroup.objects.filter(grouping=PublishedGroup.Grouping.FIGURES)
    return groups.aggregate(n=Coalesce(Sum("n"), 0))["n"]


def with_areas_and_topics(qs):
    """``qs`` with each practice's thematic areas (``area_slugs``) and topics (``topic_pks``)
    read in the same query, each list in its model's order, as the relations list them: no
    query per practice, and none after the page's own."""
    return qs.annotate(
        area_slugs=ArraySubquery(
            ThematicArea.objects.filter(practices=OuterRef("pk"))
            .order_by(*ThematicArea._meta.ordering)
            .values("slug")
        ),
        topic_pks=ArraySubquery(
            Topic.objects.filter(practices=OuterRef("pk"))
            .order_by(*Topic._meta.ordering)
            .values("pk")
        ),
    )


# What a card of the list shows of its practice (``practices/includes/practice_card.html``).
CARD_FIELDS = (
    "title",
    "slug",
    "summary",
    "language",
    "status",
    "is_demo",
    "published_at",
    "adoption_count",
    "city__name",
    "city__country__name",
)


def _for_cards(qs):
    """``qs`` with what a card shows and no more, and the names of each practice's thematic
    areas in their order (``area_names``) read in the same query."""
    return (
        qs.select_related("city__country")
        .only(*CARD_FIELDS)
        .annotate(
            area_names=ArraySubquery(
                ThematicArea.objects.filter(practices=OuterRef("pk"))
                .order_by(*ThematicArea._meta.ordering)
                .values("name")
            )
        )
    )


# --- Search -------------------------------------------------------------------------------------
def search_query(q: str):
    """``q`` as the text-search query a practice's stored vector is matched against, read as
    every language of the platform reads it (``textsearch.reader_query``)."""
    return textsearch.reader_query(q)


def query_words(q: str) -> list[str] | None:
    """The words (lexemes) of which a practice must hold one to match ``q``, as the database
    reads them, in one query: those of ``querytree``, the part of the query an index can look
    up, which every match satisfies. None when that part is empty: words only left out
    (``-word``), or no word that counts."""
    probe = Practice.objects.none().query
    expression = search_query(q).resolve_expression(probe)
    sql, params = expression.as_sql(probe.get_compiler(connection=connection), connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT querytree({sql})", params)
        tree = cursor.fetchone()[0] or ""
    words = re.findall(r"'((?:[^']|'')*)'", tree)
    return sorted({word.replace("''", "'") for word in words}) or None


def practice_search(qs, q: str):
    """Filters ``qs`` to the practices matching ``q`` (web-search syntax: ``"a phrase"``,
    ``-word``) in their own text or a translation (``textsearch.reader_query``) and annotates
    ``rank`` (higher is better) and ``headline`` (the matching passage, match markers
    included)."""
    q = (q or "").strip()
    if not q:
        return qs
    language = translation.get_language() or "en"
    query = search_query(q)
    return (
        qs.filter(search_vector=query)
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            headline=SearchHeadline(
                Concat("summary", Value(" … "), "body", output_field=TextField()),
                query,
                config=textsearch.config_for(language),
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-published_at", "-pk")
    )


def practices_matching(user, q: str, *, limit: int) -> tuple[int, list[Practice]]:
    """How many practices ``user`` may see match ``q`` and the ``limit`` best, with their
    city and the matching passage (``headline_html``): two queries."""
    matches = practice_search(practices_visible(user), q)
    count = matches.order_by().count()
    rows = list(
        matches.select_related("city__country")
        .defer("body_html", "search_vector")
        .order_by("-rank", "-published_at", "-pk")[:limit]
    )
    return count, with_highlights(in_reader_language(rows))


def in_reader_language(rows):
    """Shows each practice of a page (a list of rows) with the title and summary of its
    translation into the reader's language, where it has one (``translated_from`` is then the
    language it was written in): one query, none when every row is in that language."""
    language = translation.get_language() or ""
    others = [row.pk for row in rows if row.language != language]
    if not others:
        return rows
    translated = PracticeTranslation.objects.filter(practice_id__in=others, language=language)
    found = {
        practice_id: (title, summary)
        for practice_id, title, summary in translated.values_list("practice_id", "title", "summary")
    }
    for row in rows:
        if row.pk in found:
            row.translated_from = row.get_language_display()
            row.title, row.summary = found[row.pk]
    return rows


def with_highlights(rows):
    """Sets ``headline_html`` (escaped, matches in ``<mark>``) on each row of a page."""
    for row in rows:
        raw = getattr(row, "headline", None)
        row.headline_html = mark_safe(highlight_to_html(raw)) if raw else ""
    return rows


# --- Facets -------------------------------------------------------------------------------------
def _facet(name, label, counts, chosen, labels=None):
    values = [(str(value), count) for value, count in counts if value not in (None, "")]
    shown = range(len(values))
    hidden = 0
    if len(values) > FACET_OPTIONS_SHOWN:
        # A facet of thousands of cities is no filter one can read: the values with the most
        # results are shown (and every chosen one), in their usual order, and only they become
        # options.
        top = heapq.nlargest(FACET_OPTIONS_SHOWN, shown, key=lambda i: values[i][1])
        shown = sorted(
            set(top).union(i for i in shown if values[i][0] in chosen) if chosen else top
        )
        hidden = len(values) - len(shown)
    labels = labels or {}
    options = [
        {
            "value": value,
            "label": labels.get(value, value),
            "count": count,
            "checked": value in chosen,
        }
        for value, count in (values[i] for i in shown)
    ]
    return {"name": name, "label": label, "options": options, "hidden": hidden}


def _list_order(filtered) -> list[tuple[str, bool]] | None:
    """The results' order as (column of the practice or annotation, descending) pairs ending
    in the key, or None if it is ordered otherwise (through a relation, by an expression)."""
    order = plain_order(filtered.query)
    if not order or order[-1][0] != "pk" or any("__" in name for name, _desc in order):
        return None
    return order


def _facet_rows(
    filtered, page_slice=None, *, every_published=False
) -> tuple[dict[str, list[tuple]], list[int] | None]:
    """Every facet's counts over the current results in one query: the results are selected
    once (a common table expression), grouped in one pass by each facet's column, and those
    groups counted per thematic area, topic, country, city, side, edition, partner sector,
    start date and key figures. Areas, topics, partner sectors and key figures are read from
    what each practice keeps on its row (``services.practices_reindex``), so no count joins
    the results with a table of links; the side (``models.side_expression``) is worked out
    once per city and pairing counted, not per practice.

    With ``page_slice`` (offset, limit), the same query also returns the keys of that slice
    of the results in their order: the matches are read once for both, which
    for a search (ranked over every match) is most of the page's cost. Otherwise, and when the
    order is not a list of names, the keys are None.

    With ``every_published`` (``filtered`` being every published practice, unfiltered), the
    groups are not made from the practices but read as the database keeps them
    (``PublishedGroup``): a few thousand rows rather than every published practice."""
    order = _list_order(filtered) if page_slice else None
    ordered_by = [name for name, _descending in order or [] if name != "pk"]
    # The unfiltered counts read the groups as kept; the results themselves are not read.
    kept = every_published and page_slice is None
    matched_sql, params = (
        ("", [])
        if kept
        else filtered.order_by()
        .values(
            "pk",
            "city_id",
            "start_date",
            "pairing_id",
            "facet_key",
            "has_key_figures",
            *ordered_by,
        )
        .query.sql_with_params()
    )
    # A practice's side follows from its city and pairing alone: it is worked out once per
    # (city, pairing) group of the results, from the group's own columns, so that no practice
    # is read again (their rows are scattered over a table larger than the server's buffers)
    # and no city either.
    places = City.objects.annotate(
        place_city=RawSQL("g.city_id", (), output_field=BigIntegerField()),
        place_pairing=RawSQL("g.pairing_id", (), output_field=BigIntegerField()),
    ).query
    side = side_expression("place_city", "place_pairing", joined=False)
    side_sql, side_params = places.get_compiler(connection=connection).compile(
        side.resolve_expression(places)
    )
    params = [*params, *side_params]
    t = {
        "area": ThematicArea._meta.db_table,
        "topic": Topic._meta.db_table,
        "city": City._meta.db_table,
        "country": Country._meta.db_table,
        "pairing": Pairing._meta.db_table,
        "member": PairingMember._meta.db_table,
        "edition": Edition._meta.db_table,
    }
    # The results are read once and grouped by each facet's column at the same time: by their
    # areas, topics and sectors together (``Practice.facet_key``: a thousand or so different
    # texts), by place (city, pairing, side), by start date and by "with key figures". Every
    # count below reads these few groups, never the results again. ``g`` has a flag per
    # grouping (0 on that grouping's rows, from GROUPING()).
    sets = {
        "lists": ["lists"],
        "city_id": ["city_id", "pairing_id"],
        "start_date": ["start_date"],
        "figures": ["figures"],
    }
    columns = [column for grouping in sets.values() for column in grouping]

    def listed(grouping):
        return ", ".join(f"m.{column}" for column in grouping)

    flags = ", ".join(f"GROUPING(m.{name}) AS by_{name}" for name in sets)
    grouped = f"""SELECT {flags}, {listed(columns)}, count(*) AS n FROM m
        GROUP BY GROUPING SETS ({", ".join(f"({listed(g)})" for g in sets.values())})"""  # noqa: S608
    if kept:
        # The same groups as the database keeps them: each row is of one grouping
        # (``PublishedGroup.Grouping``, in the order of ``sets``).
        groupings = zip(sets, PublishedGroup.Grouping.values, strict=True)
        flags = ", ".join(
            f"CASE grouping WHEN '{g}' THEN 0 ELSE 1 END AS by_{name}" for name, g in groupings
        )
        grouped = f"""SELECT {flags}, {", ".join(columns)}, n
            FROM {PublishedGroup._meta.db_table} WHERE n > 0"""  # noqa: S608

    def per_value(part, cast=""):
        """Each value of the ``part``-th list of ``facet_key`` (1: areas, 2: topics, 3:
        sectors) with the number of results that hold it."""
        values = f"string_to_array(split_part(g.lists, '|', {part}), ',')"
        return f"""(SELECT x.value{cast} AS value, CAST(sum(x.n) AS BIGINT) AS n
            FROM (SELECT unnest({values}) AS value, g.n FROM g WHERE g.by_lists = 0) x
            GROUP BY 1)"""  # noqa: S608

    keys_sql = ""
    if order is not None:
        # The slice's keys as one text value, in the list's order (which ends in the key).
        names = {name: f"o{i}" for i, name in enumerate(ordered_by)} | {"pk": "id"}

        def by(table):
            return ", ".join(
                f"{table}.{names[name]} {'DESC' if desc else 'ASC'}" for name, desc in order
            )

        picked = ", ".join(f"m.{names[name]}" for name, _desc in order)
        keys_sql = f"""
    UNION ALL
    SELECT 'keys', (SELECT string_agg(CAST(k.id AS TEXT), ',' ORDER BY {by("k")})
        FROM (SELECT {picked} FROM m ORDER BY {by("m")} LIMIT %s OFFSET %s) k), '', 0, 0"""  # noqa: S608
        params += [page_slice[1], page_slice[0]]
    extra = "".join(f", o{i}" for i in range(len(ordered_by)))
    matched = (
        ""
        if kept
        else f"""m (id, city_id, start_date, pairing_id, lists, figures{extra})
        AS ({matched_sql}),"""
    )
    sql = f"""
    WITH {matched}
    g AS ({grouped}),
    per_place (city_id, pairing_id, side, n) AS (
        SELECT g.city_id, g.pairing_id, {side_sql}, g.n FROM g WHERE g.by_city_id = 0
    ),
    per_city (id, slug, name, country_id, n) AS (
        SELECT c.id, c.slug, c.name, c.country_id, CAST(sum(pp.n) AS BIGINT)
            FROM per_place pp JOIN {t["city"]} c ON c.id = pp.city_id
            GROUP BY c.id, c.slug, c.name, c.country_id
    ),
    city_editions (city_id, edition_id) AS (
        SELECT eu_lead_id, edition_id FROM {t["pairing"]}
        UNION SELECT partner_lead_id, edition_id FROM {t["pairing"]}
        UNION SELECT pm.city_id, p.edition_id
            FROM {t["member"]} pm JOIN {t["pairing"]} p ON p.id = pm.pairing_id
    ),
    -- A practice counts for its pairing's edition, else for every edition of its city.
    per_edition (edition_id, n) AS (
        SELECT p.edition_id, pp.n FROM per_place pp JOIN {t["pairing"]} p ON p.id = pp.pairing_id
        UNION ALL
        SELECT ce.edition_id, pp.n FROM per_place pp
            JOIN city_editions ce ON ce.city_id = pp.city_id WHERE pp.pairing_id IS NULL
    )
    SELECT 'area', a.slug, a.name, a."order", n.n
        FROM {per_value(1, "::bigint")} n JOIN {t["area"]} a ON a.id = n.value
    UNION ALL
    SELECT 'topic', CAST(tp.id AS TEXT), tp.name, 0, n.n
        FROM {per_value(2, "::bigint")} n JOIN {t["topic"]} tp ON tp.id = n.value
    UNION ALL
    SELECT 'country', co.code, co.name, 0, CAST(sum(c.n) AS BIGINT)
        FROM per_city c JOIN {t["country"]} co ON co.id = c.country_id
        GROUP BY co.id, co.code, co.name
    UNION ALL
    SELECT 'city', c.slug, c.name, 0, c.n FROM per_city c
    UNION ALL
    SELECT 'side', pp.side, '', 0, CAST(sum(pp.n) AS BIGINT) FROM per_place pp GROUP BY pp.side
    UNION ALL
    SELECT 'edition', e.slug, e.name, 0, n.n
        FROM (SELECT pe.edition_id AS id, CAST(sum(pe.n) AS BIGINT) AS n
            FROM per_edition pe GROUP BY 1) n
        JOIN {t["edition"]} e ON e.id = n.id
    UNION ALL
    SELECT 'sector', n.value, '', 0, n.n FROM {per_value(3)} n
    UNION ALL
    SELECT 'start', CAST(g.start_date AS TEXT), '', 0, g.n
        FROM g WHERE g.by_start_date = 0 AND g.start_date IS NOT NULL
    UNION ALL
    SELECT 'figures', 'true', '', 0, CAST(COALESCE(sum(g.n), 0) AS BIGINT)
        FROM g WHERE g.by_figures = 0 AND g.figures{keys_sql}
    """  # noqa: S608 - table names come from the models, values are parameters
    rows: dict[str, list[tuple]] = {}
    keys = None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for facet, value, label, position, count in cursor.fetchall():
            if facet == "keys":
                keys = [int(key) for key in value.split(",")] if value else []
            else:
                rows.setdefault(facet, []).append((value, label, position, count))
    return rows, keys


def _edition_order() -> dict[str, tuple]:
    return {
        slug: (start, name)
        for slug, start, name in Edition.objects.values_list("slug", "start_date", "name")
    }


# What the list's facets and cards show: the published practices, the names of the cities,
# countries, areas, topics, pairings and editions they are counted under, and the pairings'
# members, which decide each practice's side.
LIST_DEPENDS_ON = (PUBLISHED, "cities", "pairings")

# The filters whose every result has the chosen value itself: a list filtered by one of them
# shows (and counts) only practices listed under a chosen value (``services.listed_under``),
# so a write elsewhere leaves it as it is. The first one chosen is enough: a practice the list
# shows has that value too. The other filters need more than one row's value to decide.
NARROWING = ("city", "topic", "country", "area")


def list_names(filterset) -> tuple[str, ...]:
    """The versions the list of the validated ``filterset`` depends on: those of the values
    chosen in the first narrowing filter, else those of the words searched for (a practice
    the search finds holds one of them), else every published practice's."""
    if filterset.is_valid():
        data = filterset.form.cleaned_data
        for name in NARROWING:
            if chosen := data.get(name):
                values = [listed_under(name, value.pk) for value in chosen]
                return (*values, "cities", "pairings")
        if (q := (data.get("q") or "").strip()) and (words := query_words(q)):
            return (*(listed_under("word", word_key(word)) for word in words), "cities", "pairings")
    return LIST_DEPENDS_ON


def query_pairs(params, *, leave_out=()) -> list[tuple[str, tuple[str, ...]]]:
    """A query string, normalised: the same whatever the order of its parameters (a list
    filtered by the same choices is the same list), but not of one parameter's values (where
    a filter reads one value, it reads the last)."""
    return sorted((key, tuple(params.getlist(key))) for key in params if key not in leave_out)


def facet_rows_cached(filtered, params, page_slice=None, names=LIST_DEPENDS_ON):
    """The facet rows for ``params`` from the cache while the versions of ``names`` (what the
    list shows, ``list_names``) stay the same, else counted (and kept), once at a time: the
    pages of a list share their counts, so after a publication their readers wait for one
    count instead of each running it. Returns them with the keys of ``page_slice`` when they
    were read in the same query here, else None. The page and the order change no count."""
    counted = {}

    # With no filter chosen (the page and the order choose none), ``filtered`` is every
    # published practice, whose groups the database keeps.
    filters = query_pairs(params, leave_out=("page", "sort"))
    chosen = any(value for _key, values in filters for value in values)

    def count():
        rows, counted["keys"] = _facet_rows(filtered, page_slice, every_published=not chosen)
        return rows

    rows = versions.cached(
        "practices:facets",
        depends_on=names,
        vary=filters,
        compute=count,
    )
    return rows, counted.get("keys")


def _result_count(rows) -> int:
    # Every result has a side: the side counts add up to the number of results.
    return sum(row[3] for row in rows.get("side", []))


def result_count_cached(filtered, params, page_slice=None, names=LIST_DEPENDS_ON):
    """How many results the list of ``params`` holds, kept apart from the facet rows it is
    added up from (``facet_rows_cached``), under the same versions: a page of cards needs the
    number, not the rows of every facet (thousands of cities for a broad list). Returns it with
    the keys of ``page_slice`` when they were read with the counts here, else None."""
    counted = {}

    def count():
        rows, counted["keys"] = facet_rows_cached(filtered, params, page_slice, names)
        return _result_count(rows)

    total = versions.cached(
        "practices:count",
        depends_on=names,
        vary=query_pairs(params, leave_out=("page", "sort")),
        compute=count,
    )
    return total, counted.get("keys")


def practice_facets(filtered, params, rows=None) -> list[dict]:
    """Counts per facet value over the current results: one query for every facet together
    (and one for the editions' order), never one per value."""
    rows = facet_rows_cached(filtered, params)[0] if rows is None else rows
    chosen = {key: set(params.getlist(key)) for key in params}

    def facet(name, label, key, values, labels=None):
        return _facet(name, label, values, chosen.get(key, set()), labels)

    areas = sorted(rows.get("area", []), key=lambda r: (r[2] or 0, r[1] or ""))
    topics = sorted(rows.get("topic", []), key=lambda r: r[1] or "")
    countries = sorted(rows.get("country", []), key=lambda r: r[1])
    cities = sorted(rows.get("city", []), key=lambda r: r[1])
    order = _edition_order() if rows.get("edition") else {}
    editions = sorted(
        rows.get("edition", []), key=lambda r: order.get(r[0], (None, "")), reverse=True
    )
    years: Counter = Counter()
    for value, _label, _order, count in rows.get("start", []):
        years[int(str(value)[:4])] += count
    figures = sum(r[3] for r in rows.get("figures", []))

    def labelled(items):
        return {str(r[0]): r[1] for r in items}

    def counted(items):
        return [(r[0], r[3]) for r in items]

    return [
        facet("area", _("Thematic area"), "area", counted(areas), labelled(areas)),
        facet("topic", _("Topic"), "topic", counted(topics), labelled(topics)),
        facet("country", _("Country"), "country", counted(countries), labelled(countries)),
        facet("city", _("City"), "city", counted(cities), labelled(cities)),
        facet(
            "side",
            _("Side"),
            "side",
            counted(rows.get("side", [])),
            {str(k): str(v) for k, v in Practice.Side.choices},
        ),
        facet("edition", _("Edition"), "edition", counted(editions), labelled(editions)),
        facet(
            "sector",
            _("Partner sector"),
            "sector",
            counted(rows.get("sector", [])),
            {str(k): str(v) for k, v in Organisation.Sector.choices},
        ),
        facet("year", _("Year started"), "year", sorted(years.items(), reverse=True)),
        facet(
            "figures",
            _("Key figures"),
            "figures",
            [("true", figures)] if figures else [],
            {"true": str(_("With key figures"))},
        ),
    ]


# --- The list page ------------------------------------------------------------------------------
def practice_list(*, user, params, facets: bool = True, filtered=None):
    """The published practices matching ``params`` (a QueryDict): the FilterSet, one page of
    results with highlights, and (unless ``facets`` is false) the facets with their counts.
    ``filtered`` is what ``_filtered`` made of the same ``params``, if it was made already."""
    filterset, results, names = filtered or _filtered(params)
    paginator = PageByKeysPaginator(results, PAGE_SIZE)
    rows = None
    if filterset.is_valid():
        # A search ranks every match: its page is read with the counts, from the same reading
        # of the matches. Other lists' pages come faster from an index of their own (the
        # newest first) than from the rows the counts read.
        number = _page_number(params.get("page"))
        searched = bool((filterset.form.cleaned_data.get("q") or "").strip())
        page_slice = ((number - 1) * PAGE_SIZE, PAGE_SIZE) if searched else None
        if facets:
            rows, keys = facet_rows_cached(results, params, page_slice, names)
            count = _result_count(rows)
        else:
            count, keys = result_count_cached(results, params, page_slice, names)
        paginator.__dict__["count"] = count
        if keys is not None:
            paginator.known_keys = (number, keys)
    page = paginator.get_page(params.get("page"))
    with_highlights(in_reader_language(page.object_list))
    return {
        "filterset": filterset,
        "page": page,
        "facets": practice_facets(results, params, rows) if facets else None,
        "names": names,
    }


def _filtered(params):
    """The list's FilterSet for ``params``, the published practices it keeps (newest first)
    and the names of the versions it depends on (``list_names``)."""
    from .filters import PracticeFilter

    base = _for_cards(Practice.objects.published()).order_by("-published_at", "-pk")
    filterset = PracticeFilter(params, queryset=base)
    return filterset, filterset.qs, list_names(filterset)


def _page_number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def areas_to_follow(user) -> list[ThematicArea]:
    """The thematic areas, each saying (``followed``) whether ``user`` follows it: one query."""
    followed = Follow.objects.filter(user=user, thematic_area=OuterRef("pk"))
    return list(ThematicArea.objects.annotate(followed=Exists(followed)))


def practice_results_html(*, params) -> str:
    """The results part of the list page: the facets, then the cards and pages, each the same
    for every reader (only published practices are listed) and kept until the published
    practices or the names they are listed under change. The facets are kept apart from the
    cards: every page and order of the same filters shares them, so after a publication they
    are rendered once, not once per page."""
    canonical = query_pairs(params)
    # What the filters chosen were found to narrow the list to at an earlier rendering: they
    # mean the same while the names of areas, topics and places (``cities``) stay the same.
    filters = query_pairs(params, leave_out=("page", "sort"))
    learned = versions.cache_key("practices:list-names", depends_on=["cities"], vary=filters)
    names = cache.get(learned) or LIST_DEPENDS_ON

    @functools.cache
    def filtered():
        # Validating the filters may ask the database (the words of a search): once for both
        # parts, when neither is kept.
        return _filtered(params)

    def cards():
        query = params.copy()
        query.pop("page", None)
        listed = practice_list(user=None, params=params, facets=False, filtered=filtered())
        cache.set(learned, listed["names"], versions.TIMEOUT)
        context = {
            "page": listed["page"],
            "query_without_page": query.urlencode(),
            "has_query": bool(canonical),
        }
        return render_to_string("practices/partials/practice_cards.html", context)

    def facets():
        _filterset, results, shown = filtered()
        rows = facet_rows_cached(results, params, names=shown)[0]
        context = {
            "facets": practice_facets(results, params, rows),
            "has_filters": any(value for _key, values in filters for value in values),
        }
        return render_to_string("practices/partials/practice_facets.html", context)

    # The cards first: a search reads its page with the counts, which the facets then find
    # kept (``facet_rows_cached``).
    parts = versions.cached_many(
        [
            versions.Part("practices:cards", names, cards, vary=(canonical, names)),
            versions.Part("practices:facets-html", names, facets, vary=(filters, names)),
        ]
    )
    return mark_safe(parts[1] + parts[0])


# --- One practice -------------------------------------------------------------------------------
# The parts of the practice page that are the same for every reader who may see it.
DETAIL_PARTS = ("header", "body", "uptake", "versions", "history")

# What the practice page needs of the practice itself besides its parts: what the reader may
# do with it (its status and city), its title, language and review comment, and the names of
# what its parts show.
PAGE_FIELDS = (
    "pk",
    "slug",
    "title",
    "status",
    "city_id",
    "pairing_id",
    "language",
    "review_comment",
    "area_ids",
    "topic_ids",
)


def practice_for_page(*, user, slug: str, original: bool = False) -> Practice:
    """The few fields of the practice its page needs around its parts, in one query, or 404
    if ``user`` may not see it. ``following`` says whether the reader follows it;
    ``reader_title`` is the title of its translation into the reader's language (or None),
    and ``shown_language`` the language the page shows it in: that translation's, unless
    the reader asked for the ``original``. What the permission rules and the reader's own
    forms would ask of it in queries of their own comes with it: whether a coordinator
    coordinates it, and a delegate's city's transfer of it (``transfer_of_reader``, or None)."""
    practices = practices_visible(user).only(*PAGE_FIELDS)
    # The title of its translation into the reader's language, if it has one.
    theirs = PracticeTranslation.objects.filter(
        practice_id=OuterRef("pk"), language=translation.get_language() or ""
    )
    practices = practices.annotate(reader_title=Subquery(theirs.values("title")[:1]))
    if user.is_authenticated:
        follows = Follow.objects.filter(user=user, practice=OuterRef("pk"))
        practices = practices.annotate(following=Exists(follows))
    if is_coordinator(user):
        # What ``permissions.coordinates_practice`` would ask in a query of its own.
        coordinated = Practice.objects.filter(pk=OuterRef("pk")).filter(coordinated_q(user))
        practices = practices.annotate(coordinated=Exists(coordinated))
    if is_delegate(user):
        # Their city's transfer of it, if any (one per city), for the transfer form.
        practices = practices.annotate(
            reader_transfer=FilteredRelation("transfers", condition=Q(transfers__city=user.city_id))
        ).select_related("reader_transfer")
    practice = practices.filter(slug=slug).first()
    if practice is None:
        raise Http404
    practice.following = getattr(practice, "following", False)
    if hasattr(practice, "coordinated"):
        coordinated_practices(user)[practice.pk] = practice.coordinated
    practice.transfer_of_reader = getattr(practice, "reader_transfer", None)
    practice.shown_language = practice.language
    if practice.reader_title and not original:
        practice.shown_language = translation.get_language()
        practice.title = practice.reader_title
    return practice


def practice_page_names(practice: Practice) -> list[str]:
    """The versions (``worldcities.versions``) of what the practice page's parts show: the
    practice with its own rows, the names of cities, areas, topics and organisations, and
    its pairing with its actions, and the names of people (who asked, who reviewed)."""
    names = [practice_name(practice.pk), "cities", PEOPLE]
    if practice.pairing_id:
        names.append(f"pairing:{practice.pairing_id}")
    return names


def practice_parts(practice: Practice) -> dict[str, str]:
    """The HTML of each of the practice page's parts (``DETAIL_PARTS``, ``comments`` and
    ``similar``), looked up together, from the cache while what they show stays the same,
    else rendered from ``practice_detail_rows`` (without the request: nothing of the reader
    goes in). The questions are a part of their own, kept under ``questions_name``: a
    question asked renders them again, not the rest of the page. The review history is among
    the parts; the page shows it only to those who may change, review or archive the
    practice."""

    language = getattr(practice, "shown_language", practice.language)

    def render():
        context = {"practice": practice_detail_rows(practice.pk, language=language)}
        return {
            part: render_to_string(f"practices/parts/practice_{part}.html", context)
            for part in DETAIL_PARTS
        }

    def render_comments():
        comments = Comment.objects.filter(practice=practice.pk).select_related("author")
        return render_to_string("practices/parts/practice_comments.html", {"comments": comments})

    parts, comments, similar = versions.cached_many(
        [
            versions.Part(
                "practices:detail",
                depends_on=practice_page_names(practice),
                vary=[practice.pk, language],
                compute=render,
            ),
            versions.Part(
                "practices:comments",
                depends_on=[questions_name(practice.pk), PEOPLE],
                vary=[practice.pk],
                compute=render_comments,
            ),
            similar_practices_part(practice),
        ]
    )
    more = [("comments", comments), ("similar", similar)]
    return {part: mark_safe(html) for part, html in [*parts.items(), *more]}


def practice_detail_rows(pk: int, *, language: str | None = None) -> Practice:
    """A practice with everything its page shows, in a fixed number of queries; in its
    translation into ``language`` (title, summary, text: ``shown_translation`` holds it, with
    who checked it) when that is not the practice's own language."""
    practice = (
        Practice.objects.defer("search_vector")
        .select_related("city__country", "pairing__edition")
        .select_related("pairing__eu_lead", "pairing__partner_lead")
        .get(pk=pk)
    )
    practice.shown_translation = None
    if language and language != practice.language:
        shown = (
            PracticeTranslation.objects.select_related("checked_by")
            .filter(practice=pk, language=language)
            .first()
        )
        if shown is not None:
            practice.shown_translation = shown
            practice.title, practice.summary = shown.title, shown.summary
            practice.body_html = shown.body_html
    # The names of its thematic areas and topics (each in its usual order), its files and
    # links (one list on the page) and its key figures, in one query: a row of each kind
    # holds the same columns (kind, two numbers to order by, a name, title or label, a file's
    # name or a figure's unit, a file's size or a figure's year, a link's address or a
    # figure's value), and the rows come ordered by kind, then those numbers, then the name.
    text, number = Value(""), Value(0)
    areas = ThematicArea.objects.filter(practices=pk).order_by()
    topics = Topic.objects.filter(practices=pk).order_by()
    files = Attachment.objects.filter(practice=pk).order_by()
    links = PracticeLink.objects.filter(practice=pk).order_by()
    figures = KeyFigure.objects.filter(practice=pk).order_by()
    rows = (
        areas.annotate(kind=Value(0), first=F("order"), second=number, a=text, b=number, c=text)
        .values_list("kind", "first", "second", "name", "a", "b", "c")
        .union(
            topics.annotate(
                kind=Value(1), first=F("area__order"), second=F("order"), a=text, b=number, c=text
            ).values_list("kind", "first", "second", "name", "a", "b", "c"),
            files.annotate(kind=Value(2), first=F("id"), second=number, c=text).values_list(
                "kind", "first", "second", "title", "original_name", "size", "c"
            ),
            links.annotate(
                kind=Value(3), first=F("id"), second=number, a=text, b=number
            ).values_list("kind", "first", "second", "title", "a", "b", "url"),
            figures.annotate(
                kind=Value(4), first=F("order"), second=F("id"), c=Cast("value", TextField())
            ).values_list("kind", "first", "second", "label", "unit", "year", "c"),
            all=True,
        )
        .order_by("kind", "first", "second", "name")
    )
    practice.tags, practice.documents, practice.figures = [], [], []
    for kind, first, _second, title, original_name, size, url in rows:
        if kind < 2:
            practice.tags.append((kind == 1, title))
        elif kind == 4:
            practice.figures.append(
                KeyFigure(label=title, unit=original_name, year=size, value=Decimal(url))
            )
        else:
            practice.documents.append(
                {
                    "is_link": kind == 3,
                    "pk": first,
                    "title": title or original_name,
                    "original_name": original_name,
                    "size": size,
                    "url": url,
                }
            )
    prefetch_related_objects(
        [practice],
        Prefetch("partners", queryset=PracticePartner.objects.select_related("organisation")),
        "actions",
        # The page lists the versions; their snapshots (the whole text each) stay unread.
        Prefetch("versions", queryset=PracticeVersion.objects.defer("snapshot")),
        Prefetch("transfers", queryset=Transfer.objects.select_related("city")),
        Prefetch(
            "status_changes",
            queryset=PracticeStatusChange.objects.select_related("changed_by"),
        ),
    )
    return practice


def practice_translations(practice: Practice) -> list[PracticeTranslation]:
    """The practice's translations with who wrote and who checked each: one query."""
    return list(
        PracticeTranslation.objects.filter(practice=practice)
        .select_related("written_by", "checked_by")
        .defer("body_html", "search_document")
    )


def practice_for_action(*, user, slug: str) -> Practice:
    """A practice that ``user`` may see, without the extras (for form posts)."""
    return get_object_or_404(practices_visible(user).select_related("city"), slug=slug)


def practices_for_links():
    """Published practices as other pages link to them (an action plan's "Practices:"):
    title and slug, and ``shown_title``, that of the translation into the reader's language
    where it has one."""
    theirs = PracticeTranslation.objects.filter(
        practice_id=OuterRef("pk"), language=translation.get_language() or ""
    )
    return (
        Practice.objects.published()
        .only("title", "slug")
        .annotate(shown_title=Subquery(theirs.values("title")[:1]))
    )


def unpublished_shown(user, *, city=None, pairing=None) -> list[tuple[int, str]]:
    """The practices that a city's section (its own and those it took up) or a pairing's
    section shows ``user`` beyond the published ones, as (id, status) pairs in id order, in
    one query: a delegate's drafts, the submissions a coordinator reviews, everything for the
    programme staff; none for anyone else. Readers with the same answer see the same
    section."""
    visible = visible_q(user)
    if visible == Q(status=Practice.Status.PUBLISHED):
        return []  # visitors, and people who see only what visitors see: no query
    hidden = Practice.objects.filter(visible).exclude(status=Practice.Status.PUBLISHED)
    if pairing is not None:
        hidden = hidden.filter(pairing=pairing)
    else:
        # Two lookups an index answers, united: one condition on either made PostgreSQL read
        # every practice.
        own = Practice.objects.filter(city=city).order_by().values("pk")
        taken_up_by_city = Transfer.objects.filter(city=city).order_by().values("practice_id")
        hidden = hidden.filter(pk__in=own.union(taken_up_by_city))
    return list(hidden.order_by("pk").values_list("pk", "status"))


def _published_or(unpublished):
    """The published practices and those of ``unpublished`` (ids)."""
    return Practice.objects.filter(Q(status=Practice.Status.PUBLISHED) | Q(pk__in=unpublished))


def practices_for_pairing(pairing, unpublished=(), limit: int = 20):
    """The pairing's published practices and those of ``unpublished`` (ids, from
    ``unpublished_shown``), newest first (their titles, cities and status: what the pairing
    page lists)."""
    return in_reader_language(
        list(
            _published_or(unpublished)
            .filter(pairing=pairing)
            .select_related("city")
            .only("slug", "title", "language", "status", "city__name", "city__slug")
            .order_by("-updated_at")[:limit]
        )
    )


def practices_for_city(city, unpublished=()) -> dict:
    """What a city's page shows: the published practices it wrote and those of
    ``unpublished`` (ids, from ``unpublished_shown``), and the practices it took up from other
    cities, with how far it got, each practice with its translation into the reader's
    language where it has one (three queries)."""
    visible = _published_or(unpublished)
    own = visible.filter(city=city).only(
        "slug", "title", "language", "status", "adoption_count", "city_id"
    )
    result = {
        "own": list(own.order_by("-published_at", "-created_at")),
        "taken_up": list(
            Transfer.objects.filter(city=city, practice__in=visible.values("pk"))
            .select_related("practice__city")
            .order_by("-updated_at")
        ),
    }
    in_reader_language(result["own"] + [transfer.practice for transfer in result["taken_up"]])
    return result


def practices_workspace(user) -> dict:
    """A delegate's own city's practices and the cities most like it; the submissions a
    coordinator or staff member may review."""
    result = {"own": [], "to_review": [], "cities_like": ""}
    if is_delegate(user) and user.city_id:
        result["cities_like"] = cities_like_yours_html(user.city)
    if is_delegate(user):
        result["own"] = list(
            Practice.objects.filter(city_id=user.city_id)
            .select_related("city")
            .order_by("-updated_at")
        )
    review = Practice.objects.filter(status=Practice.Status.SUBMITTED)
    if is_programme_staff(user):
        result["to_review"] = list(review.select_related("city").order_by("submitted_at"))
    elif is_coordinator(user):
        result["to_review"] = list(
            review.filter(coordinated_q(user)).select_related("city").order_by("submitted_at")
        )
    return result


# --- Practices attached to an application to a call -----------------------------------------------
def application_practices_section(request, application) -> dict:
    """What the application page shows of its practices, in two queries: those attached and,
    to whoever may change the application now, the city's published practices to choose from."""
    attached = list(
        ApplicationPractice.objects.filter(application=application)
        .select_related("practice")
        .order_by("practice__title")
    )
    editable = (
        application.status == "draft"
        and application.call.is_open_at(timezone_now())
        and request.user.has_perm("twinning.edit_application", application)
    )
    offered = list(practices_attachable(application).order_by("title")) if editable else []
    return {
        "attached": attached,
        "attached_ids": {link.practice_id for link in attached},
        "offered": offered,
        "editable": editable,
    }


def practices_attachable(application):
    """The practices a city may attach to its application: its own published ones."""
    return (
        Practice.objects.published()
        .filter(city_id=application.city_id)
        .only("pk", "title", "slug", "city_id", "status")
    )


# --- Suggestions: experience, similar practices, cities like yours -------------------------
SIMILAR_SHOWN = 4
# How many of the latest published practices similar practices are looked for among first.
SIMILAR_RECENT = 1000


def experience_of_cities(city_ids: list[int]) -> dict:
    """What each city has done, for matchmaking (``twinning.matching``): per topic and per
    thematic area, how many published practices it has there and the one that stands for
    them (the most taken up, then the latest), in one query however many cities and
    practices there are."""
    from twinning.matching import Example, Experience

    table = Practice._meta.db_table
    best_first = "ORDER BY p.adoption_count DESC, p.published_at DESC NULLS LAST, p.id"
    parts = []
    for kind, column, names in (
        ("topic", "topic_ids", Topic._meta.db_table),
        ("area", "area_ids", ThematicArea._meta.db_table),
    ):
        parts.append(
            f"SELECT p.city_id, '{kind}', x.id, n.name, count(*),"  # noqa: S608 (names only)
            f" (array_agg(p.title {best_first}))[1], (array_agg(p.slug {best_first}))[1]"
            f" FROM {table} p CROSS JOIN LATERAL unnest(p.{column}) AS x(id)"
            f" JOIN {names} n ON n.id = x.id"
            " WHERE p.status = %s AND p.city_id = ANY(%s)"
            " GROUP BY p.city_id, x.id, n.name"
        )
    found: dict[int, Experience] = {}
    # Every practice's address has the same form: reversed once, not once per row.
    address = reverse("practices:detail", kwargs={"slug": "slug-here"})
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(parts),
            [Practice.Status.PUBLISHED, list(city_ids)] * 2,
        )
        for city_id, kind, key, label, count, title, slug in cursor.fetchall():
            example = Example(
                title=title,
                url=address.replace("slug-here", slug),
                count=count,
                label=label,
            )
            experience = found.setdefault(city_id, Experience())
            (experience.topics if kind == "topic" else experience.areas)[key] = example
    return found


def similar_practices(practice: Practice, *, shown: int = SIMILAR_SHOWN) -> list[Practice]:
    """The published practices most like ``practice``, scored as matchmaking scores two
    cities' interests (``twinning.matching``: points per shared topic and per shared thematic
    area), the latest first among equals. They are looked for among the published practices
    sharing one of its topics (one of its areas for a practice without topics): all of the
    latest ``SIMILAR_RECENT`` published are scored, and older ones are looked at only when
    too few of those qualify (the latest holding all its topics when fewer than ``shown``
    recent ones do, the latest sharing one when fewer than ``shown`` recent ones do), so a
    query reads about as much whatever the number of practices (``_similar_sql``). Each
    comes with its city and country, ``shared_topics`` and ``shared_areas`` (the names) and
    ``points``. One query (none for a practice without topics and areas)."""
    from twinning.matching import AREA_POINTS, TOPIC_POINTS

    topics, areas = sorted(set(practice.topic_ids or [])), sorted(set(practice.area_ids or []))
    if not topics and not areas:
        return []
    found = list(Practice.objects.raw(*_similar_sql(practice.pk, topics, areas, shown)))
    for other in found:
        other.city = City(
            pk=other.city_id,
            name=other.city_name,
            slug=other.city_slug,
            country=Country(pk=other.country_id, name=other.country_name),
        )
        other.shared_topics, other.shared_areas = other.shared_topic_names, other.shared_area_names
        other.points = TOPIC_POINTS * len(other.shared_topics) + AREA_POINTS * len(
            other.shared_areas
        )
    return found


def _similar_sql(pk: int, topics: list[int], areas: list[int], shown: int) -> tuple[str, list]:
    """The query of ``similar_practices`` for practice ``pk`` (with ``topics`` and ``areas``):
    the ``shown`` best with what the page shows of them, in order. What each part reads is
    bounded by the query's shape, whatever the planner estimates:

    - ``recent``: the latest ``SIMILAR_RECENT`` published practices but ``pk``, read from
      the partial index ``practice_published_latest`` alone (it holds their topics and areas);
    - ``holding_all``: the practices holding every value (two or more), through the array's
      GIN index, read only when fewer than ``shown`` recent ones hold them, so rarely and
      then few. Its status is checked outside it, which keeps the latest-first index out of
      it: reading that whole index for a combination nobody holds looks cheap to the
      planner, which guesses a combination's share from each value's;
    - the latest published practices sharing a value, read only when fewer than ``shown``
      recent ones do: from the end of the latest-first index, or through the GIN index when
      the array's statistics say they are few (a single value's share is known)."""
    from twinning.matching import AREA_POINTS, TOPIC_POINTS

    table = Practice._meta.db_table
    column, values = ("topic_ids", topics) if topics else ("area_ids", areas)
    holds, shares = (f"{column} {op} CAST(%s AS BIGINT[])" for op in ("@>", "&&"))
    latest = "ORDER BY published_at DESC NULLS LAST, id DESC"

    def held_of(name, held):
        # How many of ``held`` a candidate's list holds: one term per value, which sorts a
        # few hundred candidates faster than unnesting each list.
        return " + ".join([f"CAST(%s = ANY(c.{name}) AS INTEGER)" for _ in held] or ["0"])

    # A candidate's points, as ``twinning.matching`` gives them.
    score = (
        f"CAST(%s AS DOUBLE PRECISION) * ({held_of('topic_ids', topics)})"
        f" + CAST(%s AS DOUBLE PRECISION) * ({held_of('area_ids', areas)})"
    )

    def names(model, name):
        return (
            f"ARRAY(SELECT n.name FROM {model._meta.db_table} n WHERE n.id = ANY(p.{name})"  # noqa: S608
            " AND n.id = ANY(CAST(%s AS BIGINT[])) ORDER BY n.name)"
        )

    published = Practice.Status.PUBLISHED
    sql = f"""
        WITH recent AS MATERIALIZED (
            SELECT id, published_at, topic_ids, area_ids FROM {table}
                WHERE status = %s AND id <> %s {latest} LIMIT %s
        ),
        held AS (
            SELECT count(*) AS sharing, count(*) FILTER (WHERE {holds}) AS holding_all
                FROM recent WHERE {shares}
        ),
        holding_all AS MATERIALIZED (
            SELECT id, status, published_at, topic_ids, area_ids FROM {table}
                WHERE {holds} AND %s AND (SELECT holding_all FROM held) < %s
        ),
        candidates AS (
            SELECT id, published_at, topic_ids, area_ids FROM recent WHERE {shares}
            UNION ALL
            (SELECT id, published_at, topic_ids, area_ids FROM holding_all
                WHERE status = %s AND id <> %s {latest} LIMIT %s)
            UNION ALL
            (SELECT id, published_at, topic_ids, area_ids FROM {table}
                WHERE status = %s AND id <> %s AND {shares} AND (SELECT sharing FROM held) < %s
                {latest} LIMIT %s)
        ),
        best AS (
            SELECT DISTINCT c.id, c.published_at, {score} AS score FROM candidates c
                ORDER BY score DESC, c.published_at DESC NULLS LAST, c.id DESC LIMIT %s
        )
        SELECT p.id, p.title, p.slug, p.published_at, p.city_id, city.name AS city_name,
            city.slug AS city_slug, city.country_id, country.name AS country_name,
            {names(Topic, "topic_ids")} AS shared_topic_names,
            {names(ThematicArea, "area_ids")} AS shared_area_names
        FROM best
            JOIN {table} p ON p.id = best.id
            JOIN {City._meta.db_table} city ON city.id = p.city_id
            JOIN {Country._meta.db_table} country ON country.id = city.country_id
        ORDER BY best.score DESC, best.published_at DESC NULLS LAST, best.id DESC
    """  # noqa: S608 - the table and column names come from the models
    params = [
        *(published, pk, SIMILAR_RECENT),  # recent
        *(values, values),  # held
        # With one value, holding all of them is sharing one: the last part finds them.
        *(values, len(values) > 1, shown),  # holding_all
        values,
        *(published, pk, shown),
        *(published, pk, values, shown, shown),
        *(TOPIC_POINTS, *topics, AREA_POINTS, *areas),  # best
        shown,
        topics,
        areas,
    ]
    return sql, params


def similar_practices_part(practice: Practice) -> versions.Part:
    """The practice page's "Similar practices", kept under the versions of what it shows:
    the practice itself (its areas and topics), the lists of its topics (or areas), which
    every practice it could show is in, and the names of cities and the taxonomy."""
    values = [listed_under("topic", t) for t in practice.topic_ids or []] or [
        listed_under("area", a) for a in practice.area_ids or []
    ]
    return versions.Part(
        "practices:similar",
        depends_on=[practice_name(practice.pk), "cities", *values],
        vary=[practice.pk],
        compute=lambda: render_to_string(
            "practices/parts/practice_similar.html",
            {"similar": similar_practices(practice)},
        ),
    )


def cities_like_yours_html(city) -> str:
    """A delegate's "Cities like yours" (``twinning.selectors.cities_like``), the same for
    every delegate of the city, kept under the versions of what it reads: the cities taking
    part in editions and what they want (``pairings``, moved by the edition's writes), the
    names of cities and the taxonomy (``cities``), the published practices (experience)."""
    from twinning.selectors import cities_like

    html = versions.cached(
        "practices:cities-like",
        depends_on=["pairings", "cities", PUBLISHED],
        vary=[city.pk],
        compute=lambda: render_to_string(
            "practices/includes/cities_like.html", {"matches": cities_like(city), "city": city}
        ),
    )
    return mark_safe(html)
