"""What each report says, as plain data: headline figures, tables (some drawn as charts) and
text. The PDF and XLSX renderers lay out any report from this shape."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cities.models import City, Organisation, ThematicArea
from meetings.models import DelegationQuota, Evaluation, Meeting, MeetingOutcome, Registration
from practices.models import Practice, Transfer
from practices.permissions import edition_scope_q
from twinning.impact import Impact, checked_outcomes, impact_of, impact_per, triple_helix_mix
from twinning.models import Action, Edition, Outcome, Pairing
from twinning.selectors import actions_with_latest_update
from worldcities.formats import date_format, zone_label


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list]
    chart: bool = False  # draw the first numeric column as a bar chart

    @property
    def chart_rows(self):
        """(label, value, width %) for each row, for a bar chart of the second column."""
        values = [row[1] or 0 for row in self.rows]
        largest = max(values, default=0) or 1
        return [(row[0], row[1] or 0, round(100 * (row[1] or 0) / largest)) for row in self.rows]


@dataclass
class ReportData:
    title: str
    subtitle: str
    figures: list[tuple[str, object]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (heading, plain text)
    generated_at: datetime.datetime = field(default_factory=timezone.now)


def action_health(actions, today: datetime.date) -> dict[str, int]:
    """Counts an action plan's actions as done, late, on track (or dropped)."""
    counts = {"done": 0, "late": 0, "on_track": 0, "dropped": 0}
    for action in actions:
        if action.status == Action.Status.DONE:
            counts["done"] += 1
        elif action.status == Action.Status.DROPPED:
            counts["dropped"] += 1
        elif action.due_date and action.due_date < today:
            counts["late"] += 1
        else:
            counts["on_track"] += 1
    return counts


def edition_progress(edition: Edition, today: datetime.date | None = None) -> ReportData:
    today = today or timezone.localdate()
    pairings = list(
        edition.pairings.select_related("eu_lead__country", "partner_lead__country")
        .prefetch_related(_actions_prefetch(), "members__city")
        .order_by("partner_lead__name")
    )
    status_counts = dict.fromkeys(Pairing.Status, 0)
    for pairing in pairings:
        status_counts[Pairing.Status(pairing.status)] += 1
    all_actions = [action for pairing in pairings for action in pairing.actions.all()]
    health = action_health(all_actions, today)

    city_ids = set()
    for pairing in pairings:
        city_ids.update({pairing.eu_lead_id, pairing.partner_lead_id})
        city_ids.update(member.city_id for member in pairing.members.all())
    delegates = (
        City.objects.filter(pk__in=city_ids)
        .annotate(
            delegates=Count("people", filter=Q(people__role="delegate", people__is_active=True))
        )
        .select_related("country")
        .order_by("country__name", "name")
    )
    organisations = (
        Organisation.objects.filter(Q(city_id__in=city_ids) | Q(implemented_editions=edition))
        .distinct()
        .values("sector")
        .annotate(count=Count("pk", distinct=True))
        .order_by("sector")
    )
    sector_labels = dict(Organisation.Sector.choices)

    report = ReportData(
        title=_("Edition progress: %(edition)s") % {"edition": edition.name},
        subtitle=_("%(start)s – %(end)s · %(status)s")
        % {
            "start": date_format(edition.start_date, "DATE_FORMAT"),
            "end": date_format(edition.end_date, "DATE_FORMAT"),
            "status": edition.get_status_display(),
        },
        figures=[
            (_("Pairings"), len(pairings)),
            (_("Cities"), len(city_ids)),
            (_("Actions"), len(all_actions)),
            (_("Actions done"), health["done"]),
            (_("Actions late"), health["late"]),
        ],
    )
    report.tables.append(
        Table(
            _("Pairings by status"),
            [_("Status"), _("Pairings")],
            [[status.label, count] for status, count in status_counts.items()],
            chart=True,
        )
    )
    report.tables.append(
        Table(
            _("Action plans"),
            [
                _("Pairing"),
                _("Actions"),
                _("Done"),
                _("Late"),
                _("On track"),
                _("Average progress (%)"),
            ],
            [
                [
                    str(pairing),
                    len(pairing.actions.all()),
                    *(lambda h: [h["done"], h["late"], h["on_track"]])(
                        action_health(pairing.actions.all(), today)
                    ),
                    _average([a.progress for a in pairing.actions.all()]),
                ]
                for pairing in pairings
            ],
        )
    )
    report.tables.append(
        Table(
            _("Latest progress of each action"),
            [
                _("Pairing"),
                _("Action"),
                _("Status"),
                _("Progress (%)"),
                _("Updated on"),
                _("What was done"),
            ],
            [
                [
                    str(pairing),
                    action.title,
                    action.get_status_display(),
                    action.progress,
                    _update_date(action),
                    action.latest_note,
                ]
                for pairing in pairings
                for action in pairing.actions.all()
            ],
        )
    )
    report.tables.append(
        Table(
            _("Triple-helix mix of participating organisations"),
            [_("Sector"), _("Organisations")],
            [
                [sector_labels.get(row["sector"], row["sector"]), row["count"]]
                for row in organisations
            ],
            chart=True,
        )
    )
    report.tables.append(
        Table(
            _("Delegates per city"),
            [_("City"), _("Delegates"), _("Country")],
            [[city.name, city.delegates, city.country.name] for city in delegates],
            chart=True,
        )
    )
    _edition_impact(edition, pairings, report)
    _edition_meetings(edition, report)
    _edition_practices(edition, report)
    return report


