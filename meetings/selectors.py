"""Reads about meetings, narrowed to what the person may see (``meetings.permissions``)."""

import calendar
import datetime
import functools
import random
from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from twinning.models import Pairing
from worldcities.fragments import (
    Fragment,
    cached_fragments,
    cached_object,
    cached_parts,
    csrf_placeholder,
    query_vary,
)

from . import permissions
from .filters import MeetingFilter
from .forms import StatusForm
from .models import (
    RATING_FIELDS,
    AgendaItem,
    AgendaSignup,
    Evaluation,
    Meeting,
    Registration,
)
from .permissions import can_manage


def meetings_visible(user):
    """Every meeting's public summary is open to all; the details are decided per meeting."""
    return Meeting.objects.select_related("edition", "host_city__country")


# Meeting pages show meetings with their edition, host city and pairings, and the actions
# decided at them.
MEETING_PAGE_SCOPES = ("meetings", "twinning", "cities")
PER_PAGE = 20


def list_query(params) -> str:
    """The list's query string without its page numbers (for the links to other views)."""
    query = params.copy()
    query.pop("page", None)
    query.pop("upcoming_page", None)
    return query.urlencode()


def meeting_list_parts(*, params) -> dict:
    """The meeting list's filters and its upcoming and past meetings for ``params`` (the query
    string). Every meeting's summary is public, so they are the same for every reader:
    rendered once and kept until a meeting, pairing or city changes, and at most ``TIMEOUT``
    (a meeting moves from upcoming to past with the clock)."""

    def context():
        filterset = MeetingFilter(params or None, queryset=meetings_visible(None))
        meetings = filterset.qs if filterset.is_bound else filterset.queryset
        now = timezone.now()
        upcoming = Paginator(
            meetings.filter(ends_at__gte=now).order_by("starts_at", "id"), PER_PAGE
        )
        past = Paginator(meetings.filter(ends_at__lt=now).order_by("-starts_at", "-id"), PER_PAGE)
        return {
            "filter": filterset,
            "upcoming": upcoming.get_page(params.get("upcoming_page")),
            "past": past.get_page(params.get("page")),
            "query": list_query(params),
        }

    return cached_parts(
        "meetings:list",
        vary=query_vary(params),
        scopes=MEETING_PAGE_SCOPES,
        templates={
            part: f"meetings/fragments/meeting_list_{part}.html" for part in ("filters", "lists")
        },
        context=context,
    )


def meeting_get(user, pk: int) -> Meeting:
    return get_object_or_404(meetings_visible(user), pk=pk)


def meeting_for_page(user, pk: int) -> Meeting:
    """The meeting for its page, with the cities whose delegates take part (for the rules).
    Every meeting's summary is public, so it is kept in the cache until a meeting, pairing or
    city changes; write paths load it afresh with ``meeting_get``."""

    def load():
        meeting = meetings_visible(user).filter(pk=pk).first()
        if meeting is not None:
            permissions.meeting_city_ids(meeting)  # computed once, kept with the meeting
        return meeting

    meeting = cached_object(
        "meetings:meeting", vary=[pk], scopes=("meetings", "twinning", "cities"), load=load
    )
    if meeting is None:
        raise Http404
    return meeting


def upcoming_meetings(qs=None):
    qs = Meeting.objects.all() if qs is None else qs
    return qs.filter(ends_at__gte=timezone.now()).exclude(status=Meeting.Status.CANCELLED)


def upcoming_meetings_count() -> int:
    return upcoming_meetings().count()


def meetings_for_city(city, user, limit: int = 10):
    """Meetings a city hosts or that serve one of its pairings, the upcoming ones first."""
    pairings = Pairing.objects.filter(
        Q(eu_lead=city) | Q(partner_lead=city) | Q(members__city=city)
    )
    ids = Meeting.objects.filter(Q(host_city=city) | Q(pairings__in=pairings)).values("pk")
    now = timezone.now()
    upcoming = list(meetings_visible(user).filter(pk__in=ids, ends_at__gte=now)[:limit])
    past = list(
        meetings_visible(user).filter(pk__in=ids, ends_at__lt=now).order_by("-starts_at")[:limit]
    )
    return {"upcoming": upcoming, "past": past}


