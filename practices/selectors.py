"""Every read of practices, narrowed to what the reader may see (``permissions.visible_q``):
lists with search and facet counts, a practice with all it shows, a city's practices."""

import re
from collections import Counter

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, TextField, Value, When
from django.db.models.functions import Concat
from django.shortcuts import get_object_or_404
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from cities.models import Organisation
from twinning.models import Edition, Pairing, PairingMember
from worldcities.users.permissions import is_coordinator, is_delegate, is_programme_staff

from .models import SEARCH_CONFIG, Comment, Practice, PracticeStatusChange, Transfer
from .permissions import coordinated_q, visible_q
from .rendering import MARK_START, MARK_STOP, highlight_to_html

PAGE_SIZE = 12


def practices_visible(user):
    return Practice.objects.filter(visible_q(user))


def published_practice_count() -> int:
    return Practice.objects.published().count()


def _for_cards(qs):
    return qs.select_related("city__country").prefetch_related("thematic_areas")


# --- Search -------------------------------------------------------------------------------------
def practice_search(qs, q: str):
    """Filters ``qs`` to the practices matching ``q`` and annotates ``rank`` (higher is better)
    and ``headline`` (the matching passage, match markers included): full-text search on
    PostgreSQL, a simpler fallback elsewhere."""
    q = (q or "").strip()
    if not q:
        return qs
    if connection.vendor == "postgresql":
        return practice_search_postgres(qs, q)
    return practice_search_fallback(qs, q)


def practice_search_postgres(qs, q: str):
    query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
    return (
        qs.filter(search_vector=query)
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            headline=SearchHeadline(
                Concat("summary", Value(" … "), "body", output_field=TextField()),
                query,
                config=SEARCH_CONFIG,
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


_TERM = re.compile(r'(-?)"([^"]+)"|(-?)(\S+)')


def parse_terms(q: str) -> tuple[list[str], list[str]]:
    """Splits a web-search style query into wanted and excluded words or "phrases"."""
    wanted, excluded = [], []
    for minus_phrase, phrase, minus_word, word in _TERM.findall(q or ""):
        text = (phrase or word).strip()
        if not text or text.lower() == "or":
            continue
        (excluded if (minus_phrase or minus_word) else wanted).append(text)
    return wanted, excluded


def practice_search_fallback(qs, q: str):
    """Case-insensitive substring search with the same interface: every wanted word or
    phrase must occur, excluded ones must not; a match in the title counts most."""
    wanted, excluded = parse_terms(q)
    rank = Value(0, output_field=IntegerField())
    for term in wanted:
        qs = qs.filter(
            Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term)
        )
        rank = (
            rank
            + Case(When(title__icontains=term, then=4), default=0, output_field=IntegerField())
            + Case(When(summary__icontains=term, then=2), default=0, output_field=IntegerField())
            + Case(When(body__icontains=term, then=1), default=0, output_field=IntegerField())
        )
    for term in excluded:
        qs = qs.exclude(
            Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term)
        )
    return qs.annotate(rank=rank).order_by("-rank", "-published_at", "-pk")


def fallback_headline(text: str, q: str, words: int = 30) -> str:
    """The passage around the first wanted term, with every wanted term marked."""
    wanted, _excluded = parse_terms(q)
    text = re.sub(r"\s+", " ", text or "")
    lower = text.lower()
    positions = [lower.find(t.lower()) for t in wanted if lower.find(t.lower()) >= 0]
    if not positions:
        return ""
    start = max(0, min(positions) - 80)
    snippet = text[start : start + words * 8]
    for term in sorted(wanted, key=len, reverse=True):
        snippet = re.sub(
            re.escape(term), lambda m: f"{MARK_START}{m.group(0)}{MARK_STOP}", snippet, flags=re.I
        )
    return ("… " if start else "") + snippet + ("…" if start + words * 8 < len(text) else "")


