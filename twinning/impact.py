"""Reads of the programme's impact: what the checked outcomes add up to (jobs, pilots,
amounts per currency), for all of them or per edition, country, thematic area or pairing, and
the triple-helix mix of the pairings' organisations. Only checked outcomes count. Each read is a
fixed number of queries, however many outcomes there are."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cities.models import Organisation

from .models import Action, Outcome, Pairing, PairingMember


def checked_outcomes():
    """The outcomes that count: those a coordinator checked."""
    return Outcome.objects.filter(checked_at__isnull=False)


def money_text(amounts: dict[str, Decimal]) -> str:
    """Amounts per currency as one line, each in its own currency (never converted):
    ``EUR 1,200,000 · KRW 350,000,000``; empty without any."""
    parts = []
    for currency in sorted(amounts):
        amount = amounts[currency]
        places = 0 if amount == amount.to_integral_value() else 2
        parts.append(f"{currency} {number_format(amount, decimal_pos=places, force_grouping=True)}")
    return " · ".join(parts)


@dataclass
class Impact:
    """What some checked outcomes add up to."""

    outcomes: int = 0
    jobs: int = 0
    pilots: int = 0
    contracts: dict[str, Decimal] = field(default_factory=dict)  # currency → amount
    funding: dict[str, Decimal] = field(default_factory=dict)

    def add(self, *, kind, currency, quantity, amount, count) -> None:
        self.outcomes += count
        if kind == Outcome.Kind.JOBS:
            self.jobs += quantity or 0
        elif kind == Outcome.Kind.PILOT:
            self.pilots += quantity or 0
        if amount is not None and currency:
            into = self.funding if kind == Outcome.Kind.FUNDING else self.contracts
            into[currency] = into.get(currency, Decimal(0)) + amount

    @property
    def contracts_text(self) -> str:
        return money_text(self.contracts)

    @property
    def funding_text(self) -> str:
        return money_text(self.funding)

    @property
    def contracts_list(self) -> list[tuple[str, Decimal]]:
        return sorted(self.contracts.items())

    @property
    def funding_list(self) -> list[tuple[str, Decimal]]:
        return sorted(self.funding.items())

    def row(self) -> list:
        """The figures as a report's row: outcomes, jobs, pilots, contracts, funding."""
        return [
            self.outcomes,
            self.jobs,
            self.pilots,
            self.contracts_text or "—",
            self.funding_text or "—",
        ]


def impact_columns() -> list[str]:
    """The headings of ``Impact.row``."""
    return [
        _("Outcomes"),
        _("Jobs created"),
        _("Pilots launched"),
        _("Contracts and investments"),
        _("Follow-up funding"),
    ]


def _sums(outcomes, *keys: str):
    return (
        outcomes.order_by()
        .values(*keys, "kind", "currency")
        .annotate(quantity=Sum("quantity"), amount=Sum("amount"), count=Count("pk"))
    )


def impact_of(outcomes=None) -> Impact:
    """What ``outcomes`` (the checked ones by default) add up to, in one query."""
    impact = Impact()
    for row in _sums(checked_outcomes() if outcomes is None else outcomes):
        impact.add(
            kind=row["kind"],
            currency=row["currency"],
            quantity=row["quantity"],
            amount=row["amount"],
            count=row["count"],
        )
    return impact


# How the outcomes can be grouped: (the key, its label, what orders the groups).
GROUPINGS = {
    "edition": ("pairing__edition_id", "pairing__edition__name", "pairing__edition__start_date"),
    "country": ("city__country_id", "city__country__name", "city__country__name"),
    # A pairing may have several thematic areas: its outcomes count in each.
    "area": ("pairing__thematic_areas__id", "pairing__thematic_areas__name", None),
    "pairing": ("pairing_id", None, None),
}


