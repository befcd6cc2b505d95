"""Synthetic data at scale, for benchmarks and for tests that need many rows.

``generate(scale=1, seed=0)`` writes about 100,000 practices, 5,000 cities, 2,000 pairings,
10,000 meetings and 200,000 registrations at scale 1 (and proportionally fewer at a fraction),
in batches of ``bulk_create``. The same seed gives the same rows: every choice comes from one
``random.Random(seed)`` and every date from a fixed anchor. Titles, summaries and search terms
are drawn from the programme's thematic areas and topics, so that searches and facet counts
behave as they would on real data.

The generated rows are recognisable by their e-mail domain (``GENERATED_DOMAIN``) and slug
prefix (``gen-``); ``generate`` expects a database without them."""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Exists, Max, Min, OuterRef
from django.utils.html import escape
from django.utils.text import slugify

from cities.models import City, Country, Opportunity, Organisation, ThematicArea, Topic
from meetings.models import AgendaItem, DelegationQuota, Evaluation, Meeting, Registration
from practices.models import KeyFigure, Practice, PracticePartner, Transfer
from practices.services import practices_reindex
from twinning.models import (
    Action,
    Application,
    ApplicationAnswer,
    ApplicationPartner,
    Call,
    CallDocument,
    CallQuestion,
    Document,
    DocumentVersion,
    Edition,
    Message,
    Outcome,
    Pairing,
    PairingMember,
    ReviewAssignment,
    ReviewCriterion,
    Score,
    Thread,
)
from worldcities.users.models import SPOKEN_LANGUAGES, Role, User

GENERATED_DOMAIN = "gen.example.org"
PASSWORD = "generated-password"  # noqa: S105 - generated accounts, benchmark only
BATCH = 2000
ANCHOR = datetime.datetime(2026, 1, 1, 9, 0, tzinfo=datetime.UTC)

# Rows per unit of scale.
PER_SCALE = {
    "cities": 5000,
    "organisations": 4000,
    "editions": 20,
    "pairings": 2000,
    "users": 20000,
    "practices": 100000,
    "meetings": 10000,
    "registrations": 200000,
    "applications": 2000,
    "opportunities": 10000,
    "threads": 6000,
    "messages": 30000,
    "documents": 4000,
}
# One generated person in this many follows thematic areas.
INTEREST_EVERY = 20
MINIMUM = {
    "cities": 12,
    "organisations": 6,
    "editions": 1,
    "pairings": 3,
    "users": 12,
    "applications": 2,
    "threads": 3,
    "messages": 6,
    "documents": 3,
}

# The programme's taxonomy (the Korean launch meeting), with words each topic brings along.
AREAS = {
    "Smart City": {
        "Transportation": ["mobility", "bus", "cycling", "traffic", "metro", "parking"],
        "ICT": ["data", "sensors", "platform", "digital", "open data", "app"],
        "Safety": ["emergency", "lighting", "flood warning", "cameras", "crime prevention"],
    },
    "Urban Economy": {
        "Innovation": ["living lab", "research", "pilot", "procurement", "testbed"],
        "Clusters": ["industry", "port", "logistics", "manufacturing", "suppliers"],
        "Start-ups": ["incubator", "accelerator", "venture", "entrepreneurs", "co-working"],
    },
    "Climate Change": {
        "Low carbon": ["emissions", "insulation", "district heating", "retrofit", "carbon"],
        "Green energy": ["solar", "wind", "hydrogen", "biogas", "energy efficiency"],
        "Resilience": ["heatwave", "drainage", "adaptation", "storm water", "flooding"],
    },
    "Urban Regeneration": {
        "Cultural heritage": ["museum", "old town", "restoration", "festival", "tourism"],
        "Green spaces": ["park", "trees", "river bank", "urban gardens", "biodiversity"],
        "Affordable housing": ["social housing", "tenants", "rents", "cooperative", "renovation"],
    },
}
VERBS = ["Piloting", "Scaling", "Building", "Opening", "Connecting", "Greening", "Reviving"]
ADJECTIVES = ["shared", "citizen-led", "low-cost", "city-wide", "neighbourhood", "cross-border"]
OUTCOMES = ["jobs created", "t CO2 saved per year", "households reached", "MWh saved", "visitors"]
SYLLABLES = ["ka", "ber", "lin", "so", "mar", "ta", "gen", "vi", "lo", "na", "dus", "ri", "po"]
SYLLABLES += ["chen", "ham", "burg", "sa", "ku", "do", "el", "an", "tor", "mi", "ga", "ne"]