def meetings_for_pairing(pairing, user, limit: int = 20):
    """The meetings that serve a pairing, newest first."""
    return list(meetings_visible(user).filter(pairings=pairing).order_by("-starts_at")[:limit])


def month_grid(qs, year: int, month: int) -> list[list[dict]]:
    """Weeks of days, each with the meetings on that day (in the meeting's own zone)."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    # Widen by a day each side: a meeting's own date may differ from UTC's.
    window_start = datetime.datetime.combine(
        first - datetime.timedelta(days=1), datetime.time(), datetime.UTC
    )
    window_end = datetime.datetime.combine(
        last + datetime.timedelta(days=2), datetime.time(), datetime.UTC
    )
    by_day = defaultdict(list)
    for meeting in qs.filter(starts_at__lt=window_end, ends_at__gt=window_start).order_by(
        "starts_at"
    ):
        day = meeting.local_starts_at.date()
        end = meeting.local_ends_at.date()
        while day <= end:
            by_day[day].append(meeting)
            day += datetime.timedelta(days=1)
    return [
        [
            {"date": day, "in_month": day.month == month, "meetings": by_day.get(day, [])}
            for day in week
        ]
        for week in weeks
    ]


def agenda_for(meeting: Meeting):
    return (
        meeting.agenda_items.select_related("thematic_area")
        .prefetch_related("organisations")
        .annotate(signup_count=Count("signups"))
        .order_by("starts_at", "id")
    )


def signed_up_items(meeting: Meeting, user) -> frozenset[int]:
    """The agenda items (visits) of the meeting the person has signed up for."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(
        AgendaSignup.objects.filter(item__meeting=meeting, person=user).values_list(
            "item_id", flat=True
        )
    )


def delegations_for(meeting: Meeting) -> list[dict]:
    """Who comes from which city: per city its quota, confirmed people and waiting list."""
    registrations = (
        meeting.registrations.filter(
            status__in=(*Registration.HOLDING, Registration.Status.WAITLISTED)
        )
        .select_related("person", "city")
        .order_by("city__name", "waitlisted_at", "created_at", "id")
    )
    quotas = {q.city_id: q for q in meeting.quotas.select_related("city")}
    groups: dict = {}
    for quota in quotas.values():
        groups[quota.city_id] = {
            "city": quota.city,
            "quota": quota.places,
            "places": [],
            "waiting": [],
        }
    for registration in registrations:
        group = groups.setdefault(
            registration.city_id,
            {"city": registration.city, "quota": None, "places": [], "waiting": []},
        )
        key = "places" if registration.holds_place else "waiting"
        group[key].append(registration)
    return sorted(groups.values(), key=lambda g: g["city"].name if g["city"] else "")


# The person's registration (looked up once per meeting object, shared with the rules).
registration_of = permissions.registration_of


def registrations_for_manager(meeting: Meeting):
    return meeting.registrations.select_related("person", "city", "person__organisation").order_by(
        "city__name", "status", "person__full_name"
    )


def registration_get(user, meeting: Meeting, pk: int) -> Registration:
    """A registration the user may see: their own, or any of a meeting they run; else 404."""
    qs = meeting.registrations.select_related("person", "city", "meeting__host_city")
    if not can_manage(user, meeting):
        qs = qs.filter(person=user) if user.is_authenticated else qs.none()
    return get_object_or_404(qs, pk=pk)


def quotas_for(meeting: Meeting):
    return meeting.quotas.select_related("city")


