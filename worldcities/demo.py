"""The demonstration edition: an example edition, clearly named as such, that is live on the day
the demo is loaded (``seed_demo``, which ``make run`` runs), so that every stage of the cycle can
be tried: its call and the cities it selected, two pairings, a launch already held (to evaluate),
upcoming meetings open for registration with delegation quotas and a visit with few places,
actions due in the coming weeks, and outcomes of the Busan pairing (three checked, one waiting
for the coordinator's check).

Its dates are counted from the day it is loaded: the edition started ``LIVE_DAY`` days before.
Loading it again on a later day moves the whole edition (its cycle, meetings, agenda, pairings'
history, actions' due dates and outcomes' dates) by the days that passed, so it stays live; on
the same day it changes nothing. It is not one of the programme's editions: its name,
description, meeting titles and pairings' notes say so."""

import datetime
import zoneinfo

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from cities.models import City, Country, Organisation, ThematicArea, Topic
from meetings.models import (
    AgendaItem,
    DelegationQuota,
    Meeting,
    MeetingTranslation,
    Registration,
)
from meetings.services import meeting_create
from twinning.models import (
    Action,
    Application,
    ApplicationAnswer,
    ApplicationPartner,
    Call,
    CallDocument,
    CallQuestion,
    Edition,
    EditionCity,
    Milestone,
    Outcome,
    Pairing,
    PairingStatusChange,
    ReviewAssignment,
    ReviewCriterion,
    Score,
)
from twinning.seed import date_lifecycle, lifecycle_dates
from twinning.services import (
    action_create,
    edition_create,
    edition_versions,
    outcome_check,
    outcome_record,
    pairing_set_status,
    review_assignment_notify,
)
from worldcities import versions

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


# The cities taking part in the edition, with what they want from it: (city, thematic areas,
# topics as (area, topic), goals). The paired ones and four more, two on each side, whom the
# matchmaking page suggests pairing.
PARTICIPANTS = [
    ("Barcelona", ["Climate Change"], [("Climate Change", "Green energy")], ""),
    ("Busan", ["Climate Change"], [("Climate Change", "Green energy")], ""),
    ("Tampere", ["Smart City"], [("Smart City", "Transportation")], ""),
    ("Gwangju", ["Smart City"], [("Smart City", "Transportation")], ""),
    (
        "Eindhoven",
        ["Smart City"],
        [("Smart City", "ICT"), ("Smart City", "Safety")],
        "Open data from the street lights and sensors for a safer city centre at night.",
    ),
    (
        "Bilbao",
        ["Urban Regeneration"],
        [("Urban Regeneration", "Cultural heritage"), ("Urban Regeneration", "Affordable housing")],
        "Regenerate the old industrial riverside with culture and affordable housing.",
    ),
    (
        "Seoul",
        ["Smart City", "Urban Regeneration"],
        [("Smart City", "ICT"), ("Smart City", "Safety")],
        "Open city data and sensors for safer streets at night; regenerate old districts.",
    ),
    (
        "Suwon",
        ["Urban Regeneration", "Climate Change"],
        [("Urban Regeneration", "Cultural heritage"), ("Climate Change", "Low carbon")],
        "Keep the cultural heritage of the fortress town alive while regenerating the old "
        "industrial quarters with affordable housing.",
    ),
]


def _participants(edition: Edition) -> None:
    """The edition's participating cities, added once each (a city already taking part, from
    the call or the admin, keeps what it has)."""
    taking_part = set(edition.cities.values_list("city__name", flat=True))
    names = [row[0] for row in PARTICIPANTS]
    cities = {city.name: city for city in City.objects.filter(name__in=names)}
    areas = {area.name: area for area in ThematicArea.objects.all()}
    topics = {(t.area.name, t.name): t for t in Topic.objects.select_related("area")}
    for name, area_names, topic_keys, goals in PARTICIPANTS:
        if name in taking_part or name not in cities:
            continue
        row = EditionCity.objects.create(edition=edition, city=cities[name], goals=goals)
        row.thematic_areas.set([areas[a] for a in area_names if a in areas])
        row.topics.set([topics[key] for key in topic_keys if key in topics])
    versions.bump(*edition_versions(edition.pk))


