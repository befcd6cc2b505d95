"""The programme's editions and pairings, as its public texts give them. Loading twice changes
nothing: rows are found by their slug and only created (with their history) the first time."""

import datetime
import zoneinfo

from django.conf import settings
from django.utils.text import slugify

from cities.models import City, Country, Organisation, ThematicArea, Topic
from worldcities import versions
from worldcities.seeding import upsert

from .models import Edition, Milestone, Pairing, PairingStatusChange
from .services import edition_create, pairing_set_status

D = datetime.date

# slug, name, partner countries, start, end, status, implementing partners
EDITIONS = [
    (
        "2017-2018-korea",
        "World Cities 2017–2018: EU – Republic of Korea",
        ["KR"],
        D(2017, 1, 1),
        D(2018, 6, 30),
        Edition.Status.CLOSED,
        ["CityNet", "Ramboll"],
    ),
    (
        "2017-2018-south-africa",
        "World Cities 2017–2018: EU – South Africa",
        ["ZA"],
        D(2017, 1, 1),
        D(2018, 6, 30),
        Edition.Status.CLOSED,
        [],
    ),
    (
        "2017-2018-indonesia",
        "World Cities 2017–2018: EU – Indonesia",
        ["ID"],
        D(2017, 1, 1),
        D(2018, 6, 30),
        Edition.Status.CLOSED,
        [],
    ),
    (
        "2017-2018-vietnam",
        "World Cities 2017–2018: EU – Vietnam",
        ["VN"],
        D(2017, 1, 1),
        D(2018, 6, 30),
        Edition.Status.CLOSED,
        [],
    ),
    (
        "2017-2018-australia",
        "World Cities 2017–2018: EU – Australia",
        ["AU"],
        D(2017, 1, 1),
        D(2018, 6, 30),
        Edition.Status.CLOSED,
        [],
    ),
    (
        "2015-2016",
        "World Cities 2015–2016: EU – China, India, Japan and Canada",
        ["CN", "IN", "JP", "CA"],
        D(2015, 1, 1),
        D(2016, 12, 31),
        Edition.Status.CLOSED,
        [],
    ),
]

# The Korean edition's cycle as it happened (the template gives the rest).
KOREA_MILESTONES = {
    Milestone.Kind.LAUNCH: ("Launch meeting in Seoul", D(2017, 3, 14), None),
    Milestone.Kind.WORKING_MEETING: (
        "Working meetings and site visits in the host cities",
        D(2017, 3, 15),
        D(2017, 3, 17),
    ),
    Milestone.Kind.COOPERATION: (
        "Decentralised cooperation on specific topics",
        D(2017, 3, 18),
        D(2017, 9, 30),
    ),
    Milestone.Kind.FOLLOW_UP: (
        "Follow-up working meetings and field visits in the EU",
        D(2017, 10, 1),
        D(2017, 11, 30),
    ),
    Milestone.Kind.CLOSING: ("Closing meeting in Busan", D(2018, 4, 19), D(2018, 4, 21)),
}

# edition, partner lead, EU lead, thematic areas, topics (area, topic), the cities' own words
PAIRINGS = [
    ("2017-2018-korea", "Songpa-gu", "Eindhoven", [], [], ""),
    (
        "2017-2018-korea",
        "Suwon",
        "Scottish Cities Alliance",
        ["Smart City", "Climate Change"],
        [
            ("Smart City", "ICT"),
            ("Smart City", "Safety"),
            ("Climate Change", "Low carbon"),
            ("Climate Change", "Green energy"),
        ],
        "Data for circular economy; smart grid and energy data; waste; community safety; smart, "
        "low carbon, hydrogen",
    ),
    (
        "2017-2018-korea",
        "Busan",
        "Barcelona",
        ["Urban Regeneration", "Climate Change", "Smart City", "Urban Economy"],
        [
            ("Urban Regeneration", "Cultural heritage"),
            ("Climate Change", "Green energy"),
            ("Smart City", "ICT"),
            ("Urban Economy", "Innovation"),
            ("Urban Economy", "Clusters"),
        ],
        "Cultural regeneration of idle industrial spaces; clean energy (hydrogen fuel cells, "
        "solar); smart-city platform and services; innovation district",
    ),
    (
        "2017-2018-korea",
        "Gwangju",
        "Tampere",
        ["Smart City", "Climate Change", "Urban Economy"],
        [
            ("Smart City", "Transportation"),
            ("Smart City", "ICT"),
            ("Climate Change", "Low carbon"),
            ("Climate Change", "Green energy"),
            ("Urban Economy", "Innovation"),
        ],
        "Smart mobility (bike and car sharing, IoT, open data); energy efficiency and climate "
        "(greenhouse-gas cuts, hydrogen and electric vehicles); culture and university exchanges",
    ),
    ("2017-2018-south-africa", "eThekwini", "Belfast", [], [], ""),
    ("2017-2018-south-africa", "Cape Town", "Bilbao", [], [], ""),
    ("2017-2018-south-africa", "Ekurhuleni", "Graz", [], [], ""),
    ("2017-2018-south-africa", "Nelson Mandela Bay", "Málaga", [], [], ""),
    ("2017-2018-indonesia", "Semarang", "Zagreb", [], [], ""),
    ("2017-2018-indonesia", "Makassar", "Seville", [], [], ""),
    ("2017-2018-vietnam", "Hanoi", "Milan", [], [], ""),
    ("2017-2018-vietnam", "Ho Chi Minh City", "Košice", [], [], ""),
    ("2017-2018-australia", "Hobart", "Katowice", [], [], ""),
    ("2017-2018-australia", "Canberra", "Prague", [], [], ""),
]