def evaluation_summary(meeting: Meeting) -> dict:
    """Averages, the spread of each rating and the comments, with no one named and the
    comments in no telling order."""
    rows = list(Evaluation.objects.filter(meeting=meeting).values_list(*RATING_FIELDS, "comments"))
    count = len(rows)
    ratings = []
    for index, name in enumerate(RATING_FIELDS):
        values = [row[index] for row in rows]
        distribution = [(score, values.count(score)) for score in range(1, 6)]
        ratings.append(
            {
                "name": name,
                "label": Evaluation._meta.get_field(name).verbose_name,
                "average": round(sum(values) / count, 2) if count else None,
                "distribution": [
                    {"score": s, "count": n, "percent": round(100 * n / count) if count else 0}
                    for s, n in distribution
                ],
            }
        )
    comments = [row[-1] for row in rows if row[-1]]
    random.shuffle(comments)
    attended = meeting.registrations.filter(attended=True).count()
    return {"count": count, "attended": attended, "ratings": ratings, "comments": comments}


def meetings_of_person(user):
    """The meetings someone is on the list of (for their calendar feed)."""
    return (
        Meeting.objects.filter(
            registrations__person=user,
            registrations__status__in=(*Registration.HOLDING, Registration.Status.WAITLISTED),
        )
        .select_related("host_city__country", "edition")
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("thematic_area"))
        )
        .distinct()
        .order_by("starts_at")
    )


def outcomes_for(meeting: Meeting):
    return meeting.outcomes.select_related(
        "action__pairing__eu_lead",
        "action__pairing__partner_lead",
        "action__owner_person",
        "action__owner_organisation",
    )


def pairings_served(meeting: Meeting):
    return meeting.pairings.select_related("eu_lead", "partner_lead")


# The meeting page's details show its host, pairings, delegations (people's names) and the
# actions decided at it.
DETAIL_SCOPES = ("meetings", "twinning", "cities", "users")


def meeting_parts(
    meeting: Meeting,
    *,
    details: bool,
    manage: bool = False,
    holds_place: bool = False,
    signed_up: frozenset[int] = frozenset(),
) -> dict:
    """The parts of a meeting's page, each kept in the cache (all looked up in one round
    trip): its summary (with the venue and capacity for those who see the details); for its
    coordinators, their panel; for those who see the details, the practical information and
    pairings served, the agenda, and the delegations, minutes and actions agreed.

    The agenda's buttons depend on the reader (coordinator or not, holding a place or not,
    visits signed up for), so it is kept per such state. Parts with forms are rendered with a
    placeholder for the CSRF token: pass them through ``worldcities.fragments.with_csrf_token``.
    """
    data = functools.cache(
        lambda: {
            "meeting": meeting,
            "details": details,
            "pairings": pairings_served(meeting),
            "delegations": delegations_for(meeting),
            "outcomes": outcomes_for(meeting),
        }
    )
    coordination = functools.cache(
        lambda: {
            "meeting": meeting,
            "status_form": StatusForm(initial={"status": meeting.status}),
            "csrf_token": csrf_placeholder(),
        }
    )
    agenda = functools.cache(
        lambda: {
            "meeting": meeting,
            "agenda": agenda_for(meeting),
            "manage": manage,
            "holds_place": holds_place,
            "signed_up": signed_up,
            "csrf_token": csrf_placeholder(),
        }
    )
    reader = (manage, holds_place, tuple(sorted(signed_up)))

    def part(name, vary, context):
        template = f"meetings/fragments/meeting_{name}.html"
        return Fragment(f"meetings:detail:{name}", vary, DETAIL_SCOPES, template, context)

    parts = {"summary": part("summary", (meeting.pk, details), data)}
    if manage:
        parts["coordination"] = part("coordination", (meeting.pk,), coordination)
    if details:
        parts["practical"] = part("practical", (meeting.pk,), data)
        parts["agenda"] = part("agenda", (meeting.pk, *reader), agenda)
        parts["record"] = part("record", (meeting.pk,), data)
    return dict(zip(parts, cached_fragments(list(parts.values())), strict=True))