def _impact_figures(impact: Impact) -> list[tuple[str, object]]:
    return [
        (_("Outcomes checked"), impact.outcomes),
        (_("Jobs created"), impact.jobs),
        (_("Pilots launched"), impact.pilots),
        (_("Contracts and investments"), impact.contracts_text or "—"),
        (_("Follow-up funding"), impact.funding_text or "—"),
    ]


def _impact_columns(first: str) -> list[str]:
    """The headings of ``_impact_row``: jobs first, which the chart draws."""
    return [
        first,
        _("Jobs created"),
        _("Outcomes"),
        _("Pilots launched"),
        _("Contracts and investments"),
        _("Follow-up funding"),
    ]


def _impact_row(name: str, impact: Impact) -> list:
    return [
        name,
        impact.jobs,
        impact.outcomes,
        impact.pilots,
        impact.contracts_text or "—",
        impact.funding_text or "—",
    ]


def _outcome_figure(outcome: Outcome) -> str:
    parts = []
    if outcome.quantity:
        parts.append(str(outcome.quantity))
    if outcome.amount is not None:
        places = 0 if outcome.amount == outcome.amount.to_integral_value() else 2
        parts.append(f"{outcome.currency} {outcome.amount:,.{places}f}")
    if outcome.funder:
        parts.append(_("from %(funder)s") % {"funder": outcome.funder})
    return " ".join(parts) or "—"


def _outcomes_table(outcomes, *, with_pairing: bool) -> Table:
    columns = [_("Outcome"), _("Kind"), _("Figure"), _("City"), _("Date"), _("Source")]
    columns += [_("Checked by"), _("Checked on")]
    rows = [
        [
            outcome.title,
            outcome.get_kind_display(),
            _outcome_figure(outcome),
            outcome.city.name,
            outcome.achieved_on,
            outcome.source,
            str(outcome.checked_by or "—"),
            timezone.localdate(outcome.checked_at),
        ]
        for outcome in outcomes
    ]
    if with_pairing:
        columns.insert(0, _("Pairing"))
        rows = [[str(o.pairing), *row] for o, row in zip(outcomes, rows, strict=True)]
    return Table(_("Checked outcomes"), columns, rows)


def _checked_outcomes_rows(**filters) -> list[Outcome]:
    return list(
        checked_outcomes()
        .filter(**filters)
        .select_related("city", "checked_by", "pairing__eu_lead", "pairing__partner_lead")
        .order_by("pairing__partner_lead__name", "-achieved_on", "pk")
    )


def _mix_columns(first: str) -> list[str]:
    return [first, *(sector.label for sector in Organisation.Sector)]


