"""Matchmaking: how well two cities would pair, why, and the best set of pairings for an
edition.

A city's *profile* is what it wants from the exchange (the thematic areas, topics and goals
of its ``EditionCity`` row), what it has done (its *experience*: published practices per topic
and per thematic area) and what it is (size, kind). Two profiles score points for

- the thematic areas and the topics both want;
- complementary experience: one side's practices in a topic (or area) the other wants;
- their goals' words in common, each weighted by how rare it is among the goals compared;
- a similar population and the same kind of city (only between cities that score on one of
  the signals above: size alone makes no pairing).

The weights are the constants below; docs/pairings.md explains them with an example.

Experience comes from the apps built on this one: ``twinning`` may not read practices, so
the practices app registers an *experience source* from its ``AppConfig.ready()``::

    from twinning.matching import register_experience_source

    register_experience_source("practices", experience_of_cities)

A source takes city ids and returns ``{city_id: Experience}`` in a fixed number of queries.

Everything here works on profiles already loaded (``twinning.selectors`` loads them in a fixed
number of queries); it reads nothing from the database itself.
"""

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

AREA_POINTS = 2.0
TOPIC_POINTS = 3.0
EXPERIENCE_TOPIC_POINTS = 2.0
EXPERIENCE_AREA_POINTS = 1.0
# Experience counts up to this many points in each direction: a city with hundreds of
# practices does not drown every other signal.
EXPERIENCE_CAP = 6.0
GOALS_POINTS = 6.0
SIZE_POINTS = 1.5
KIND_POINTS = 0.5
# A size is "similar" in the reasons when the smaller population is at least this share of
# the larger.
SIMILAR_SIZE = 0.5
# Words of the goals named in a reason, at most.
WORDS_SHOWN = 3
# A pairing that scores no more than this is not worth proposing.
MIN_SCORE = 0.0

WORD = re.compile(r"\w{3,}")


@dataclass(frozen=True)
class Example:
    """The practice that stands for a city's experience in a topic or area, and how many the
    city has there."""

    title: str
    url: str
    count: int = 1
    # The name of the topic or area it stands for.
    label: str = ""


@dataclass
class Experience:
    topics: dict[int, Example] = field(default_factory=dict)
    areas: dict[int, Example] = field(default_factory=dict)

    def merge(self, other: "Experience") -> None:
        for topic, example in other.topics.items():
            self.topics.setdefault(topic, example)
        for area, example in other.areas.items():
            self.areas.setdefault(area, example)


ExperienceSource = Callable[[list[int]], dict[int, Experience]]
_sources: dict[str, ExperienceSource] = {}


def register_experience_source(key: str, source: ExperienceSource) -> None:
    _sources[key] = source


def experience_of(city_ids: Iterable[int]) -> dict[int, Experience]:
    """Each city's experience, from every registered source (one or a few queries each)."""
    ids = sorted(set(city_ids))
    merged: dict[int, Experience] = {}
    if not ids:
        return merged
    for key in sorted(_sources):
        for city_id, experience in _sources[key](ids).items():
            merged.setdefault(city_id, Experience()).merge(experience)
    return merged


@dataclass
class Profile:
    """One city as matchmaking sees it. ``key`` tells profiles apart (the ``EditionCity``
    id, or the city id); ``lexemes`` maps each normalised word of its goals to a word as
    written there."""

    key: int
    city_id: int
    name: str
    url: str = ""
    is_eu: bool = False
    kind: str = ""
    kind_label: str = ""
    population: int | None = None
    area_ids: frozenset = frozenset()
    topic_ids: frozenset = frozenset()
    lexemes: dict[str, str] = field(default_factory=dict)
    experience: Experience = field(default_factory=Experience)