def _slug(partner: str, eu: str) -> str:
    return f"demo-{partner}-{eu}".lower()


def _at(city: City, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    zone = zoneinfo.ZoneInfo(city.time_zone or "UTC")
    return datetime.datetime.combine(day, datetime.time(hour, minute), zone)


@transaction.atomic
def live_demo_load(
    *, coordinator, delegates, reviewers=(), now: datetime.datetime | None = None
) -> dict:
    """Creates the demonstration edition live on ``now``'s day, or moves the one loaded on an
    earlier day so that it is live again. ``coordinator`` coordinates it; ``delegates`` (of
    its pairings' cities) attended its launch; ``reviewers`` (the coordinator, then an expert)
    review the call's submitted application."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    edition = Edition.objects.filter(slug=SLUG).first()
    if edition is None:
        edition = _create(today, now, coordinator, delegates)
    else:
        _move(edition, today - (edition.start_date + datetime.timedelta(days=LIVE_DAY)))
        if not edition.calls.exists():
            cities = {city.name: city for city in City.objects.filter(name__in=_city_names())}
            _call(edition, cities, now, delegates)
    if (
        reviewers
        and not ReviewAssignment.objects.filter(application__call__edition=edition).exists()
    ):
        _reviews(edition.calls.get(), reviewers, now)
    edition.coordinators.add(coordinator)
    _participants(edition)
    return {
        "applications": Application.objects.filter(call__edition=edition).count(),
        "pairings": edition.pairings.count(),
        "meetings": edition.meetings.count(),
        "actions": Action.objects.filter(pairing__edition=edition).count(),
        "participating cities": edition.cities.count(),
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
    Outcome.objects.filter(pairing__edition=edition).update(achieved_on=F("achieved_on") + delta)
    PairingStatusChange.objects.filter(pairing__edition=edition).update(
        changed_at=F("changed_at") + delta
    )
    Call.objects.filter(edition=edition).update(
        opens_at=F("opens_at") + delta, closes_at=F("closes_at") + delta
    )
    Application.objects.filter(call__edition=edition, submitted_at__isnull=False).update(
        submitted_at=F("submitted_at") + delta
    )
    Application.objects.filter(call__edition=edition, withdrawn_at__isnull=False).update(
        withdrawn_at=F("withdrawn_at") + delta
    )
    ReviewAssignment.objects.filter(
        application__call__edition=edition, submitted_at__isnull=False
    ).update(
        conflict_declared_at=F("conflict_declared_at") + delta,
        submitted_at=F("submitted_at") + delta,
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
    _outcomes(pairings["Busan"], today, coordinator, delegates)
    _meetings(edition, pairings, cities, today, now, delegates)
    _call(edition, cities, now, delegates)
    _workspaces(pairings, coordinator, delegates)
    return edition


# city, status, goals; the Barcelona delegate continues a draft, the Busan delegate reads a
# submitted application's receipt (and may withdraw it).
APPLICATIONS = [
    ("Busan", Application.Status.SUBMITTED, "Bring hydrogen buses and smart grids to the port."),
    ("Barcelona", Application.Status.DRAFT, "Learn how Korean cities run open data platforms."),
    ("Gwangju", Application.Status.WITHDRAWN, "Share the city's work on culture and AI."),
    ("Tampere", Application.Status.DRAFT, ""),
]


def _call(edition, cities, now, delegates) -> Call:
    """The edition's call for cities, open today (it opened two weeks ago and closes in a
    month), with applications in each state."""
    call = Call.objects.create(
        edition=edition,
        title="Call for cities (demonstration)",
        slug="call-for-cities",
        introduction=(
            "An example call: EU cities and cities of the Republic of Korea express their "
            "interest in a twinning. It is made up for trying the platform."
        ),
        opens_at=now - datetime.timedelta(days=14),
        closes_at=now + datetime.timedelta(days=30),
        time_zone="Europe/Brussels",
    )
    call.thematic_areas.set(ThematicArea.objects.all())
    questions = CallQuestion.objects.bulk_create(
        [
            CallQuestion(call=call, order=0, text="Why does your city want to take part?"),
            CallQuestion(
                call=call,
                order=1,
                text="Which local challenge would the exchange help with?",
                required=False,
            ),
        ]
    )
    CallDocument.objects.create(
        call=call, name="Letter of support", description="Signed by the mayor or a deputy."
    )
    ReviewCriterion.objects.bulk_create(
        [
            ReviewCriterion(call=call, order=0, name="Relevance of the goals", weight=3),
            ReviewCriterion(call=call, order=1, name="Experience to share", weight=2),
            ReviewCriterion(call=call, order=2, name="Strength of the local partners", weight=1),
        ]
    )
    by_city = {d.city.name: d for d in delegates if d.city_id}
    for name, status, goals in APPLICATIONS:
        city = cities[name]
        application = Application.objects.create(
            call=call,
            city=city,
            status=status,
            goals=goals,
            experience="Ten years of work with universities and local firms." if goals else "",
            delegation="Deputy mayor\nHead of the international office" if goals else "",
            created_by=by_city.get(name),
            submitted_at=now - datetime.timedelta(days=2)
            if status == Application.Status.SUBMITTED
            else None,
            submitted_by=by_city.get(name) if status == Application.Status.SUBMITTED else None,
            withdrawn_at=now - datetime.timedelta(days=1)
            if status == Application.Status.WITHDRAWN
            else None,
        )
        if not goals:
            continue
        application.thematic_areas.set(ThematicArea.objects.order_by("order")[:2])
        ApplicationAnswer.objects.create(
            application=application, question=questions[0], text=f"{name} wants to learn. {goals}"
        )
        sectors = ["government", "research"]
        if status != Application.Status.DRAFT:
            sectors.append("business")
        ApplicationPartner.objects.bulk_create(
            ApplicationPartner(application=application, sector=sector, name=f"{name} {sector}")
            for sector in sectors
        )
    return call


def _reviews(call: Call, reviewers, now) -> None:
    """The submitted application under review: the first reviewer (the coordinator) still to
    declare and score it (and told so), the others (the expert) done, so that staff see a
    weighted mean and can decide and send the decision."""
    application = call.applications.get(status=Application.Status.SUBMITTED)
    criteria = list(call.criteria.order_by("order"))
    first, *others = reviewers
    # The coordinator is told of the review waiting, as staff's assignment would tell them.
    review_assignment_notify(
        assignment=ReviewAssignment.objects.create(application=application, reviewer=first)
    )
    for reviewer, values in zip(others, [(4, 5, 3), (5, 3, 4)], strict=False):
        assignment = ReviewAssignment.objects.create(
            application=application,
            reviewer=reviewer,
            state=ReviewAssignment.State.SUBMITTED,
            conflict_of_interest=False,
            conflict_declared_at=now - datetime.timedelta(days=1),
            submitted_at=now - datetime.timedelta(hours=3),
            comment="A port city with a clear plan; the partners could be named more precisely.",
        )
        Score.objects.bulk_create(
            Score(
                assignment=assignment,
                criterion=criterion,
                value=value,
                comment=f"{criterion.name}: {value} of {criterion.scale_max}.",
            )
            for criterion, value in zip(criteria, values, strict=False)
        )


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
    return (
        {name for partner, eu, _statuses in PAIRINGS for name in (partner, eu)}
        | {spec["host"] for spec in MEETINGS}
        | {name for name, _status, _goals in APPLICATIONS}
    )


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


# The Busan pairing's outcomes: (kind, title, the city's side, days before the load, fields,
# checked by the coordinator). The one left unchecked is there for the coordinator to check.
OUTCOMES = [
    (
        Outcome.Kind.PILOT,
        "Fuel-cell bus pilot on a Barcelona line",
        "eu",
        20,
        {"quantity": 1, "source": "Barcelona transport authority, pilot decision"},
        True,
    ),
    (
        Outcome.Kind.JOBS,
        "Jobs at the hydrogen refuelling station",
        "partner",
        15,
        {"quantity": 12, "source": "Busan Metropolitan City, economic office"},
        True,
    ),
    (
        Outcome.Kind.FUNDING,
        "Follow-up funding for the roof survey",
        "eu",
        10,
        {
            "amount": 250000,
            "currency": "EUR",
            "funder": "Catalan energy agency",
            "source": "Grant agreement",
        },
        True,
    ),
    (
        Outcome.Kind.CONTRACT,
        "Supply contract for rooftop solar panels",
        "partner",
        5,
        {"amount": 480000000, "currency": "KRW", "source": "Busan procurement notice"},
        False,
    ),
]


def _outcomes(pairing: Pairing, today, coordinator, delegates) -> None:
    by_city = {person.city_id: person for person in delegates}
    for kind, title, side, days_ago, fields, checked in OUTCOMES:
        city = pairing.eu_lead if side == "eu" else pairing.partner_lead
        outcome = outcome_record(
            pairing=pairing,
            by=by_city.get(city.pk) or coordinator,
            kind=kind,
            title=title,
            city=city,
            achieved_on=today - datetime.timedelta(days=days_ago),
            evidence_url=f"https://news.demo.worldcities.test/{slugify(title)}",
            **fields,
        )
        if checked:
            outcome_check(outcome=outcome, by=coordinator)


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
        # Machine-drafted and not yet checked: a coordinator can try the check.
        "translations": {
            "ko": (
                "데모: 수소 모빌리티 온라인 세션",
                "데모 결연 도시 간의 한 시간 반 온라인 세션.",
                True,
            ),
        },
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
        # Korean readers find it under its Korean title on the list, the calendar and the
        # home page.
        "translations": {
            "ko": (
                "데모: 부산 실무 회의",
                "바르셀로나 대표단을 위한 부산에서의 3일간의 실무 회의와 현장 방문.",
                False,
            ),
        },
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
        for language, (title, description, machine) in spec.get("translations", {}).items():
            translation = MeetingTranslation(
                meeting=meeting,
                language=language,
                title=title,
                description=description,
                machine=machine,
            )
            translation.full_clean()
            translation.save()
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


# --- The directory of people and triple-helix opportunities ---------------------------------------
# Made-up organisations of the demonstration's cities, so that the triple helix can be tried:
# name, kind, sector, city.
DEMO_ORGANISATIONS = [
    ("Busan Urban Mobility Institute (demonstration)", "research", "research", "Busan"),
    ("Barcelona Sensor Works (demonstration)", "business", "business", "Barcelona"),
]
# e-mail, languages, thematic areas (slugs), e-mail shown
DIRECTORY_CHOICES = [
    ("staff@demo.worldcities.test", ["en", "fr", "de"], [], False),
    ("coordinator@demo.worldcities.test", ["en", "ko"], ["smart-city", "urban-economy"], False),
    ("delegate.busan@demo.worldcities.test", ["ko", "en"], ["smart-city"], False),
    ("delegate.barcelona@demo.worldcities.test", ["es", "en", "fr"], ["smart-city"], True),
    ("research.busan@demo.worldcities.test", ["ko", "en"], ["smart-city", "climate-change"], False),
    ("business.barcelona@demo.worldcities.test", ["es", "en"], ["smart-city"], True),
]


def demo_organisations_load() -> None:
    for name, kind, sector, city in DEMO_ORGANISATIONS:
        Organisation.objects.update_or_create(
            name=name,
            defaults={"kind": kind, "sector": sector, "city": City.objects.get(name=city)},
        )


@transaction.atomic
def directory_demo_load(*, today: datetime.date | None = None) -> dict:
    """The demo accounts' directory choices, and opportunities to browse: a need of a research
    organisation (its matching business contact already told), an offer of a business that
    the research delegate answered and whose poster confirmed "we are in touch", and an
    expired need. Loading again changes nothing but the dates of the opportunities, which
    stay open."""
    from cities.models import Opportunity, OpportunityResponse, ThematicArea
    from cities.services import opportunities_match, opportunity_post
    from worldcities.users.models import User

    today = today or timezone.localdate()
    people = {}
    for email, languages, areas, shown in DIRECTORY_CHOICES:
        person = User.objects.filter(email=email).first()
        if person is None:
            continue
        person.spoken_languages, person.show_email = languages, shown
        person.save(update_fields=["spoken_languages", "show_email"])
        person.interests.set(ThematicArea.objects.filter(slug__in=areas))
        people[email.split("@")[0]] = person
    smart_city = ThematicArea.objects.filter(slug="smart-city")
    research = Organisation.objects.get(name=DEMO_ORGANISATIONS[0][0])
    business = Organisation.objects.get(name=DEMO_ORGANISATIONS[1][0])
    specs = [
        (research, people["research.busan"], "need", "pilot_site", OPEN_NEED, 0, 120),
        (business, people["business.barcelona"], "offer", "technology", OPEN_OFFER, -20, 200),
    ]
    for organisation, poster, direction, kind, (title, description), start, days in specs:
        existing = Opportunity.objects.filter(title=title).first()
        valid_from = today + datetime.timedelta(days=start)
        if existing is not None:
            existing.valid_from, existing.valid_until = (
                valid_from,
                today + datetime.timedelta(days=days),
            )
            existing.save(update_fields=["valid_from", "valid_until"])
            continue
        opportunity = opportunity_post(
            by=poster,
            organisation=organisation,
            direction=direction,
            kind=kind,
            title=title,
            description=description,
            areas=smart_city,
            valid_from=valid_from,
            valid_until=today + datetime.timedelta(days=days),
        )
        opportunities_match(ids=[opportunity.pk])
    title, description = EXPIRED_NEED
    if not Opportunity.objects.filter(title=title).exists():
        expired = Opportunity(
            organisation=research,
            city_id=research.city_id,
            direction="need",
            kind="investment",
            title=title,
            description=description,
            valid_from=today - datetime.timedelta(days=200),
            valid_until=today - datetime.timedelta(days=10),
            posted_by=people["research.busan"],
            matched_at=timezone.now(),
        )
        expired.full_clean()
        expired.save()
        expired.areas.set(smart_city)
    offer = Opportunity.objects.get(title=OPEN_OFFER[0])
    OpportunityResponse.objects.get_or_create(
        opportunity=offer,
        responder=people["research.busan"],
        defaults={
            "organisation": research,
            "message": "Our living lab on Haeundae-ro could host your sensors for a year.",
            "confirmed_at": timezone.now(),
            "confirmed_by": people["business.barcelona"],
        },
    )
    return {"opportunities": Opportunity.objects.filter(title__endswith="(demonstration)").count()}


OPEN_NEED = (
    "A pilot site for on-demand shuttle buses (demonstration)",
    "Our institute tests an on-demand shuttle service and needs a district whose city government "
    "would host a six-month pilot, with access to its traffic data.",
)
OPEN_OFFER = (
    "Low-cost air-quality sensors for street lamps (demonstration)",
    "We make sensors that fit existing street lamps and send air-quality readings every minute; "
    "we offer twenty units for a pilot with a research partner.",
)
EXPIRED_NEED = (
    "Seed investment for a mobility data start-up (demonstration)",
    "A spin-off of the institute looked for seed investment in mobility data.",
)