def _edition_impact(edition: Edition, pairings: list[Pairing], report: ReportData) -> None:
    """The checked outcomes of the edition's pairings: what they add up to, in all, per
    country and per thematic area, each of them, and the triple-helix mix of each pairing's
    organisations."""
    in_edition = checked_outcomes().filter(pairing__edition=edition)
    report.figures.extend(_impact_figures(impact_of(in_edition)))
    report.tables.append(
        Table(
            _("Impact per country"),
            _impact_columns(_("Country")),
            [_impact_row(name, impact) for name, impact in impact_per("country", in_edition)],
            chart=True,
        )
    )
    report.tables.append(
        Table(
            _("Impact per thematic area"),
            _impact_columns(_("Thematic area")),
            [_impact_row(name, impact) for name, impact in impact_per("area", in_edition)],
            chart=True,
        )
    )
    report.tables.append(
        _outcomes_table(_checked_outcomes_rows(pairing__edition=edition), with_pairing=True)
    )
    mix = triple_helix_mix(pairings)
    report.tables.append(
        Table(
            _("Triple-helix mix of each pairing's organisations"),
            _mix_columns(_("Pairing")),
            [
                [str(pairing), *(mix[pairing.pk][sector] for sector in Organisation.Sector)]
                for pairing in pairings
            ],
        )
    )


def _actions_prefetch() -> Prefetch:
    """A pairing's actions in plan order, each with its latest progress note and time."""
    return Prefetch(
        "actions", queryset=actions_with_latest_update(Action.objects.order_by("due_date", "id"))
    )


def _update_date(action):
    """The local date of an action's latest progress update, or empty."""
    return timezone.localdate(action.latest_update_at) if action.latest_update_at else ""


def _quota_places(meeting_ref="pk"):
    return Coalesce(
        Subquery(
            DelegationQuota.objects.filter(meeting=OuterRef(meeting_ref))
            .values("meeting")
            .annotate(total=Sum("places"))
            .values("total"),
            output_field=IntegerField(),
        ),
        0,
    )


def _edition_meetings(edition: Edition, report: ReportData) -> None:
    meetings = (
        Meeting.objects.filter(edition=edition)
        .select_related("host_city")
        .annotate(
            quota_places=_quota_places(),
            holding=Count(
                "registrations", filter=Q(registrations__status__in=Registration.HOLDING)
            ),
            attended=Count("registrations", filter=Q(registrations__attended=True)),
        )
        .order_by("starts_at")
    )
    held = [m for m in meetings if m.status in (Meeting.Status.HELD, Meeting.Status.EVALUATED)]
    report.figures.append((_("Meetings held"), len(held)))
    report.tables.append(
        Table(
            _("Meetings: attendance against quotas"),
            [
                _("Meeting"),
                _("Quota places"),
                _("Registered"),
                _("Attended"),
                _("Status"),
                _("Host city"),
            ],
            [
                [
                    m.title,
                    m.quota_places,
                    m.holding,
                    m.attended,
                    m.get_status_display(),
                    m.host_city.name,
                ]
                for m in meetings
            ],
        )
    )


def _edition_practices(edition: Edition, report: ReportData) -> None:
    in_edition = Practice.objects.published().filter(edition_scope_q([edition.pk]))
    by_area = ThematicArea.objects.annotate(
        practice_count=Count(
            "practices", filter=Q(practices__in=in_edition.values("pk")), distinct=True
        )
    ).order_by("order", "name")
    adoptions = (
        Transfer.objects.filter(
            status=Transfer.Status.ADOPTED, practice__in=in_edition.values("pk")
        )
        .select_related("practice__city", "city")
        .order_by("practice__title")
    )
    adoptions = list(adoptions)
    report.figures.append((_("Practices published"), in_edition.count()))
    report.figures.append((_("Practices adopted by other cities"), len(adoptions)))
    report.tables.append(
        Table(
            _("Practices by thematic area"),
            [_("Thematic area"), _("Practices")],
            [[area.name, area.practice_count] for area in by_area],
            chart=True,
        )
    )
    report.tables.append(
        Table(
            _("Practices adopted by other cities"),
            [_("Practice"), _("From"), _("Adopted by")],
            [[t.practice.title, t.practice.city.name, t.city.name] for t in adoptions],
        )
    )