@dataclass
class Match:
    """Two profiles, the points of each signal and the total."""

    a: Profile
    b: Profile
    score: float
    shared_areas: frozenset
    shared_topics: frozenset
    # (giver, taker, example, topic id or None, area id or None)
    answers: list = field(default_factory=list)
    shared_words: list = field(default_factory=list)
    goals_similarity: float = 0.0
    size_ratio: float | None = None
    same_kind: bool = False
    decision: str = ""
    # In words (``reasons``), for the matches a page shows.
    reasons: list = field(default_factory=list)

    @property
    def percent(self) -> int:
        """The goals' similarity as a percentage."""
        return round(self.goals_similarity * 100)


class Goals:
    """The weights of the goals' words among a set of profiles (rarer words weigh more),
    and each profile's norm, computed once for all pairs."""

    def __init__(self, profiles: Iterable[Profile]):
        profiles = list(profiles)
        frequency: dict[str, int] = {}
        for profile in profiles:
            for lexeme in profile.lexemes:
                frequency[lexeme] = frequency.get(lexeme, 0) + 1
        total = max(len(profiles), 1)
        self.weight = {
            lexeme: math.log(1 + total / count) ** 2 for lexeme, count in frequency.items()
        }
        self.norm = {
            profile.key: math.sqrt(sum(self.weight[x] for x in profile.lexemes))
            for profile in profiles
        }

    def similarity(self, a: Profile, b: Profile) -> tuple[float, list[str]]:
        if not a.lexemes or not b.lexemes:
            return 0.0, []
        shared = a.lexemes.keys() & b.lexemes.keys()
        if not shared:
            return 0.0, []
        weight = self.weight
        dot = sum(weight.get(x, 0.0) for x in shared)
        norm = (self.norm.get(a.key) or 0.0) * (self.norm.get(b.key) or 0.0)
        ranked = sorted(shared, key=lambda x: (-weight.get(x, 0.0), x))
        return (dot / norm if norm else 0.0), [a.lexemes[x] for x in ranked]


def _answers(giver: Profile, taker: Profile) -> tuple[float, list]:
    """The giver's experience in what the taker wants: points (capped) and the examples, a
    topic's before an area's."""
    experience = giver.experience
    topics = experience.topics.keys() & taker.topic_ids
    areas = experience.areas.keys() & taker.area_ids
    if not topics and not areas:
        return 0.0, []
    points = EXPERIENCE_TOPIC_POINTS * len(topics) + EXPERIENCE_AREA_POINTS * len(areas)
    found = [(giver, taker, experience.topics[t], t, None) for t in sorted(topics)]
    found += [(giver, taker, experience.areas[a], None, a) for a in sorted(areas)]
    return min(points, EXPERIENCE_CAP), found


def score(a: Profile, b: Profile, goals: Goals) -> Match:
    """How well ``a`` and ``b`` would pair, signal by signal."""
    shared_areas = a.area_ids & b.area_ids
    shared_topics = a.topic_ids & b.topic_ids
    total = AREA_POINTS * len(shared_areas) + TOPIC_POINTS * len(shared_topics)
    a_gives, a_found = _answers(a, b)
    b_gives, b_found = _answers(b, a)
    total += a_gives + b_gives
    similarity, words = goals.similarity(a, b)
    total += GOALS_POINTS * similarity
    ratio = None
    if a.population and b.population:
        ratio = min(a.population, b.population) / max(a.population, b.population)
    same_kind = bool(a.kind) and a.kind == b.kind
    # Size and kind only weigh between cities that have something to exchange.
    if total > 0:
        total += SIZE_POINTS * (ratio or 0.0) + (KIND_POINTS if same_kind else 0.0)
    return Match(
        a=a,
        b=b,
        score=round(total, 2),
        shared_areas=shared_areas,
        shared_topics=shared_topics,
        answers=a_found + b_found,
        shared_words=words[:WORDS_SHOWN],
        goals_similarity=similarity,
        size_ratio=ratio,
        same_kind=same_kind,
    )


def _listed(names: Iterable[str]) -> str:
    return ", ".join(names)


