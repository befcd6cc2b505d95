"""The Korean edition's meetings as the programme's public pages give them: the launch in Seoul
(14 March 2017), the working meetings and site visits in the host cities that followed
(15–17 March 2017) and the closing meeting in Busan (19–21 April 2018). Loading twice changes
nothing: a meeting found by its slug is left as it is."""

import datetime
import zoneinfo

from django.utils.text import slugify

from cities.models import City, Organisation, ThematicArea
from twinning.models import Edition, Pairing

from .models import AgendaItem, Meeting
from .services import meeting_create

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
EDITION = "2017-2018-korea"


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), SEOUL)


D = datetime.date
LAUNCH_DAY = D(2017, 3, 14)
WORKING_DAYS = (D(2017, 3, 15), D(2017, 3, 17))
CLOSING_DAYS = (D(2018, 4, 19), D(2018, 4, 21))

OPENING_SPEAKERS = (
    "Kim Chang-beom (Ambassador for International Relations, Seoul Metropolitan Government); "
    "Michael Reiterer (EU Ambassador-designate to the Republic of Korea); "
    "Dr Ronald Hall (Principal Advisor, DG REGIO)"
)
OPENING_ORGANISATIONS = [
    "Seoul Metropolitan Government",
    "Delegation of the European Union to the Republic of Korea",
    "European Commission, DG Regional and Urban Policy (DG REGIO)",
]


def _create(edition, *, title, kind, host, starts, ends, pairings, agenda, **fields) -> bool:
    slug = slugify(f"{title} {starts.astimezone(zoneinfo.ZoneInfo(host.time_zone)):%Y-%m-%d}")
    if Meeting.objects.filter(slug=slug).exists():
        if fields.get("is_public"):
            # A database loaded before meetings could be public learns which ones are.
            Meeting.objects.filter(slug=slug, is_public=False).update(is_public=True)
        return False
    meeting = meeting_create(
        edition=edition,
        by=None,
        pairings=pairings,
        kind=kind,
        title=title,
        host_city=host,
        starts_at=starts,
        ends_at=ends,
        status=Meeting.Status.HELD,
        **fields,
    )
    for entry in agenda:
        entry = dict(entry)
        organisations = entry.pop("organisations", [])
        item = AgendaItem(meeting=meeting, **entry)
        item.full_clean()
        item.save()
        item.organisations.set(Organisation.objects.filter(name__in=organisations))
    return True


def load() -> dict[str, int]:
    edition = Edition.objects.filter(slug=EDITION).first()
    if edition is None:
        return {"meetings": Meeting.objects.count()}
    pairings = list(
        Pairing.objects.filter(edition=edition).select_related("eu_lead", "partner_lead")
    )
    areas = {area.name: area for area in ThematicArea.objects.all()}
    seoul = City.objects.get(name="Seoul")
    busan = City.objects.get(name="Busan")

    launch_agenda = [
        {
            "kind": AgendaItem.Kind.SESSION,
            "title": "Opening of World Cities in Korea",
            "starts_at": at(LAUNCH_DAY, 9, 30),
            "ends_at": at(LAUNCH_DAY, 10, 30),
            "speakers": OPENING_SPEAKERS,
            "organisations": OPENING_ORGANISATIONS,
        },
        *[
            {
                "kind": AgendaItem.Kind.WORKSHOP,
                "title": f"Thematic workshop: {name}",
                "starts_at": at(LAUNCH_DAY, *start),
                "ends_at": at(LAUNCH_DAY, *end),
                "thematic_area": areas.get(name),
            }
            for name, start, end in [
                ("Smart City", (10, 45), (11, 45)),
                ("Urban Economy", (11, 45), (12, 45)),
                ("Climate Change", (13, 45), (14, 45)),
                ("Urban Regeneration", (14, 45), (15, 45)),
            ]
        ],
        {
            "kind": AgendaItem.Kind.SESSION,
            "title": "Pairings: first exchanges between the paired cities",
            "starts_at": at(LAUNCH_DAY, 16, 0),
            "ends_at": at(LAUNCH_DAY, 17, 30),
        },
    ]
    created = _create(
        edition,
        title="World Cities Korea: launch meeting",
        kind=Meeting.Kind.LAUNCH,
        host=seoul,
        starts=at(LAUNCH_DAY, 9, 30),
        ends=at(LAUNCH_DAY, 17, 30),
        pairings=pairings,
        agenda=launch_agenda,
        capacity=40,
        is_public=True,
        description=(
            "The launch of the 2017–2018 edition in the Republic of Korea, with about 20 "
            "European city delegates and 30–40 representatives in all."
        ),
    )
    if created:
        # About 20 European city delegates: five for each EU city.
        meeting = Meeting.objects.get(
            slug=slugify(f"World Cities Korea: launch meeting {LAUNCH_DAY}")
        )
        meeting.quotas.bulk_create(
            [meeting.quotas.model(meeting=meeting, city=p.eu_lead, places=5) for p in pairings]
        )

    first, last = WORKING_DAYS
    for pairing in pairings:
        host = pairing.partner_lead
        topics = pairing.topics_note or "the topics the cities chose"
        _create(
            edition,
            title=f"Working meeting {host.name} – {pairing.eu_lead.name}",
            kind=Meeting.Kind.WORKING,
            host=host,
            starts=at(first, 9, 0),
            ends=at(last, 18, 0),
            pairings=[pairing],
            agenda=[
                {
                    "kind": AgendaItem.Kind.SESSION,
                    "title": "Working session: shared topics",
                    "starts_at": at(first, 9, 0),
                    "ends_at": at(first, 17, 0),
                    "description": f"Topics: {topics}.",
                },
                {
                    "kind": AgendaItem.Kind.SITE_VISIT,
                    "title": f"Site visits in {host.name}",
                    "starts_at": at(first + datetime.timedelta(days=1), 9, 0),
                    "ends_at": at(first + datetime.timedelta(days=1), 17, 0),
                },
                {
                    "kind": AgendaItem.Kind.WORKSHOP,
                    "title": "Towards concrete actions",
                    "starts_at": at(last, 9, 0),
                    "ends_at": at(last, 18, 0),
                },
            ],
            description=(
                f"Three days of work and site visits in {host.name} for the delegation of "
                f"{pairing.eu_lead.name}, after the launch in Seoul."
            ),
        )

    first, last = CLOSING_DAYS
    _create(
        edition,
        title="World Cities Korea: closing meeting",
        kind=Meeting.Kind.CLOSING,
        host=busan,
        starts=at(first, 9, 0),
        ends=at(last, 13, 0),
        pairings=pairings,
        agenda=[],
        is_public=True,
        description="The closing meeting of the 2017–2018 edition in the Republic of Korea.",
    )
    return {"meetings": Meeting.objects.count()}