def with_highlights(rows, q: str):
    """Sets ``headline_html`` (escaped, matches in ``<mark>``) on each row of a page."""
    for row in rows:
        raw = getattr(row, "headline", None)
        if raw is None and q:
            raw = fallback_headline(f"{row.summary} … {row.body}", q)
        row.headline_html = mark_safe(highlight_to_html(raw)) if raw else ""
    return rows


# --- Facets -------------------------------------------------------------------------------------
def _facet(name, label, counts, chosen, labels=None):
    options = []
    for value, count in counts:
        if value in (None, ""):
            continue
        value = str(value)
        options.append(
            {
                "value": value,
                "label": (labels or {}).get(value, value),
                "count": count,
                "checked": value in chosen,
            }
        )
    return {"name": name, "label": label, "options": options}


def practice_facets(filtered, params) -> list[dict]:
    """Counts per facet value over the current results: one query per facet (edition: four),
    never one per value."""
    base = Practice.objects.filter(pk__in=filtered.order_by().values("pk")).order_by()

    def grouped(*fields):
        return list(base.values(*fields).annotate(n=Count("pk", distinct=True)).order_by())

    chosen = {key: set(params.getlist(key)) for key in params}
    facets = []

    rows = grouped("thematic_areas__slug", "thematic_areas__name", "thematic_areas__order")
    rows.sort(key=lambda r: (r["thematic_areas__order"] or 0, r["thematic_areas__name"] or ""))
    facets.append(
        _facet(
            "area",
            _("Thematic area"),
            [(r["thematic_areas__slug"], r["n"]) for r in rows],
            chosen.get("area", set()),
            {r["thematic_areas__slug"]: r["thematic_areas__name"] for r in rows},
        )
    )
    rows = grouped("topics__id", "topics__name")
    rows.sort(key=lambda r: r["topics__name"] or "")
    facets.append(
        _facet(
            "topic",
            _("Topic"),
            [(r["topics__id"], r["n"]) for r in rows],
            chosen.get("topic", set()),
            {str(r["topics__id"]): r["topics__name"] for r in rows},
        )
    )
    rows = grouped("city__country__code", "city__country__name")
    rows.sort(key=lambda r: r["city__country__name"])
    facets.append(
        _facet(
            "country",
            _("Country"),
            [(r["city__country__code"], r["n"]) for r in rows],
            chosen.get("country", set()),
            {r["city__country__code"]: r["city__country__name"] for r in rows},
        )
    )
    rows = grouped("city__slug", "city__name")
    rows.sort(key=lambda r: r["city__name"])
    facets.append(
        _facet(
            "city",
            _("City"),
            [(r["city__slug"], r["n"]) for r in rows],
            chosen.get("city", set()),
            {r["city__slug"]: r["city__name"] for r in rows},
        )
    )
    rows = grouped("side")
    facets.append(
        _facet(
            "side",
            _("Side"),
            [(r["side"], r["n"]) for r in rows],
            chosen.get("side", set()),
            {str(k): str(v) for k, v in Practice.Side.choices},
        )
    )
    facets.append(_edition_facet(base, chosen.get("edition", set())))
    rows = grouped("partners__organisation__sector")
    facets.append(
        _facet(
            "sector",
            _("Partner sector"),
            [(r["partners__organisation__sector"], r["n"]) for r in rows],
            chosen.get("sector", set()),
            {str(k): str(v) for k, v in Organisation.Sector.choices},
        )
    )
    rows = grouped("start_date__year")
    rows.sort(key=lambda r: r["start_date__year"] or 0, reverse=True)
    facets.append(
        _facet(
            "year",
            _("Year started"),
            [(r["start_date__year"], r["n"]) for r in rows],
            chosen.get("year", set()),
        )
    )
    with_figures = base.with_key_figures().count()
    facets.append(
        _facet(
            "figures",
            _("Key figures"),
            [("true", with_figures)] if with_figures else [],
            chosen.get("figures", set()),
            {"true": str(_("With key figures"))},
        )
    )
    return facets