def reasons(match: Match, names: dict) -> list[str]:
    """The match's reasons in words, strongest signal first. ``names`` holds the names of
    the thematic areas and topics: ``{"areas": {id: name}, "topics": {id: name}}``."""
    areas, topics = names.get("areas", {}), names.get("topics", {})
    said = []
    if match.shared_areas:
        said.append(
            _("both want %(areas)s")
            % {"areas": _listed(sorted(areas.get(i, "?") for i in match.shared_areas))}
        )
    if match.shared_topics:
        said.append(
            _("both name the topics %(topics)s")
            % {"topics": _listed(sorted(topics.get(i, "?") for i in match.shared_topics))}
        )
    for giver, taker, example, topic, area in match.answers[:3]:
        wanted = topics.get(topic) if topic is not None else areas.get(area)
        said.append(
            _("%(city)s's practice “%(practice)s” answers %(other)s's interest in %(wanted)s")
            % {"city": giver.name, "practice": example.title, "other": taker.name, "wanted": wanted}
        )
    if match.shared_words:
        said.append(
            _("their goals share the words %(words)s (%(percent)s %% alike)")
            % {"words": _listed(f"“{w}”" for w in match.shared_words), "percent": match.percent}
        )
    if match.size_ratio is not None and match.size_ratio >= SIMILAR_SIZE:
        said.append(
            _("similar size: %(a)s and %(b)s inhabitants")
            % {"a": f"{match.a.population:,}", "b": f"{match.b.population:,}"}
        )
    if match.same_kind:
        said.append(_("same kind: %(kind)s") % {"kind": match.a.kind_label})
    return said


def score_matrix(eu: list[Profile], partners: list[Profile]):
    """The score of every EU × partner pair at once (a NumPy array, EU rows, partner columns),
    by the same rules as ``score``, which says why for the pairs a page shows: the signals are
    matrix products of who wants and who has done what."""
    import numpy as np

    n, m = len(eu), len(partners)
    if not n or not m:
        return np.zeros((n, m))
    profiles = [*eu, *partners]

    def index(values):
        return {value: k for k, value in enumerate(sorted(values))}

    areas = index({x for p in profiles for x in p.area_ids | p.experience.areas.keys()})
    topics = index({x for p in profiles for x in p.topic_ids | p.experience.topics.keys()})

    def ones(rows, columns, of):
        matrix = np.zeros((len(rows), len(columns)))
        for r, profile in enumerate(rows):
            for value in of(profile):
                matrix[r, columns[value]] = 1.0
        return matrix

    wants_area = [ones(side, areas, lambda p: p.area_ids) for side in (eu, partners)]
    wants_topic = [ones(side, topics, lambda p: p.topic_ids) for side in (eu, partners)]
    did_area = [ones(side, areas, lambda p: p.experience.areas) for side in (eu, partners)]
    did_topic = [ones(side, topics, lambda p: p.experience.topics) for side in (eu, partners)]
    total = AREA_POINTS * (wants_area[0] @ wants_area[1].T)
    total += TOPIC_POINTS * (wants_topic[0] @ wants_topic[1].T)
    for giver, taker in ((0, 1), (1, 0)):
        gives = EXPERIENCE_TOPIC_POINTS * (did_topic[giver] @ wants_topic[taker].T)
        gives += EXPERIENCE_AREA_POINTS * (did_area[giver] @ wants_area[taker].T)
        total += (
            np.minimum(gives, EXPERIENCE_CAP) if giver == 0 else np.minimum(gives, EXPERIENCE_CAP).T
        )
    goals = Goals(profiles)
    words = index({x for p in profiles for x in p.lexemes})
    weights = np.zeros(len(words))
    for word, k in words.items():
        weights[k] = goals.weight.get(word, 0.0)
    lex = [ones(side, words, lambda p: p.lexemes) for side in (eu, partners)]
    norms = [np.array([goals.norm.get(p.key) or 0.0 for p in side]) for side in (eu, partners)]
    dot = (lex[0] * weights) @ lex[1].T
    scale = np.outer(norms[0], norms[1])
    total += GOALS_POINTS * np.divide(dot, scale, out=np.zeros_like(dot), where=scale > 0)
    sizes = [np.array([float(p.population or 0) for p in side]) for side in (eu, partners)]
    low = np.minimum.outer(sizes[0], sizes[1])
    high = np.maximum.outer(sizes[0], sizes[1])
    ratio = np.divide(low, high, out=np.zeros_like(low), where=low > 0)
    kinds = [np.array([p.kind or "" for p in side], dtype=object) for side in (eu, partners)]
    same_kind = (kinds[0][:, None] == kinds[1][None, :]) & (kinds[0][:, None] != "")
    bonus = SIZE_POINTS * ratio + KIND_POINTS * same_kind
    return np.round(np.where(total > 0, total + bonus, total), 2)