def pairing_one_pager(pairing: Pairing, today: datetime.date | None = None) -> ReportData:
    today = today or timezone.localdate()
    pairing = (
        Pairing.objects.select_related("edition", "eu_lead__country", "partner_lead__country")
        .prefetch_related(
            "members__city__country", "topics__area", "thematic_areas", _actions_prefetch()
        )
        .get(pk=pairing.pk)
    )
    actions = list(pairing.actions.all())
    health = action_health(actions, today)
    members = [
        [pairing.eu_lead.name, pairing.eu_lead.country.name, _("EU"), _("Lead")],
        [pairing.partner_lead.name, pairing.partner_lead.country.name, _("Partner"), _("Lead")],
    ] + [
        [m.city.name, m.city.country.name, m.get_side_display(), _("Member")]
        for m in pairing.members.all()
    ]
    report = ReportData(
        title=_("Pairing: %(pairing)s") % {"pairing": pairing},
        subtitle=f"{pairing.edition.name} · {pairing.get_status_display()}",
        figures=[
            (_("Member cities"), len(members)),
            (_("Actions"), len(actions)),
            (_("Done"), health["done"]),
            (_("Late"), health["late"]),
            (_("Average progress (%)"), _average([a.progress for a in actions])),
        ],
    )
    report.figures.extend(_impact_figures(impact_of(checked_outcomes().filter(pairing=pairing))))
    report.tables.append(
        Table(_("Members"), [_("City"), _("Country"), _("Side"), _("Role")], members)
    )
    report.tables.append(
        Table(
            _("Topics"),
            [_("Thematic area"), _("Topic")],
            [[topic.area.name, topic.name] for topic in pairing.topics.all()]
            or [[area.name, "—"] for area in pairing.thematic_areas.all()],
        )
    )
    report.tables.append(
        Table(
            _("Timeline"),
            [_("Milestone"), _("Start"), _("End")],
            [[m.title, m.start_date, m.end_date or ""] for m in pairing.edition.milestones.all()],
        )
    )
    report.tables.append(
        Table(
            _("Action plan"),
            [_("Action"), _("Progress (%)"), _("Status"), _("Due"), _("Latest update")],
            [
                [a.title, a.progress, a.get_status_display(), a.due_date or "", a.latest_note]
                for a in actions
            ],
            chart=True,
        )
    )
    member_ids = [pairing.eu_lead_id, pairing.partner_lead_id] + [
        m.city_id for m in pairing.members.all()
    ]
    shared = Practice.objects.published().filter(
        Q(pairing=pairing) | Q(city_id__in=member_ids, transfers__city_id__in=member_ids)
    )
    exchanged = list(shared.select_related("city").distinct().order_by("title"))
    taken_up = defaultdict(list)
    for transfer in (
        Transfer.objects.filter(practice__in=exchanged, city_id__in=member_ids)
        .select_related("city")
        .order_by("city__name")
    ):
        taken_up[transfer.practice_id].append(
            f"{transfer.city.name} ({transfer.get_status_display()})"
        )
    report.tables.append(
        _outcomes_table(_checked_outcomes_rows(pairing=pairing), with_pairing=False)
    )
    mix = triple_helix_mix([pairing])[pairing.pk]
    report.tables.append(
        Table(
            _("Triple-helix mix of the pairing's organisations"),
            [_("Sector"), _("Organisations")],
            [[sector.label, mix[sector]] for sector in Organisation.Sector],
            chart=True,
        )
    )
    report.tables.append(
        Table(
            _("Practices exchanged"),
            [_("Practice"), _("City"), _("Taken up by")],
            [[p.title, p.city.name, ", ".join(taken_up[p.pk]) or "—"] for p in exchanged],
        )
    )
    return report


