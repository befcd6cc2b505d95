"""The demonstration edition: an example edition, clearly named as such, that is live on the day
the demo is loaded (``seed_demo``, which ``make run`` runs), so that every stage of the cycle can
be tried: its call and the cities it selected, two pairings, a launch already held (to evaluate),
upcoming meetings open for registration with delegation quotas and a visit with few places, and
actions due in the coming weeks.

Its dates are counted from the day it is loaded: the edition started ``LIVE_DAY`` days before.
Loading it again on a later day moves the whole edition (its cycle, meetings, agenda, pairings'
history and actions' due dates) by the days that passed, so it stays live; on the same day it
changes nothing. It is not one of the programme's editions: its name, description, meeting
titles and pairings' notes say so."""

import datetime
import zoneinfo

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cities.models import City, Country, Organisation
from meetings.models import AgendaItem, DelegationQuota, Meeting, Registration
from meetings.services import meeting_create
from twinning.models import Action, Edition, Milestone, Pairing, PairingStatusChange
from twinning.seed import date_lifecycle, lifecycle_dates
from twinning.services import action_create, edition_create, pairing_set_status

SLUG = "demonstration"
NAME = "Demonstration edition (not a programme edition)"
DESCRIPTION = (
    "An example edition for trying the platform: its call, pairings, meetings and actions are "
    "made up and dated from the day the demo data was loaded. It is not one of the World Cities "
    "programme's editions."
)
NOTE = "Demonstration"
# The edition started this many days before the day it is loaded: its launch (day 72 of the
# cycle) is behind, its working meeting and follow-up are ahead.
LIVE_DAY = 90
LAUNCH_DAY = 72
LENGTH = 400

# partner lead, EU lead, statuses reached
PAIRINGS = [
    ("Busan", "Barcelona", [Pairing.Status.SELECTED, Pairing.Status.ACTIVE]),
    ("Gwangju", "Tampere", [Pairing.Status.SELECTED]),
]


def _slug(partner: str, eu: str) -> str:
    return f"demo-{partner}-{eu}".lower()