LIFECYCLE = [Pairing.Status.SELECTED, Pairing.Status.ACTIVE, Pairing.Status.CLOSED]
LIFECYCLE_NOTE = "Programme records"
# Each step of a pairing's life happened at a step of its edition's cycle: its cities were
# selected by the end of the selection, it became active at the launch and closed at the
# closing meeting. Recorded at 10:00, Brussels time, on that day.
LIFECYCLE_MILESTONES = {
    Pairing.Status.SELECTED: Milestone.Kind.SELECTION,
    Pairing.Status.ACTIVE: Milestone.Kind.LAUNCH,
    Pairing.Status.CLOSED: Milestone.Kind.CLOSING,
}


def lifecycle_dates(edition: Edition) -> dict[str, datetime.datetime]:
    """When each status of the seed's lifecycle came, for the pairings of ``edition``."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    days = {m.kind: m.end_date or m.start_date for m in edition.milestones.all()}
    dates = {}
    for status, kind in LIFECYCLE_MILESTONES.items():
        day = days.get(kind, edition.end_date if status == Pairing.Status.CLOSED else None)
        day = min(day or edition.start_date, edition.end_date)
        dates[status] = datetime.datetime.combine(day, datetime.time(10), zone)
    return dates


def date_lifecycle(pairing: Pairing, dates: dict, note: str = LIFECYCLE_NOTE) -> None:
    """Gives the seed's status changes of ``pairing`` (those noted ``note``, made by no one) the
    dates they happened on (a database loaded before has them dated the day it was loaded);
    changes made since are left alone."""
    for status, when in dates.items():
        PairingStatusChange.objects.filter(
            pairing=pairing, to_status=status, note=note, changed_by=None
        ).exclude(changed_at=when).update(changed_at=when)


def load() -> dict[str, int]:
    editions = {}
    for slug, name, countries, start, end, status, partners in EDITIONS:
        edition = Edition.objects.filter(slug=slug).first()
        if edition is None:
            edition = edition_create(
                name=name,
                slug=slug,
                start_date=start,
                end_date=end,
                status=status,
                partner_countries=Country.objects.filter(code__in=countries),
                implementing_partners=Organisation.objects.filter(name__in=partners),
            )
        editions[slug] = edition

    korea = editions["2017-2018-korea"]
    for kind, (title, start, end) in KOREA_MILESTONES.items():
        Milestone.objects.filter(edition=korea, kind=kind).update(
            title=title, start_date=start, end_date=end
        )

    dates = {slug: lifecycle_dates(edition) for slug, edition in editions.items()}
    cities = {city.name: city for city in City.objects.all()}
    areas = {area.name: area for area in ThematicArea.objects.all()}
    topics = {(t.area.name, t.name): t for t in Topic.objects.select_related("area")}
    for edition_slug, partner, eu, area_names, topic_keys, words in PAIRINGS:
        slug = slugify(f"{partner}-{eu}-{edition_slug[:9]}")
        pairing, created = upsert(
            Pairing,
            lookup={"slug": slug},
            values={
                "edition": editions[edition_slug],
                "partner_lead": cities[partner],
                "eu_lead": cities[eu],
                "topics_note": words,
            },
        )
        pairing.thematic_areas.set([areas[name] for name in area_names])
        pairing.topics.set([topics[key] for key in topic_keys])
        if created:
            for status in LIFECYCLE:
                pairing_set_status(pairing=pairing, status=status, note=LIFECYCLE_NOTE)
        date_lifecycle(pairing, dates[edition_slug])
    versions.bump(
        "pairings",
        *(f"pairing:{pk}" for pk in Pairing.objects.values_list("pk", flat=True)),
        *(f"edition:{edition.pk}" for edition in editions.values()),
    )
    return {"editions": Edition.objects.count(), "pairings": Pairing.objects.count()}