def meeting_report(meeting: Meeting) -> ReportData:
    meeting = Meeting.objects.select_related("edition", "host_city").get(pk=meeting.pk)
    registrations = list(
        Registration.objects.filter(meeting=meeting).select_related("city").order_by("city__name")
    )
    quotas = {
        q.city_id: q for q in DelegationQuota.objects.filter(meeting=meeting).select_related("city")
    }
    by_city: dict = {}
    for city_id, quota in quotas.items():
        by_city[city_id] = [quota.city.name, quota.places, 0, 0]
    for registration in registrations:
        row = by_city.setdefault(
            registration.city_id,
            [registration.city.name if registration.city else _("No delegation"), "—", 0, 0],
        )
        if registration.status in Registration.HOLDING:
            row[2] += 1
        if registration.attended:
            row[3] += 1
    questions = [
        ("overall", _("Overall")),
        ("content", _("Content")),
        ("organisation", _("Organisation")),
        ("usefulness", _("Usefulness for their city")),
    ]
    evaluations = Evaluation.objects.filter(meeting=meeting)
    averages = evaluations.aggregate(**{name: Avg(name) for name, _label in questions})
    spread = {name: [0] * 5 for name, _label in questions}
    comments = []
    for evaluation in evaluations.order_by("?"):
        for name, _label in questions:
            score = getattr(evaluation, name)
            if 1 <= score <= 5:
                spread[name][score - 1] += 1
        if evaluation.comments.strip():
            comments.append(evaluation.comments.strip())
    outcomes = (
        MeetingOutcome.objects.filter(meeting=meeting)
        .select_related(
            "action__pairing__eu_lead",
            "action__pairing__partner_lead",
            "action__owner_person",
            "action__owner_organisation",
        )
        .order_by("action__due_date", "pk")
    )
    holding = sum(1 for r in registrations if r.status in Registration.HOLDING)
    attended = sum(1 for r in registrations if r.attended)
    report = ReportData(
        title=_("Meeting report: %(meeting)s") % {"meeting": meeting.title},
        subtitle=_("%(kind)s in %(city)s · %(start)s – %(end)s · %(status)s")
        % {
            "kind": meeting.get_kind_display(),
            "city": meeting.host_city.name,
            "start": date_format(meeting.local_starts_at, "DATETIME_FORMAT"),
            "end": f"{date_format(meeting.local_ends_at, 'DATETIME_FORMAT')} "
            f"{zone_label(meeting.local_ends_at)}",
            "status": meeting.get_status_display(),
        },
        figures=[
            (_("Registered"), holding),
            (_("Attended"), attended),
            (_("Evaluations"), evaluations.count()),
            (
                _("Overall rating (of 5)"),
                round(averages["overall"], 1) if averages["overall"] else "—",
            ),
        ],
    )
    report.tables.append(
        Table(
            _("Attendance by city against quota"),
            [_("City"), _("Quota"), _("Registered"), _("Attended")],
            sorted(by_city.values(), key=lambda row: str(row[0])),
        )
    )
    report.tables.append(
        Table(
            _("Evaluation results"),
            [_("Question"), _("Average (of 5)"), "1", "2", "3", "4", "5"],
            [
                [label, round(averages[name], 2) if averages[name] else 0, *spread[name]]
                for name, label in questions
            ],
            chart=True,
        )
    )
    report.tables.append(
        Table(
            _("Actions decided"),
            [_("Action"), _("Pairing"), _("Owner"), _("Due"), _("Status")],
            [
                [
                    o.action.title,
                    str(o.action.pairing),
                    str(o.action.owner_person or o.action.owner_organisation or "—"),
                    o.action.due_date or "",
                    o.action.get_status_display(),
                ]
                for o in outcomes
            ],
        )
    )
    report.texts.append((_("Minutes"), meeting.minutes or _("No minutes recorded.")))
    if comments:
        report.texts.append((_("Comments from the evaluations (anonymous)"), "\n\n".join(comments)))
    return report


def _average(values) -> int:
    values = list(values)
    return round(sum(values) / len(values)) if values else 0


BUILDERS = {
    "edition": (Edition, edition_progress),
    "pairing": (Pairing, pairing_one_pager),
    "meeting": (Meeting, meeting_report),
}