def _at(city: City, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    zone = zoneinfo.ZoneInfo(city.time_zone or "UTC")
    return datetime.datetime.combine(day, datetime.time(hour, minute), zone)


@transaction.atomic
def live_demo_load(*, coordinator, delegates, now: datetime.datetime | None = None) -> dict:
    """Creates the demonstration edition live on ``now``'s day, or moves the one loaded on an
    earlier day so that it is live again. ``coordinator`` coordinates it; ``delegates`` (of
    its pairings' cities) attended its launch."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    edition = Edition.objects.filter(slug=SLUG).first()
    if edition is None:
        edition = _create(today, now, coordinator, delegates)
    else:
        _move(edition, today - (edition.start_date + datetime.timedelta(days=LIVE_DAY)))
    edition.coordinators.add(coordinator)
    return {
        "pairings": edition.pairings.count(),
        "meetings": edition.meetings.count(),
        "actions": Action.objects.filter(pairing__edition=edition).count(),
    }


def _move(edition: Edition, delta: datetime.timedelta) -> None:
    """Moves every date of the demonstration edition by ``delta`` (whole days)."""
    if not delta:
        return
    Edition.objects.filter(pk=edition.pk).update(
        start_date=F("start_date") + delta, end_date=F("end_date") + delta
    )
    Milestone.objects.filter(edition=edition).update(
        start_date=F("start_date") + delta, end_date=F("end_date") + delta
    )
    Meeting.objects.filter(edition=edition).update(
        **{
            name: F(name) + delta
            for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")
        }
    )
    AgendaItem.objects.filter(meeting__edition=edition).update(
        starts_at=F("starts_at") + delta, ends_at=F("ends_at") + delta
    )
    Registration.objects.filter(meeting__edition=edition).update(
        arrival_at=F("arrival_at") + delta, departure_at=F("departure_at") + delta
    )
    Action.objects.filter(pairing__edition=edition).update(due_date=F("due_date") + delta)
    PairingStatusChange.objects.filter(pairing__edition=edition).update(
        changed_at=F("changed_at") + delta
    )


def _create(today, now, coordinator, delegates) -> Edition:
    start = today - datetime.timedelta(days=LIVE_DAY)
    edition = edition_create(
        name=NAME,
        slug=SLUG,
        start_date=start,
        end_date=start + datetime.timedelta(days=LENGTH),
        status=Edition.Status.RUNNING,
        description=DESCRIPTION,
        partner_countries=Country.objects.filter(code="KR"),
        implementing_partners=Organisation.objects.filter(name="CityNet"),
    )
    edition.coordinators.add(coordinator)
    Milestone.objects.filter(edition=edition, kind=Milestone.Kind.SELECTION).update(
        title="Call for cities and their selection"
    )
    cities = {city.name: city for city in City.objects.filter(name__in=_city_names())}
    pairings = {}
    dates = lifecycle_dates(edition)
    for partner, eu, statuses in PAIRINGS:
        pairing = _pairing(edition, cities[partner], cities[eu], statuses)
        date_lifecycle(pairing, dates, note=NOTE)
        pairings[partner] = pairing
    _actions(pairings["Busan"], today, coordinator, delegates)
    _meetings(edition, pairings, cities, today, now, delegates)
    _workspaces(pairings, coordinator, delegates)
    return edition


# A small real PDF: the demo's documents pass the same checks as any upload.
DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _workspaces(pairings, coordinator, delegates) -> None:
    """A few discussions and documents in the pairings' workspaces, and a discussion in the
    community space of the Busan–Barcelona pairing's first thematic area, written through the
    services (so their members are told, as they would be)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from twinning.services import document_add, document_version_add, message_post, thread_start

    by_city = {delegate.city.name: delegate for delegate in delegates if delegate.city_id}
    busan, barcelona = by_city.get("Busan"), by_city.get("Barcelona")
    pairing = pairings["Busan"]
    if busan is not None and barcelona is not None:
        thread = thread_start(
            pairing=pairing,
            by=busan,
            title="Sharing the bike-sharing data (demonstration)",
            body=(
                f"Our open data portal publishes the bike stations every five minutes. "
                f"@{barcelona.full_name}, could Barcelona share its format so that we align?"
            ),
        )
        message_post(
            thread=thread,
            by=barcelona,
            body="Gladly: we use **GBFS 2.3**. I will put our documentation in the library.",
        )
        document = document_add(
            pairing=pairing,
            by=barcelona,
            title="Bike-sharing data format (demonstration)",
            description="How Barcelona publishes its stations.",
            upload=SimpleUploadedFile("gbfs-format.pdf", DEMO_PDF),
        )
        document_version_add(
            document=document,
            by=barcelona,
            upload=SimpleUploadedFile("gbfs-format-v2.pdf", DEMO_PDF + b"% v2\n"),
            note="Station capacity added.",
        )
        area = pairing.thematic_areas.order_by("order", "name").first()
        if area is not None:
            thread_start(
                thematic_area=area,
                by=busan,
                title="Who else pilots shared mobility? (demonstration)",
                body="Busan would like to hear from every city that runs a bike-sharing scheme.",
            )
    thread_start(
        pairing=pairings["Gwangju"],
        by=coordinator,
        title="Preparing the working meeting (demonstration)",
        body="Please share the site visits you propose for the working meeting.",
    )


def _city_names() -> set[str]:
    return {name for partner, eu, _statuses in PAIRINGS for name in (partner, eu)} | {
        spec["host"] for spec in MEETINGS
    }


def _pairing(edition, partner: City, eu: City, statuses) -> Pairing:
    """A pairing of the demonstration edition on the topics the same cities chose in 2017."""
    model = (
        Pairing.objects.filter(partner_lead=partner, eu_lead=eu)
        .exclude(edition=edition)
        .order_by("-edition__start_date")
        .first()
    )
    pairing = Pairing.objects.create(
        edition=edition,
        slug=_slug(partner.name, eu.name),
        partner_lead=partner,
        eu_lead=eu,
        topics_note=model.topics_note if model else "",
        objectives=f"Demonstration pairing: {partner.name} and {eu.name} try the platform.",
    )
    if model is not None:
        pairing.thematic_areas.set(model.thematic_areas.all())
        pairing.topics.set(model.topics.all())
    for status in statuses:
        pairing_set_status(pairing=pairing, status=status, note=NOTE)
    return pairing


def _actions(pairing: Pairing, today, coordinator, delegates) -> None:
    owners = {person.city_id: person for person in delegates}
    plan = [
        (
            "Share a season of fuel-cell bus operating data",
            pairing.partner_lead,
            5,
            "Busan sends Barcelona the data of its fuel-cell buses, for the joint study.",
        ),
        (
            "Survey three municipal roofs with Barcelona's method",
            pairing.partner_lead,
            12,
            "Busan's engineers apply Barcelona's roof survey to three schools.",
        ),
        (
            "Draft the joint note on idle industrial spaces",
            pairing.eu_lead,
            26,
            "Barcelona drafts, Busan comments; presented at the follow-up meeting.",
        ),
    ]
    for title, city, days, description in plan:
        owner = owners.get(city.pk)
        action_create(
            pairing=pairing,
            by=coordinator,
            title=title,
            description=description,
            owner_person=owner,
            owner_organisation=owner.organisation if owner else None,
            due_date=today + datetime.timedelta(days=days),
        )


# The meetings, by days from the day the demo is loaded: the first and last day, the hours (in
# the host city's time), the pairings served ("all" or the Busan pairing), when registration
# opens (days before the load) and closes (days before the first day, at 18:00), and the agenda
# (day of the meeting, kind, title, hours, places for a visit).
MEETINGS = [
    {
        "title": "Demo: launch meeting in Seoul",
        "kind": Meeting.Kind.LAUNCH,
        "host": "Seoul",
        "days": (LAUNCH_DAY - LIVE_DAY, LAUNCH_DAY - LIVE_DAY),
        "hours": ((9, 30), (17, 30)),
        "serves": "all",
        "fields": {
            "status": Meeting.Status.HELD,
            "is_public": True,
            "capacity": 30,
            "description": "The demonstration edition's launch: held, so those who came can "
            "evaluate it.",
        },
        "agenda": [
            (
                0,
                AgendaItem.Kind.SESSION,
                "Opening and the pairings' first exchanges",
                (9, 30),
                (12, 0),
                None,
            ),
            (0, AgendaItem.Kind.WORKSHOP, "Thematic workshops", (13, 30), (17, 30), None),
        ],
    },
    {
        "title": "Demo: online session on hydrogen mobility",
        "kind": Meeting.Kind.ONLINE,
        "host": "Barcelona",
        "days": (6, 6),
        "hours": ((10, 0), (11, 30)),
        "serves": "all",
        "registration": (3, 0),
        "fields": {
            "status": Meeting.Status.CONFIRMED,
            "is_public": True,
            "online_url": "https://meet.demo.worldcities.test/hydrogen-mobility",
            "capacity": 40,
            "description": "An hour and a half online between the demonstration pairings.",
        },
        "agenda": [],
    },
    {
        "title": "Demo: working meeting in Busan",
        "kind": Meeting.Kind.WORKING,
        "host": "Busan",
        "days": (14, 16),
        "hours": ((9, 0), (18, 0)),
        "serves": "Busan",
        "registration": (7, 3),
        # Small delegations, so that a full quota and the waiting list can be tried.
        "quotas": {"Barcelona": 2, "Busan": 3},
        "fields": {
            "status": Meeting.Status.CONFIRMED,
            "venue": "Busan City Hall",
            "address": "1001 Jungang-daero, Yeonje-gu, Busan",
            "capacity": 12,
            "description": "Three days of work and site visits in Busan for the delegation of "
            "Barcelona.",
            "practical_information": "Demonstration meeting: nobody travels.",
        },
        "agenda": [
            (0, AgendaItem.Kind.SESSION, "Working session: shared topics", (9, 0), (17, 0), None),
            (1, AgendaItem.Kind.SITE_VISIT, "Site visit: fuel-cell bus depot", (9, 0), (13, 0), 4),
            (2, AgendaItem.Kind.WORKSHOP, "Towards concrete actions", (9, 0), (18, 0), None),
        ],
    },
    {
        "title": "Demo: follow-up meeting in Barcelona",
        "kind": Meeting.Kind.FOLLOW_UP,
        "host": "Barcelona",
        "days": (45, 47),
        "hours": ((9, 0), (14, 0)),
        "serves": "Busan",
        "registration": (1, 5),
        "fields": {
            "status": Meeting.Status.PLANNED,
            "venue": "Barcelona City Council",
            "approval_required": True,
            "description": "The delegation of Busan in Barcelona; coordinators confirm each place.",
        },
        "agenda": [],
    },
]


def _meetings(edition, pairings, cities, today, now, delegates) -> None:
    day = datetime.timedelta(days=1)
    for spec in MEETINGS:
        host = cities[spec["host"]]
        first, last = (today + n * day for n in spec["days"])
        (start_h, start_m), (end_h, end_m) = spec["hours"]
        fields = dict(spec["fields"])
        if "registration" in spec:
            opens_before, closes_before = spec["registration"]
            fields["registration_opens_at"] = now - opens_before * day
            fields["registration_closes_at"] = (
                _at(host, first - closes_before * day, 18)
                if closes_before
                else _at(host, first, start_h, start_m)
            )
        meeting = meeting_create(
            edition=edition,
            by=None,
            pairings=list(pairings.values()) if spec["serves"] == "all" else [pairings["Busan"]],
            kind=spec["kind"],
            title=spec["title"],
            host_city=host,
            starts_at=_at(host, first, start_h, start_m),
            ends_at=_at(host, last, end_h, end_m),
            **fields,
        )
        for name, places in spec.get("quotas", {}).items():
            DelegationQuota.objects.update_or_create(
                meeting=meeting, city=cities[name], defaults={"places": places}
            )
        for offset, kind, title, (sh, sm), (eh, em), capacity in spec["agenda"]:
            item = AgendaItem(
                meeting=meeting,
                kind=kind,
                title=title,
                starts_at=_at(host, first + offset * day, sh, sm),
                ends_at=_at(host, first + offset * day, eh, em),
                capacity=capacity,
            )
            item.full_clean()
            item.save()
        if spec["kind"] == Meeting.Kind.LAUNCH:
            # The delegates came to the launch (past, so written as it would stand after it).
            Registration.objects.bulk_create(
                Registration(
                    meeting=meeting,
                    person=person,
                    city=person.city,
                    status=Registration.Status.CONFIRMED,
                    attended=True,
                )
                for person in delegates
            )