# Countries: EU members (joined) and partner countries of the editions.
EU_COUNTRIES = [
    ("DE", "Germany", "1958-01-01"),
    ("FR", "France", "1958-01-01"),
    ("IT", "Italy", "1958-01-01"),
    ("ES", "Spain", "1986-01-01"),
    ("PL", "Poland", "2004-05-01"),
    ("NL", "Netherlands", "1958-01-01"),
    ("SE", "Sweden", "1995-01-01"),
    ("PT", "Portugal", "1986-01-01"),
    ("FI", "Finland", "1995-01-01"),
    ("AT", "Austria", "1995-01-01"),
]
PARTNER_COUNTRIES = [
    ("KR", "Republic of Korea"),
    ("AU", "Australia"),
    ("ZA", "South Africa"),
    ("ID", "Indonesia"),
    ("VN", "Vietnam"),
    ("CN", "China"),
    ("IN", "India"),
    ("JP", "Japan"),
    ("CA", "Canada"),
]


def _status_and_progress(rng) -> dict:
    """A status and a percentage that go together (``twinning.models.status_matches_progress``)."""
    status = rng.choice(list(Action.Status.values))
    progress = {"planned": 0, "done": 100}.get(status)
    if progress is None:
        progress = rng.randint(1, 99)
    return {"status": status, "progress": progress}


@dataclass
class Taxonomy:
    areas: list = field(default_factory=list)
    topics: list = field(default_factory=list)  # (topic, area, words)


def counts_for(scale: float) -> dict[str, int]:
    """The number of rows of each kind at ``scale``."""
    result = {}
    for name, per in PER_SCALE.items():
        result[name] = max(MINIMUM.get(name, 1), round(per * scale))
    return result


def second_factors_enrol() -> int:
    """Generated staff and coordinators without an authenticator app get one, as their roles
    require (a database generated before they needed one included): returns how many."""
    secret = get_mfa_adapter().encrypt("GENERATEDGENERATEDGENERATEDGENER")
    totp = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
    missing = User.objects.filter(
        email__endswith=f"@{GENERATED_DOMAIN}",
        role__in=[Role.PROGRAMME_STAFF, Role.COORDINATOR],
    ).exclude(Exists(totp))
    rows = [
        Authenticator(user=user, type=Authenticator.Type.TOTP, data={"secret": secret})
        for user in missing
    ]
    _batched_plain(Authenticator, rows)
    return len(rows)


def _batched(model, rows, batch=BATCH):
    created = []
    for start in range(0, len(rows), batch):
        created.extend(model.objects.bulk_create(rows[start : start + batch]))
    return created


def _through(m2m, pairs, batch=BATCH * 2):
    """Bulk-inserts (left id, right id) pairs into a many-to-many table."""
    through = m2m.through
    left = m2m.field.m2m_field_name() + "_id"
    right = m2m.field.m2m_reverse_field_name() + "_id"
    rows = [through(**{left: a, right: b}) for a, b in pairs]
    _batched_plain(through, rows, batch)


def _batched_plain(model, rows, batch=BATCH * 2):
    for start in range(0, len(rows), batch):
        model.objects.bulk_create(rows[start : start + batch])