def _edition_facet(base, chosen):
    practices = list(base.values_list("pk", "city_id", "pairing__edition_id"))
    city_editions: dict[int, set[int]] = {}
    for edition_id, eu_id, partner_id in Pairing.objects.values_list(
        "edition_id", "eu_lead_id", "partner_lead_id"
    ):
        city_editions.setdefault(eu_id, set()).add(edition_id)
        city_editions.setdefault(partner_id, set()).add(edition_id)
    for edition_id, city_id in PairingMember.objects.values_list("pairing__edition_id", "city_id"):
        city_editions.setdefault(city_id, set()).add(edition_id)
    counts: Counter = Counter()
    for _pk, city_id, edition_id in practices:
        for edition in {edition_id} if edition_id else city_editions.get(city_id, set()):
            counts[edition] += 1
    editions = {e.pk: e for e in Edition.objects.filter(pk__in=counts)}
    ordered = sorted(counts, key=lambda pk: (editions[pk].start_date, editions[pk].name))
    return _facet(
        "edition",
        _("Edition"),
        [(editions[pk].slug, counts[pk]) for pk in reversed(ordered)],
        chosen,
        {editions[pk].slug: editions[pk].name for pk in ordered},
    )


# --- The list page ------------------------------------------------------------------------------
def practice_list(*, user, params):
    """The published practices matching ``params`` (a QueryDict): the FilterSet, one page of
    results with highlights, and the facets with their counts."""
    from .filters import PracticeFilter

    base = _for_cards(Practice.objects.published()).order_by("-published_at", "-pk")
    filterset = PracticeFilter(params, queryset=base)
    results = filterset.qs
    page = Paginator(results, PAGE_SIZE).get_page(params.get("page"))
    with_highlights(page.object_list, params.get("q", ""))
    return {
        "filterset": filterset,
        "page": page,
        "facets": practice_facets(results, params),
    }


# --- One practice -------------------------------------------------------------------------------
def practice_detail(*, user, slug: str) -> Practice:
    """A practice with everything its page shows, or 404 if ``user`` may not see it."""
    qs = (
        practices_visible(user)
        .select_related("city__country", "pairing__edition", "pairing__eu_lead", "author")
        .select_related("pairing__partner_lead")
        .prefetch_related(
            "thematic_areas",
            "topics__area",
            "key_figures",
            "partners__organisation",
            "attachments",
            "links",
            "actions",
            "versions",
            Prefetch("transfers", queryset=Transfer.objects.select_related("city")),
            Prefetch("comments", queryset=Comment.objects.select_related("author")),
            Prefetch(
                "status_changes",
                queryset=PracticeStatusChange.objects.select_related("changed_by"),
            ),
        )
    )
    return get_object_or_404(qs, slug=slug)


def practice_for_action(*, user, slug: str) -> Practice:
    """A practice that ``user`` may see, without the extras (for form posts)."""
    return get_object_or_404(practices_visible(user).select_related("city"), slug=slug)


def practices_for_pairing(pairing, user, limit: int = 20):
    """The practices written within a pairing that ``user`` may see, newest first."""
    return list(
        _for_cards(practices_visible(user).filter(pairing=pairing)).order_by("-updated_at")[:limit]
    )


def practices_for_city(city, user) -> dict:
    """What a city's page shows: the practices it wrote (that ``user`` may see) and the
    practices it took up from other cities, with how far it got."""
    visible = practices_visible(user)
    return {
        "own": list(_for_cards(visible.filter(city=city)).order_by("-published_at", "-created_at")),
        "taken_up": list(
            Transfer.objects.filter(city=city, practice__in=visible.values("pk"))
            .select_related("practice__city__country")
            .order_by("-updated_at")
        ),
    }


def practices_workspace(user) -> dict:
    """A delegate's own city's practices; the submissions a coordinator or staff member may
    review."""
    result = {"own": [], "to_review": []}
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
