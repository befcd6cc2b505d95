"""What each report says, as plain data: headline figures, tables (some drawn as charts) and
text. The PDF and XLSX renderers lay out any report from this shape."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cities.models import City, Organisation
from twinning.models import Action, Edition, Pairing


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
        .prefetch_related("actions", "members__city")
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
            "start": edition.start_date,
            "end": edition.end_date,
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
    return report


def pairing_one_pager(pairing: Pairing, today: datetime.date | None = None) -> ReportData:
    today = today or timezone.localdate()
    pairing = (
        Pairing.objects.select_related("edition", "eu_lead__country", "partner_lead__country")
        .prefetch_related("members__city__country", "topics__area", "thematic_areas", "actions")
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
            [_("Action"), _("Progress (%)"), _("Status"), _("Due")],
            [[a.title, a.progress, a.get_status_display(), a.due_date or ""] for a in actions],
            chart=True,
        )
    )
    return report


def _average(values) -> int:
    values = list(values)
    return round(sum(values) / len(values)) if values else 0


BUILDERS = {"edition": (Edition, edition_progress), "pairing": (Pairing, pairing_one_pager)}