class Generator:
    def __init__(self, scale: float, seed: int = 0, log=None, counts=None):
        self.scale = scale
        self.seed = seed
        self.rng = random.Random(seed)
        self.n = counts_for(scale) | (counts or {})
        self.log = log or (lambda message: None)

    # --- vocabulary ------------------------------------------------------------------------
    def city_name(self, i: int) -> str:
        rng = self.rng
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        return f"{word.capitalize()} {i}"

    def practice_text(self, topic_words: list[str], city: str) -> tuple[str, str, str]:
        rng = self.rng
        words = rng.sample(topic_words, k=min(3, len(topic_words)))
        title = f"{rng.choice(VERBS)} {rng.choice(ADJECTIVES)} {words[0]} in {city}"
        summary = (
            f"{city} worked with research and business partners on {words[0]} and {words[1]}. "
            f"The {rng.choice(ADJECTIVES)} approach to {words[-1]} can travel to other cities."
        )
        body = " ".join(
            f"The team focused on {rng.choice(topic_words)} with {rng.choice(ADJECTIVES)} "
            f"{rng.choice(topic_words)} and measured {rng.choice(OUTCOMES)}."
            for _ in range(rng.randint(3, 6))
        )
        return title[:200], summary[:600], body

    # --- steps -------------------------------------------------------------------------------
    def taxonomy(self) -> Taxonomy:
        tax = Taxonomy()
        for order, (area_name, topics) in enumerate(AREAS.items()):
            area, _ = ThematicArea.objects.get_or_create(
                slug=slugify(area_name), defaults={"name": area_name, "order": order}
            )
            tax.areas.append(area)
            for t_order, (topic_name, words) in enumerate(topics.items()):
                topic, _ = Topic.objects.get_or_create(
                    area=area,
                    slug=slugify(topic_name),
                    defaults={"name": topic_name, "order": t_order},
                )
                tax.topics.append((topic, area, [topic_name.lower(), *words]))
        return tax

    def countries(self):
        eu, partner = [], []
        for code, name, joined in EU_COUNTRIES:
            country = Country.objects.filter(code=code).first() or Country.objects.create(
                code=code, name=name, eu_joined=datetime.date.fromisoformat(joined)
            )
            eu.append(country)
        for code, name in PARTNER_COUNTRIES:
            country = Country.objects.filter(code=code).first() or Country.objects.create(
                code=code, name=name
            )
            partner.append(country)
        return eu, partner

    def cities(self, eu_countries, partner_countries):
        rng, rows = self.rng, []
        zones = {"KR": "Asia/Seoul", "AU": "Australia/Sydney", "JP": "Asia/Tokyo"}
        for i in range(self.n["cities"]):
            country = rng.choice(eu_countries if i % 2 == 0 else partner_countries)
            name = self.city_name(i)
            rows.append(
                City(
                    name=name,
                    slug=f"gen-{slugify(name)}",
                    country=country,
                    population=rng.randint(20_000, 5_000_000),
                    latitude=Decimal(rng.randint(-60_00000, 70_00000)) / 100000,
                    longitude=Decimal(rng.randint(-170_00000, 170_00000)) / 100000,
                    time_zone=zones.get(country.code, "Europe/Brussels"),
                    profile=f"A city of {country.name}.",
                )
            )
        cities = _batched(City, rows)
        eu_codes = {c.code for c in eu_countries}
        return (
            [c for c in cities if c.country.code in eu_codes],
            [c for c in cities if c.country.code not in eu_codes],
        )

    def organisations(self, cities):
        rng, rows = self.rng, []
        kinds = [
            (Organisation.Kind.MUNICIPALITY, Organisation.Sector.GOVERNMENT),
            (Organisation.Kind.RESEARCH, Organisation.Sector.RESEARCH),
            (Organisation.Kind.BUSINESS, Organisation.Sector.BUSINESS),
            (Organisation.Kind.CIVIL_SOCIETY, Organisation.Sector.CIVIL_SOCIETY),
        ]
        for i in range(self.n["organisations"]):
            kind, sector = kinds[i % len(kinds)]
            city = rng.choice(cities)
            rows.append(
                Organisation(
                    name=f"{city.name} {kind.label} {i}", kind=kind, sector=sector, city=city
                )
            )
        return _batched(Organisation, rows)

    def users(self, cities, organisations):
        rng, rows = self.rng, []
        password = make_password(PASSWORD)
        special = [
            ("staff", Role.PROGRAMME_STAFF, None),
            ("coordinator", Role.COORDINATOR, None),
            ("delegate", Role.DELEGATE, cities[0]),
        ]
        for name, role, city in special:
            rows.append(
                User(
                    email=f"{name}@{GENERATED_DOMAIN}",
                    full_name=f"Generated {name}",
                    role=role,
                    city=city,
                    password=password,
                )
            )
        languages = [code for code, _name in SPOKEN_LANGUAGES]
        # The directory's choices draw from their own sequence: the rows generated before
        # they existed stay the same for a seed.
        spoken = random.Random(f"languages-{self.seed}")
        for i in range(self.n["users"]):
            role = Role.COORDINATOR if i % 50 == 0 else Role.DELEGATE
            rows.append(
                User(
                    email=f"user{i}@{GENERATED_DOMAIN}",
                    full_name=f"Delegate {i}",
                    role=role,
                    city=None if role == Role.COORDINATOR else rng.choice(cities),
                    organisation=rng.choice(organisations),
                    password=password,
                    spoken_languages=["en", *spoken.sample(languages, k=spoken.randint(0, 2))],
                    show_email=i % 10 == 0,
                    in_directory=i % 20 != 7,
                )
            )
        return _batched(User, rows)

    def interests(self, users, tax):
        """The thematic areas some people follow (one person in ``INTEREST_EVERY``, and the
        generated delegate): those told of matching opportunities."""
        rng, pairs = self.rng, []
        for i, user in enumerate(users):
            if i % INTEREST_EVERY == 2 or user.email == f"delegate@{GENERATED_DOMAIN}":
                for area in rng.sample(tax.areas, k=rng.randint(1, 2)):
                    pairs.append((user.pk, area.pk))
        _through(User.interests, pairs)

    def opportunities(self, organisations, users, tax):
        """Offers and needs of organisations of a city, half of them open, none matched yet
        (the matching benchmark tells their people)."""
        rng, rows, area_pairs = self.rng, [], []
        posters = {}
        for user in users:
            if user.role == Role.DELEGATE and user.city_id:
                posters.setdefault(user.city_id, user)
        staff = next(u for u in users if u.role == Role.PROGRAMME_STAFF)
        placed = [o for o in organisations if o.city_id]
        kinds = list(Opportunity.Kind.values)
        for i in range(self.n["opportunities"]):
            organisation = placed[i % len(placed)]
            start = ANCHOR.date() + datetime.timedelta(days=rng.randint(-400, 200))
            _topic, _area, words = rng.choice(tax.topics)
            rows.append(
                Opportunity(
                    organisation=organisation,
                    city_id=organisation.city_id,
                    direction=rng.choice(["offer", "need"]),
                    kind=rng.choice(kinds),
                    title=f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(words)} {i}",
                    description=f"{organisation.name} works on {', '.join(words[:3])}.",
                    valid_from=start,
                    valid_until=start + datetime.timedelta(days=rng.randint(30, 720)),
                    posted_by=posters.get(organisation.city_id, staff),
                )
            )
        opportunities = _batched(Opportunity, rows)
        for opportunity in opportunities:
            for area in rng.sample(tax.areas, k=rng.randint(1, 2)):
                area_pairs.append((opportunity.pk, area.pk))
        _through(Opportunity.areas, area_pairs)

    def editions(self, partner_countries, coordinators):
        rng, editions = self.rng, []
        for i in range(self.n["editions"]):
            start = datetime.date(2015 + i % 12, 1 + (i * 5) % 12, 1)
            edition = Edition.objects.create(
                name=f"Generated edition {i + 1}",
                slug=f"gen-edition-{i + 1}",
                start_date=start,
                end_date=start + datetime.timedelta(days=540),
                status=rng.choice(list(Edition.Status.values)),
                description="An edition of generated data.",
            )
            edition.partner_countries.set(rng.sample(partner_countries, k=2))
            edition.coordinators.set(rng.sample(coordinators, k=min(2, len(coordinators))))
            editions.append(edition)
        return editions

    def pairings(self, editions, eu_cities, partner_cities, tax):
        rng, rows, seen = self.rng, [], set()
        while len(rows) < self.n["pairings"]:
            edition = editions[len(rows) % len(editions)]
            eu, partner = rng.choice(eu_cities), rng.choice(partner_cities)
            if (edition.pk, eu.pk, partner.pk) in seen:
                continue
            seen.add((edition.pk, eu.pk, partner.pk))
            rows.append(
                Pairing(
                    edition=edition,
                    slug=f"gen-{slugify(partner.name)}-{slugify(eu.name)}-{len(rows)}",
                    eu_lead=eu,
                    partner_lead=partner,
                    topics_note="",
                    objectives=f"Cooperation of {eu.name} and {partner.name}.",
                    status=rng.choice(
                        [Pairing.Status.ACTIVE] * 4 + [Pairing.Status.SELECTED, "closed"]
                    ),
                )
            )
        pairings = _batched(Pairing, rows)
        area_pairs, topic_pairs, members = [], [], []
        for pairing in pairings:
            chosen = rng.sample(tax.topics, k=2)
            topic_pairs += [(pairing.pk, t.pk) for t, _a, _w in chosen]
            area_pairs += [(pairing.pk, a.pk) for a in {a for _t, a, _w in chosen}]
            pairing.chosen_topics = chosen
            if rng.random() < 0.2:
                city = rng.choice(eu_cities)
                if city.pk != pairing.eu_lead_id:
                    members.append(PairingMember(pairing=pairing, city=city, side="eu"))
        _through(Pairing.thematic_areas, area_pairs)
        _through(Pairing.topics, topic_pairs)
        _batched_plain(PairingMember, members)
        return pairings

    def actions(self, pairings, users, organisations):
        rng, rows = self.rng, []
        for pairing in pairings:
            for k in range(rng.randint(3, 7)):
                start = pairing.edition.start_date
                words = pairing.chosen_topics[k % 2][2]
                rows.append(
                    Action(
                        pairing=pairing,
                        title=f"{rng.choice(VERBS)} {rng.choice(words)}",
                        description="A concrete short-term action.",
                        owner_organisation=rng.choice(organisations),
                        owner_person=rng.choice(users),
                        due_date=start + datetime.timedelta(days=rng.randint(30, 4000)),
                        **_status_and_progress(rng),
                    )
                )
        return _batched(Action, rows)

    def outcomes(self, pairings, coordinators):
        """Up to three outcomes per pairing, of every kind, about half of them checked."""
        rng, rows = self.rng, []
        for pairing in pairings:
            for k in range(rng.randint(0, 3)):
                kind = rng.choice(list(Outcome.Kind.values))
                money = kind in ("contract", "funding")
                checked = bool(coordinators) and rng.random() < 0.5
                rows.append(
                    Outcome(
                        pairing=pairing,
                        city=rng.choice([pairing.eu_lead, pairing.partner_lead]),
                        kind=kind,
                        title=f"{rng.choice(OUTCOMES).capitalize()} ({k + 1})",
                        quantity=rng.randint(1, 80) if kind in ("jobs", "pilot") else None,
                        amount=Decimal(rng.randint(1, 900) * 1000) if money else None,
                        currency=rng.choice(["EUR", "KRW", "AUD", "ZAR"]) if money else "",
                        funder="Regional development fund" if kind == "funding" else "",
                        achieved_on=pairing.edition.start_date
                        + datetime.timedelta(days=rng.randint(60, 500)),
                        source="Annual report of the city",
                        evidence_url="https://example.org/evidence",
                        checked_by=rng.choice(coordinators) if checked else None,
                        checked_at=ANCHOR if checked else None,
                    )
                )
        return _batched(Outcome, rows)

    def practices(self, pairings, cities, organisations, users, tax):
        rng = self.rng
        total = self.n["practices"]
        published = Practice.Status.PUBLISHED
        statuses = [published] * 17 + [Practice.Status.DRAFT, Practice.Status.SUBMITTED, "archived"]
        for start in range(0, total, BATCH):
            rows, extras = [], []
            for i in range(start, min(total, start + BATCH)):
                pairing = rng.choice(pairings) if rng.random() < 0.6 else None
                if pairing is not None:
                    side = rng.choice(["eu", "partner"])
                    city = pairing.eu_lead if side == "eu" else pairing.partner_lead
                    topics = pairing.chosen_topics
                else:
                    city = rng.choice(cities)
                    topics = rng.sample(tax.topics, k=rng.randint(1, 2))
                words = [w for _t, _a, ws in topics for w in ws]
                title, summary, body = self.practice_text(words, city.name)
                status = rng.choice(statuses)
                begun = datetime.date(2012 + rng.randint(0, 13), rng.randint(1, 12), 1)
                when = ANCHOR - datetime.timedelta(minutes=i * 7 + rng.randint(0, 6))
                rows.append(
                    Practice(
                        title=title,
                        slug=f"gen-{slugify(title)[:150]}-{i}",
                        summary=summary,
                        body=body,
                        body_html=f"<p>{escape(body)}</p>",
                        city=city,
                        pairing=pairing,
                        start_date=begun,
                        ongoing=rng.random() < 0.5,
                        results=f"{rng.randint(5, 5000)} {rng.choice(OUTCOMES)}.",
                        status=status,
                        author=rng.choice(users),
                        published_at=when if status in (published, "archived") else None,
                        submitted_at=when if status != Practice.Status.DRAFT else None,
                    )
                )
                extras.append(topics)
            created = Practice.objects.bulk_create(rows)
            self._practice_extras(created, extras, organisations, cities)
            self.log(f"  practices {start + len(created)}/{total}")
        self.log("  search vectors and facet values")
        _reindex_practices()

    def _practice_extras(self, practices, extras, organisations, cities):
        rng = self.rng
        areas, topics, figures, partners, transfers = [], [], [], [], []
        for practice, chosen in zip(practices, extras, strict=True):
            topics += [(practice.pk, t.pk) for t, _a, _w in chosen]
            areas += [(practice.pk, a) for a in sorted({a.pk for _t, a, _w in chosen})]
            if rng.random() < 0.6:
                for order in range(rng.randint(1, 3)):
                    figures.append(
                        KeyFigure(
                            practice=practice,
                            label=rng.choice(OUTCOMES).capitalize(),
                            value=Decimal(rng.randint(1, 100_000)),
                            unit=rng.choice(["t CO2/year", "jobs", "MWh", "€", "people"]),
                            year=rng.randint(2015, 2025),
                            order=order,
                        )
                    )
            for organisation in rng.sample(organisations, k=rng.randint(1, 3)):
                partners.append(
                    PracticePartner(practice=practice, organisation=organisation, role="Partner")
                )
            if practice.status == Practice.Status.PUBLISHED and rng.random() < 0.05:
                city = rng.choice(cities)
                if city.pk != practice.city_id:
                    transfers.append(
                        Transfer(practice=practice, city=city, status=Transfer.Status.INTERESTED)
                    )
        _through(Practice.thematic_areas, areas)
        _through(Practice.topics, topics)
        _batched_plain(KeyFigure, figures)
        _batched_plain(PracticePartner, partners)
        _batched_plain(Transfer, transfers)

    def meetings(self, editions, pairings, eu_cities, partner_cities, users, tax):
        rng = self.rng
        total = self.n["meetings"]
        per_meeting = max(1, round(self.n["registrations"] / total))
        kinds = [k for k in Meeting.Kind.values if k != Meeting.Kind.ONLINE]
        by_edition: dict[int, list] = {}
        for pairing in pairings:
            by_edition.setdefault(pairing.edition_id, []).append(pairing)
        for start in range(0, total, BATCH // 2):
            rows, chosen = [], []
            for i in range(start, min(total, start + BATCH // 2)):
                edition = editions[i % len(editions)]
                linked = rng.sample(by_edition.get(edition.pk, pairings), k=1)
                host = rng.choice([linked[0].eu_lead, linked[0].partner_lead])
                begins = ANCHOR + datetime.timedelta(days=rng.randint(-2500, 1500), hours=0)
                status = Meeting.Status.HELD if begins < ANCHOR else Meeting.Status.CONFIRMED
                area = rng.choice(tax.areas)
                rows.append(
                    Meeting(
                        edition=edition,
                        kind=rng.choice(kinds),
                        title=f"{area.name} working meeting in {host.name} ({i})",
                        slug=f"gen-meeting-{i}",
                        host_city=host,
                        venue="City hall",
                        starts_at=begins,
                        ends_at=begins + datetime.timedelta(days=rng.randint(1, 5)),
                        description=f"Delegations meet on {area.name.lower()}.",
                        is_public=i % 3 == 0,
                        status=status,
                        registration_opens_at=begins - datetime.timedelta(days=60),
                        registration_closes_at=begins - datetime.timedelta(days=3),
                        capacity=per_meeting * 2,
                    )
                )
                chosen.append((linked, area))
            created = Meeting.objects.bulk_create(rows)
            self._meeting_extras(created, chosen, users, per_meeting)
        self.log(f"  meetings {total}")

    def _meeting_extras(self, meetings, chosen, users, per_meeting):
        rng = self.rng
        links, items, quotas, registrations, evaluations = [], [], [], [], []
        for meeting, (linked, area) in zip(meetings, chosen, strict=True):
            links += [(meeting.pk, p.pk) for p in linked]
            for k in range(rng.randint(3, 6)):
                begins = meeting.starts_at + datetime.timedelta(hours=2 * k)
                items.append(
                    AgendaItem(
                        meeting=meeting,
                        kind=rng.choice(list(AgendaItem.Kind.values)),
                        title=f"{area.name}: session {k + 1}",
                        starts_at=begins,
                        ends_at=begins + datetime.timedelta(hours=1, minutes=30),
                        thematic_area=area,
                    )
                )
            pairing = linked[0]
            for city in (pairing.eu_lead, pairing.partner_lead):
                quotas.append(DelegationQuota(meeting=meeting, city=city, places=per_meeting))
            held = meeting.status == Meeting.Status.HELD
            for person in rng.sample(users, k=min(per_meeting, len(users))):
                status = rng.choice(["registered", "confirmed", "confirmed", "waitlisted"])
                registrations.append(
                    Registration(
                        meeting=meeting,
                        person=person,
                        city_id=person.city_id,
                        status=status,
                        attended=(status == "confirmed") if held else None,
                    )
                )
                if held and status == "confirmed" and rng.random() < 0.3:
                    evaluations.append(
                        Evaluation(
                            meeting=meeting,
                            person=person,
                            overall=rng.randint(1, 5),
                            content=rng.randint(1, 5),
                            organisation=rng.randint(1, 5),
                            usefulness=rng.randint(1, 5),
                        )
                    )
        _through(Meeting.pairings, links)
        _batched_plain(AgendaItem, items)
        _batched_plain(DelegationQuota, quotas)
        _batched_plain(Registration, registrations)
        _batched_plain(Evaluation, evaluations)

    def calls(self, edition, cities, tax):
        """An open call of the first edition, with questions, a document, criteria and the
        applications of as many cities as the scale gives (one in four submitted)."""
        rng = self.rng
        call = Call.objects.create(
            edition=edition,
            title="Generated call for cities",
            slug="gen-call",
            opens_at=ANCHOR - datetime.timedelta(days=30),
            closes_at=ANCHOR + datetime.timedelta(days=3650),
            time_zone="Europe/Brussels",
        )
        call.thematic_areas.set(tax.areas)
        questions = CallQuestion.objects.bulk_create(
            [CallQuestion(call=call, text=f"Generated question {i + 1}", order=i) for i in range(3)]
        )
        CallDocument.objects.create(call=call, name="Letter of support")
        ReviewCriterion.objects.bulk_create(
            [ReviewCriterion(call=call, name=f"Criterion {i + 1}", order=i) for i in range(3)]
        )
        count = min(self.n["applications"], len(cities))
        rows = []
        for i, city in enumerate(rng.sample(cities, k=count)):
            submitted = i % 4 == 0
            rows.append(
                Application(
                    call=call,
                    city=city,
                    status="submitted" if submitted else "draft",
                    submitted_at=ANCHOR if submitted else None,
                    goals=f"{city.name} wants to learn from its partner.",
                    experience="Generated experience.",
                    delegation="Generated delegation",
                )
            )
        applications = _batched(Application, rows)
        answers, partners = [], []
        for application in applications:
            answers += [
                ApplicationAnswer(application=application, question=q, text="Generated answer.")
                for q in questions
            ]
            partners += [
                ApplicationPartner(application=application, sector=sector, name=f"{sector} {k}")
                for k, sector in enumerate(("government", "research", "business"))
            ]
        _batched_plain(ApplicationAnswer, answers)
        _batched_plain(ApplicationPartner, partners)
        self.log(f"  applications {len(applications)}")

    def reviews(self, edition, users):
        """Two submitted reviews of every submitted application of the generated call, by the
        first member of programme staff and the first coordinator, every criterion scored; one
        application in three decided (selected)."""
        rng = self.rng
        call = Call.objects.get(edition=edition, slug="gen-call")
        criteria = list(ReviewCriterion.objects.filter(call=call))
        reviewers = [
            next(u for u in users if u.role == role)
            for role in (Role.PROGRAMME_STAFF, Role.COORDINATOR)
        ]
        applications = list(
            Application.objects.filter(call=call, status="submitted").order_by("pk")
        )
        assignments = _batched(
            ReviewAssignment,
            [
                ReviewAssignment(
                    application=application,
                    reviewer=reviewer,
                    state=ReviewAssignment.State.SUBMITTED,
                    conflict_of_interest=False,
                    conflict_declared_at=ANCHOR,
                    submitted_at=ANCHOR,
                    comment="Generated review.",
                )
                for application in applications
                for reviewer in reviewers
            ],
        )
        _batched_plain(
            Score,
            [
                Score(
                    assignment=assignment,
                    criterion=criterion,
                    value=rng.randint(0, criterion.scale_max),
                    comment="Generated comment.",
                )
                for assignment in assignments
                for criterion in criteria
            ],
        )
        Application.objects.filter(pk__in=[a.pk for a in applications[::3]]).update(
            decision="selected", decision_reason="Generated decision.", decided_at=ANCHOR
        )
        self.log(f"  reviews {len(assignments)}")

    def run(self) -> dict[str, int]:
        log = self.log
        with transaction.atomic():
            tax = self.taxonomy()
            eu_countries, partner_countries = self.countries()
            eu_cities, partner_cities = self.cities(eu_countries, partner_countries)
            cities = eu_cities + partner_cities
            log(f"  cities {len(cities)}")
            organisations = self.organisations(cities)
            users = self.users(cities, organisations)
            second_factors_enrol()
            coordinators = [u for u in users if u.role == Role.COORDINATOR]
            log(f"  users {len(users)}")
            editions = self.editions(partner_countries, coordinators)
            pairings = self.pairings(editions, eu_cities, partner_cities, tax)
            log(f"  pairings {len(pairings)}")
            self.actions(pairings, users, organisations)
            self.outcomes(pairings, coordinators)
            delegates = [u for u in users if u.role == Role.DELEGATE]
            self.practices(pairings, cities, organisations, delegates, tax)
            self.meetings(editions, pairings, eu_cities, partner_cities, delegates, tax)
            self.calls(editions[0], cities, tax)
            self.interests(users, tax)
            self.opportunities(organisations, users, tax)
            log(f"  opportunities {self.n['opportunities']}")
            self.reviews(editions[0], users)
            self.workspaces(pairings, delegates, tax)
        return self.n

    def workspaces(self, pairings, delegates, tax):
        """Discussions and documents in the pairings' workspaces (one pairing after the
        other, the first ones first) and a few in the community spaces."""
        rng = self.rng
        # One thread in ten is in a community space, the others in the pairings'.
        community = max(1, self.n["threads"] // 10)
        spaces = [{"thematic_area": tax.areas[i % len(tax.areas)]} for i in range(community)]
        spaces += [
            {"pairing": pairings[i % len(pairings)]}
            for i in range(max(0, self.n["threads"] - community))
        ]
        threads = [
            Thread(
                **spaces[i],
                title=f"{rng.choice(VERBS)} {rng.choice(ADJECTIVES)} {rng.choice(OUTCOMES)}",
                author=rng.choice(delegates),
            )
            for i in range(len(spaces))
        ]
        fill_threads(threads, self.n["messages"], delegates, rng)
        fill_documents(
            [pairings[i % len(pairings)] for i in range(self.n["documents"])], delegates, rng
        )


GENERATED_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _generated_file() -> str:
    """One small PDF in the storage that every generated document version names."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = "workspaces/generated.pdf"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(GENERATED_PDF))
    return name


def fill_threads(threads, messages: int, delegates, rng) -> None:
    """Writes ``threads`` (unsaved) and ``messages`` messages spread over them, at least one
    each (the one that opens it), with each thread's count."""
    per_thread = [1] * len(threads)
    for _ in range(max(0, messages - len(threads))):
        per_thread[rng.randrange(len(threads))] += 1
    for thread, count in zip(threads, per_thread, strict=True):
        thread.message_count = count
    threads = _batched(Thread, threads)
    rows = []
    for thread, count in zip(threads, per_thread, strict=True):
        for k in range(count):
            body = f"{rng.choice(VERBS)} the {rng.choice(ADJECTIVES)} pilot: step {k + 1}."
            rows.append(
                Message(
                    thread=thread,
                    author=thread.author if k == 0 else rng.choice(delegates),
                    body=body,
                    body_html=f"<p>{escape(body)}</p>",
                )
            )
    _batched_plain(Message, rows)


def fill_documents(pairings, delegates, rng) -> None:
    """One document for each entry of ``pairings`` (a pairing may come more than once), with
    one to three versions that name the same small generated file."""
    name = _generated_file()
    documents = _batched(
        Document,
        [
            Document(pairing=p, title=f"{rng.choice(ADJECTIVES).capitalize()} plan {i + 1}")
            for i, p in enumerate(pairings)
        ],
    )
    versions = []
    for document in documents:
        for number in range(1, rng.randint(1, 3) + 1):
            versions.append(
                DocumentVersion(
                    document=document,
                    number=number,
                    file=name,
                    original_name=f"plan-{number}.pdf",
                    content_type="application/pdf",
                    size=len(GENERATED_PDF),
                    uploaded_by=rng.choice(delegates),
                )
            )
    versions = _batched(DocumentVersion, versions)
    latest = {}
    for version in versions:
        latest[version.document_id] = version
    for document in documents:
        document.latest_version = latest[document.pk]
    Document.objects.bulk_update(documents, ["latest_version"], batch_size=BATCH)


def busy_workspace() -> Pairing:
    """The pairing whose workspace the benchmark fills and reads: the first generated one."""
    return Pairing.objects.filter(slug__startswith="gen-").order_by("pk").first()


def workspace_fill(*, messages: int = 5000, documents: int = 500, seed: int = 0) -> Pairing:
    """The benchmark's busy workspace: the first generated pairing's, filled up to
    ``messages`` messages (in threads of about twenty) and ``documents`` documents."""
    rng = random.Random(seed)
    pairing = busy_workspace()
    delegates = list(
        User.objects.filter(email__endswith=GENERATED_DOMAIN, role=Role.DELEGATE)[:200]
    )
    have = Message.objects.filter(thread__pairing=pairing).count()
    with transaction.atomic():
        if have < messages:
            count = messages - have
            threads = [
                Thread(
                    pairing=pairing,
                    title=f"{rng.choice(VERBS)} {rng.choice(ADJECTIVES)} {rng.choice(OUTCOMES)}",
                    author=rng.choice(delegates),
                )
                for _ in range(max(1, count // 20))
            ]
            fill_threads(threads, count, delegates, rng)
        missing = documents - Document.objects.filter(pairing=pairing).count()
        if missing > 0:
            fill_documents([pairing] * missing, delegates, rng)
    return pairing


def _reindex_practices():
    """What ``practices.services.practices_reindex`` keeps on each practice's row, set for every
    practice (the generated ones and any already there) in one statement per 25,000."""
    bounds = Practice.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return
    step = 25_000
    for start in range(bounds["low"], bounds["high"] + 1, step):
        practices_reindex(Practice.objects.filter(pk__gte=start, pk__lt=start + step))


def generate(*, scale: float = 1.0, seed: int = 0, log=None, counts=None) -> dict[str, int]:
    """Writes the generated data set; returns the intended count of each kind of row.
    ``counts`` overrides the number of rows of some kinds (e.g. ``{"meetings": 5}``)."""
    return Generator(scale, seed, log, counts).run()


def analyze() -> None:
    """Refreshes the planner's statistics and the visibility map after a bulk load, as
    autovacuum would in time (PostgreSQL; outside a transaction). The practices, written
    twice (inserted, then indexed in one update of every row), are rewritten first: the
    update leaves each row's first version behind, which would double the table, where
    practices written one by one reuse that space as they come."""
    if connection.get_autocommit():
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM FULL {Practice._meta.db_table}")
            cursor.execute("VACUUM ANALYZE")


def already_generated() -> bool:
    return User.objects.filter(email=f"staff@{GENERATED_DOMAIN}").exists()