def assign_matrix(matrix, *, pinned=(), excluded=()) -> list[tuple[int, int]]:
    """``assign`` over a score matrix, with pairs as (row, column) indexes."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    pinned = list(pinned)
    chosen = list(pinned)
    rows = [i for i in range(matrix.shape[0]) if i not in {r for r, _c in pinned}]
    columns = [j for j in range(matrix.shape[1]) if j not in {c for _r, c in pinned}]
    if not rows or not columns:
        return chosen
    sub = np.array(matrix, dtype=float)[np.ix_(rows, columns)]
    row_at = {r: k for k, r in enumerate(rows)}
    column_at = {c: k for k, c in enumerate(columns)}
    for r, c in excluded:
        if r in row_at and c in column_at:
            sub[row_at[r], column_at[c]] = -1e9
    for i, j in zip(*linear_sum_assignment(sub, maximize=True), strict=True):
        if sub[i, j] > MIN_SCORE:
            chosen.append((rows[i], columns[j]))
    return chosen


def assign(
    eu_keys: list,
    partner_keys: list,
    scores: dict,
    *,
    pinned: Iterable[tuple] = (),
    excluded: Iterable[tuple] = (),
) -> list[tuple]:
    """The set of pairings, each city in one at most, with the highest total score: the
    pinned pairs, then an optimal assignment of the other cities (the Hungarian method,
    ``scipy.optimize.linear_sum_assignment``) that never uses an excluded pair or one that
    scores nothing. ``scores`` maps (EU key, partner key) to a score."""
    import numpy as np

    row = {k: i for i, k in enumerate(eu_keys)}
    column = {k: j for j, k in enumerate(partner_keys)}
    matrix = np.zeros((len(eu_keys), len(partner_keys)))
    for (eu, partner), value in scores.items():
        if eu in row and partner in column:
            matrix[row[eu], column[partner]] = value

    def indexes(pairs):
        return [(row[e], column[p]) for e, p in pairs if e in row and p in column]

    chosen = assign_matrix(matrix, pinned=indexes(pinned), excluded=indexes(excluded))
    return [(eu_keys[i], partner_keys[j]) for i, j in chosen]


def lexemes_of(texts: dict[int, str], normalise: Callable[[list[str]], dict[str, str]]):
    """Each text's normalised words, mapped to a word as written. ``normalise`` maps each
    distinct word (lower case) to its normalised form, or "" for a word that carries no
    meaning (the database's text search does it, in one query for all words)."""
    words = {key: [w.lower() for w in WORD.findall(text or "")] for key, text in texts.items()}
    distinct = sorted({w for ws in words.values() for w in ws})
    normal = normalise(distinct) if distinct else {}
    result = {}
    for key, ws in words.items():
        found: dict[str, str] = {}
        for w in ws:
            lexeme = normal.get(w)
            if lexeme:
                found.setdefault(lexeme, w)
        result[key] = found
    return result
