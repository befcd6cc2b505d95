"""Demo practices for the Korean pairings of the 2017–2018 edition, on the topics the cities
published. The texts are examples written for this platform and are marked as demo content;
their figures are illustrative. Loading twice changes nothing."""

import datetime
import zoneinfo
from decimal import Decimal

from django.db import transaction

from cities.models import City, Organisation, ThematicArea, Topic
from twinning.models import Pairing

from .models import KeyFigure, Practice, PracticePartner, Transfer
from .services import (
    practice_index,
    practice_publish,
    practice_save,
    practice_submit,
    practice_transfer_set,
    practice_translation_save,
)

D = datetime.date

# The demo practices were published on the platform during the edition's decentralised
# cooperation (spring and summer 2017); each spec gives its day. Their history is dated to match:
# drafted ten days and submitted three days before, at 10:00 in the city's time.
DRAFTED_BEFORE = datetime.timedelta(days=10)
SUBMITTED_BEFORE = datetime.timedelta(days=3)
# The cities reported what they took up from each other at the closing meeting in Busan.
TRANSFERS_RECORDED = datetime.datetime(2018, 4, 20, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Seoul"))

DEMO_NOTE = (
    "\n\n*Demo content: an example written for the World Cities Exchange platform, "
    "not an official record of the city. Figures are illustrative.*"
)

# The note in Korean, for the demo practices' Korean translations.
DEMO_NOTE_KO = (
    "\n\n*예시 콘텐츠: World Cities Exchange 플랫폼을 위해 작성한 예시이며 "
    "도시의 공식 기록이 아닙니다. 수치는 설명을 위한 것입니다.*"
)
DEMO_NOTES = {"ko": DEMO_NOTE_KO}

PRACTICES = [
    {
        "slug": "demo-tampere-open-mobility-data",
        "published": D(2017, 5, 10),
        "city": "tampere",
        "pairing": "gwangju-tampere-2017-2018",
        "title": "Open mobility data for journey planning",
        "summary": (
            "The city publishes timetables, real-time vehicle positions and bike-station data as "
            "open data, so that companies and students build journey planners on top of them."
        ),
        "body": (
            "## What was done\n\n"
            "Transport data that used to sit in separate systems was brought into one open "
            "interface with a simple licence. A small team answers developers' questions and "
            "runs a yearly hackathon with the university.\n\n"
            "## How it works\n\n"
            "- real-time positions of buses and trams, updated every few seconds\n"
            "- timetables in a standard exchange format\n"
            "- availability of shared bikes per station\n"
        ),
        "areas": ["smart-city"],
        "topics": [("smart-city", "transportation"), ("smart-city", "ict")],
        "start": D(2016, 5, 1),
        "results": "Several journey-planning apps use the data; the city no longer builds its own.",
        "transferability": (
            "Needs a transport operator willing to share data and one person to look after the "
            "developer community."
        ),
        "figures": [("Applications built on the data", "14", "apps", 2018)],
        "partners": [("City of Tampere", "Publishes and maintains the data")],
        "transfers": [
            (
                "gwangju",
                Transfer.Status.ADOPTED,
                "Gwangju opened its bus data first, "
                "in Korean and English, and added its public-bike stations a year later.",
            )
        ],
    },
    {
        "slug": "demo-gwangju-bike-sharing-transit-card",
        "published": D(2017, 6, 14),
        "city": "gwangju",
        "pairing": "gwangju-tampere-2017-2018",
        "title": "Shared bicycles paid with the public transport card",
        "summary": (
            "Residents borrow a shared bicycle with the same card they use on the bus and the "
            "metro, and a transfer to the bus within thirty minutes costs nothing extra."
        ),
        "body": (
            "## What was done\n\n"
            "Bicycle stations were placed next to metro exits and main bus stops. Payment runs "
            "through the existing transit card, so no new account is needed.\n\n"
            "## Why it matters\n\n"
            "Short trips to and from public transport are where cars are most often used; a "
            "bicycle closes that gap at low cost."
        ),
        "areas": ["smart-city", "climate-change"],
        "topics": [("smart-city", "transportation"), ("climate-change", "low-carbon")],
        "start": D(2017, 4, 1),
        "results": "Bicycle trips grew every month of the first season.",
        "transferability": "Works best where one card already covers bus and rail.",
        "figures": [
            ("Bicycle trips in the first year", "180000", "trips", 2018),
            ("CO2 avoided", "95", "t CO2/year", 2018),
        ],
        "partners": [("Gwangju Metropolitan City", "Runs the scheme")],
        "transfers": [("tampere", Transfer.Status.INTERESTED, "")],
        "translations": {
            "ko": (
                "대중교통카드로 이용하는 공공자전거",
                "시민은 버스와 지하철에서 쓰는 교통카드로 공공자전거를 빌리고, 30분 안에 "
                "버스로 갈아타면 추가 요금이 없습니다.",
                "## 한 일\n\n"
                "지하철 출구와 주요 버스 정류장 옆에 자전거 대여소를 설치했습니다. 기존 "
                "교통카드로 결제하므로 새 계정이 필요 없습니다.\n\n"
                "## 왜 중요한가\n\n"
                "대중교통까지 오가는 짧은 이동에 자동차가 가장 많이 쓰입니다. 자전거는 적은 "
                "비용으로 그 빈틈을 메웁니다.",
            ),
        },
    },
    {
        "slug": "demo-barcelona-solar-municipal-roofs",
        "published": D(2017, 5, 22),
        "city": "barcelona",
        "pairing": "busan-barcelona-2017-2018",
        "title": "Solar panels on municipal roofs",
        "summary": (
            "Schools, markets and sports halls owned by the city carry solar panels; the power is "
            "used on site and the surplus supplies other public buildings."
        ),
        "body": (
            "## What was done\n\n"
            "A survey of every municipal roof ranked them by sun, strength and remaining life. "
            "The best were fitted first, in batches tendered together to lower the price.\n\n"
            "## Lessons\n\n"
            "Check the roof before the panels: several roofs needed repair first."
        ),
        "areas": ["climate-change"],
        "topics": [("climate-change", "green-energy")],
        "start": D(2015, 1, 1),
        "ongoing": True,
        "results": "Public buildings buy less electricity and show residents what solar can do.",
        "transferability": "A roof survey and a framework tender are the two things to copy.",
        "figures": [("Electricity produced", "2400", "MWh/year", 2017)],
        "partners": [("Barcelona City Council", "Owns the buildings and tenders the work")],
        "transfers": [
            (
                "busan",
                Transfer.Status.ADOPTED,
                "Busan started with its schools and "
                "combined the solar roofs with fuel-cell units in two sports centres.",
            )
        ],
    },
    {
        "slug": "demo-busan-creative-workspaces-idle-industry",
        "published": D(2017, 6, 2),
        "city": "busan",
        "pairing": "busan-barcelona-2017-2018",
        "title": "Creative workspaces in idle industrial buildings",
        "summary": (
            "Empty warehouses near the old port became low-rent studios and makerspaces, with "
            "public events that bring residents back to the waterfront."
        ),
        "body": (
            "## What was done\n\n"
            "The city leased idle buildings from their owners for ten years, made them safe and "
            "let them at low rent to artists, designers and young companies.\n\n"
            "## Cultural regeneration\n\n"
            "The industrial character of the buildings was kept: cranes, rails and brick walls "
            "are part of the place's identity."
        ),
        "areas": ["urban-regeneration", "urban-economy"],
        "topics": [("urban-regeneration", "cultural-heritage"), ("urban-economy", "start-ups")],
        "start": D(2016, 9, 1),
        "results": "The studios are full and the area holds regular public events.",
        "transferability": "Needs owners ready for long leases and a budget for safety works.",
        "figures": [("Studios let", "60", "studios", 2018), ("Jobs", "150", "jobs", 2018)],
        "partners": [("Busan Metropolitan City", "Leases and renovates the buildings")],
        "transfers": [("barcelona", Transfer.Status.ADAPTING, "")],
    },
    {
        "slug": "demo-suwon-smart-street-lighting-safety",
        "published": D(2017, 7, 5),
        "city": "suwon",
        "pairing": "suwon-scottish-cities-alliance-2017-2018",
        "title": "Smart street lighting for safer neighbourhoods",
        "summary": (
            "LED street lights with sensors brighten when people pass and report faults at once, "
            "chosen street by street with residents' groups."
        ),
        "body": (
            "## What was done\n\n"
            "Residents marked the streets where they felt unsafe at night. Those streets got "
            "connected LED lights first; faults now reach the maintenance team automatically."
        ),
        "areas": ["smart-city", "climate-change"],
        "topics": [("smart-city", "safety"), ("climate-change", "low-carbon")],
        "start": D(2017, 2, 1),
        "results": "Fewer dark streets and a lower electricity bill for lighting.",
        "transferability": "Start with a walk through the neighbourhood with its residents.",
        "figures": [("Electricity saved", "1100", "MWh/year", 2018)],
        "partners": [("Suwon City", "Installs and runs the lights")],
        "transfers": [],
    },
    {
        "slug": "demo-scottish-cities-energy-data-hub",
        "published": D(2017, 6, 20),
        "city": "scottish-cities-alliance",
        "pairing": "suwon-scottish-cities-alliance-2017-2018",
        "title": "A shared energy data hub for smart grids",
        "summary": (
            "Seven cities pool anonymised energy data from public buildings in one hub, to plan "
            "smart-grid pilots and compare what saves most."
        ),
        "body": (
            "## What was done\n\n"
            "Meters in public buildings send readings to a hub the cities share. A common data "
            "model lets them compare buildings across cities and pick pilots for a smart grid "
            "with local generation and storage."
        ),
        "areas": ["smart-city", "climate-change"],
        "topics": [("smart-city", "ict"), ("climate-change", "low-carbon")],
        "start": D(2016, 3, 1),
        "results": "Comparable energy figures for hundreds of public buildings.",
        "transferability": "Agree on the data model before buying meters.",
        "figures": [("Public buildings connected", "320", "buildings", 2018)],
        "partners": [("Scottish Cities Alliance", "Hosts the hub for its member cities")],
        "transfers": [
            (
                "suwon",
                Transfer.Status.ADOPTED,
                "Suwon used the same data model for "
                "its district-heating and waste-to-energy sites.",
            )
        ],
    },
]


def _practice(spec, cities, areas, topics, organisations):
    practice = Practice.objects.filter(slug=spec["slug"]).first()
    if practice is not None:
        return practice, False
    practice = Practice(
        slug=spec["slug"],
        city=cities[spec["city"]],
        pairing=Pairing.objects.filter(slug=spec["pairing"]).first(),
        title=spec["title"],
        summary=spec["summary"],
        body=spec["body"] + DEMO_NOTE,
        start_date=spec["start"],
        ongoing=spec.get("ongoing", False),
        results=spec["results"],
        transferability=spec["transferability"],
        language="en",
        is_demo=True,
    )
    practice = practice_save(
        practice=practice,
        by=None,
        m2m={
            "thematic_areas": [areas[a] for a in spec["areas"] if a in areas],
            "topics": [topics[t] for t in spec["topics"] if t in topics],
        },
    )
    KeyFigure.objects.bulk_create(
        KeyFigure(
            practice=practice, label=label, value=Decimal(value), unit=unit, year=year, order=i
        )
        for i, (label, value, unit, year) in enumerate(spec["figures"])
    )
    PracticePartner.objects.bulk_create(
        PracticePartner(practice=practice, organisation=organisations[name], role=role)
        for name, role in spec["partners"]
        if name in organisations
    )
    practice_index(practice=practice)
    practice_submit(practice=practice, by=None)
    practice = practice_publish(practice=practice, by=None)
    return practice, True


def _date_history(practice: Practice, published: datetime.date) -> None:
    """Dates a demo practice and its history on the day it was published (a database loaded
    before has them dated the day it was loaded). Only rows that differ are written, so
    loading again changes nothing."""
    zone = zoneinfo.ZoneInfo(practice.city.time_zone or "UTC")
    at = datetime.datetime.combine(published, datetime.time(10), zone)
    dates = {
        "created_at": at - DRAFTED_BEFORE,
        "submitted_at": at - SUBMITTED_BEFORE,
        "published_at": at,
        "updated_at": at,
    }
    if any(getattr(practice, name) != value for name, value in dates.items()):
        Practice.objects.filter(pk=practice.pk).update(**dates)
    # The seed's own steps (made by no one); a step someone took since keeps its date.
    changes = practice.status_changes.filter(changed_by=None)
    for status, when in (
        (Practice.Status.SUBMITTED, dates["submitted_at"]),
        (Practice.Status.PUBLISHED, at),
    ):
        changes.filter(to_status=status).exclude(changed_at=when).update(changed_at=when)
    practice.versions.exclude(published_at=at).update(published_at=at)
    Transfer.objects.filter(practice=practice).exclude(created_at=TRANSFERS_RECORDED).update(
        created_at=TRANSFERS_RECORDED, updated_at=TRANSFERS_RECORDED
    )


@transaction.atomic
def load() -> dict[str, int]:
    cities = {city.slug: city for city in City.objects.select_related("country")}
    areas = {area.slug: area for area in ThematicArea.objects.all()}
    topics = {(t.area.slug, t.slug): t for t in Topic.objects.select_related("area")}
    organisations = {o.name: o for o in Organisation.objects.all()}
    for spec in PRACTICES:
        needed = [spec["city"], *(slug for slug, _status, _story in spec["transfers"])]
        if any(slug not in cities for slug in needed):
            continue
        practice, _created = _practice(spec, cities, areas, topics, organisations)
        for city_slug, status, story in spec["transfers"]:
            existing = Transfer.objects.filter(practice=practice, city=cities[city_slug]).first()
            if existing is None and practice.status == Practice.Status.PUBLISHED:
                practice_transfer_set(
                    practice=practice, by=None, status=status, story=story, city=cities[city_slug]
                )
        known = set(practice.translations.values_list("language", flat=True))
        for language, (title, summary, body) in spec.get("translations", {}).items():
            if language not in known:
                practice_translation_save(
                    practice=practice,
                    by=None,
                    language=language,
                    title=title,
                    summary=summary,
                    body=body + DEMO_NOTES.get(language, DEMO_NOTE),
                )
        if practice.status == Practice.Status.PUBLISHED:
            _date_history(practice, spec["published"])
    demo = Practice.objects.filter(is_demo=True)
    return {
        "practices": demo.count(),
        "adoptions": Transfer.objects.filter(
            practice__in=demo, status=Transfer.Status.ADOPTED
        ).count(),
    }