def impact_per(by: str, outcomes=None) -> list[tuple[str, Impact]]:
    """What ``outcomes`` (the checked ones by default) add up to per edition (newest first),
    country, thematic area (in the areas' order; outcomes of a pairing without one under
    “No thematic area”) or pairing: (label, Impact) pairs, in one query."""
    key, label, _order = GROUPINGS[by]
    outcomes = checked_outcomes() if outcomes is None else outcomes
    keys = [key] + ([label] if label else [])
    if by == "edition":
        keys.append("pairing__edition__start_date")
    if by == "area":
        keys.append("pairing__thematic_areas__order")
    if by == "pairing":
        keys += ["pairing__partner_lead__name", "pairing__eu_lead__name"]
    groups: dict = {}
    order: dict = {}
    for row in _sums(outcomes, *keys):
        group = row[key]
        if by == "pairing":
            name = f"{row['pairing__partner_lead__name']} – {row['pairing__eu_lead__name']}"
        else:
            name = row[label] if group is not None else _("No thematic area")
        impact = groups.setdefault(group, (name, Impact()))[1]
        impact.add(
            kind=row["kind"],
            currency=row["currency"],
            quantity=row["quantity"],
            amount=row["amount"],
            count=row["count"],
        )
        if by == "edition":
            order[group] = (-row["pairing__edition__start_date"].toordinal(), name)
        elif by == "area":
            area_order = row["pairing__thematic_areas__order"]
            order[group] = (area_order is None, area_order or 0, name)
        else:
            order[group] = (name,)
    return [groups[group] for group in sorted(groups, key=lambda g: order[g])]


# --- The triple helix ---------------------------------------------------------------------------
SECTORS = list(Organisation.Sector)


def triple_helix_mix(pairings) -> dict[int, dict[str, int]]:
    """For each pairing (with its members prefetched), how many of its organisations are in
    each sector (``Organisation.Sector``: government, research, business, civil society). A
    pairing's organisations are those of its member cities and those owning an action of its
    plan. Two queries, however many pairings."""
    pairings = list(pairings)
    cities_of = {pairing.pk: pairing.member_city_ids() for pairing in pairings}
    all_cities = set().union(*cities_of.values()) if cities_of else set()
    by_city = defaultdict(set)
    sector_of = {}
    for pk, city_id, sector in Organisation.objects.filter(city_id__in=all_cities).values_list(
        "pk", "city_id", "sector"
    ):
        by_city[city_id].add(pk)
        sector_of[pk] = sector
    owners = defaultdict(set)
    for pairing_id, pk, sector in (
        Action.objects.filter(
            pairing__in=[p.pk for p in pairings], owner_organisation__isnull=False
        )
        .values_list("pairing_id", "owner_organisation_id", "owner_organisation__sector")
        .distinct()
    ):
        owners[pairing_id].add(pk)
        sector_of[pk] = sector
    mix = {}
    for pairing in pairings:
        ids = set(owners[pairing.pk])
        for city_id in cities_of[pairing.pk]:
            ids |= by_city[city_id]
        counts = dict.fromkeys((s.value for s in SECTORS), 0)
        for pk in ids:
            counts[sector_of[pk]] = counts.get(sector_of[pk], 0) + 1
        mix[pairing.pk] = counts
    return mix


def programme_mix(pairings=None) -> list[tuple[str, int]]:
    """How many organisations of the pairings (all that are not withdrawn by default) are in
    each sector, each organisation once: (sector label, count) in the sectors' order. One
    query."""
    if pairings is None:
        pairings = Pairing.objects.exclude(status=Pairing.Status.WITHDRAWN)
    # Each a list of ids looked up once (hashed), rather than a join per organisation.
    leads = Q(city__in=pairings.values("eu_lead")) | Q(city__in=pairings.values("partner_lead"))
    members = PairingMember.objects.filter(pairing__in=pairings).values("city")
    owners = Action.objects.filter(pairing__in=pairings).values("owner_organisation")
    counts = dict(
        Organisation.objects.filter(leads | Q(city__in=members) | Q(pk__in=owners))
        .order_by()
        .values("sector")
        .annotate(n=Count("pk"))
        .values_list("sector", "n")
    )
    return [(sector.label, counts.get(sector.value, 0)) for sector in SECTORS]
