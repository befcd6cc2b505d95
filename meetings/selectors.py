"""Reads about meetings, narrowed to what the person may see (``meetings.permissions``)."""

import calendar
import datetime
import random
from collections import defaultdict

from django.contrib.postgres.search import SearchRank
from django.core.paginator import Paginator
from django.db.models import Count, F, FilteredRelation, OuterRef, Prefetch, Q, Subquery
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from twinning.models import Edition, Pairing
from twinning.selectors import pairing_ids_of_city
from worldcities import textsearch, versions
from worldcities.users.permissions import is_member
from worldcities.users.services import PEOPLE

from . import permissions
from .filters import MeetingFilter
from .models import (
    RATING_FIELDS,
    AgendaItem,
    AgendaSignup,
    Evaluation,
    Meeting,
    MeetingTranslation,
    Registration,
)
from .permissions import can_manage, registration_read


def in_reader_language(rows):
    """Shows each meeting of ``rows`` (a list) with the title and public description of its
    translation into the reader's language, where it has one, as the meeting's page does
    (``translated_from`` is then the language it was written in, ``shown_language`` the
    translation's): one query, none when every row is in that language. Returns ``rows``."""
    language = translation.get_language() or ""
    others = [row.pk for row in rows if row.language != language]
    if not others:
        return rows
    found = {
        meeting_id: (title, description)
        for meeting_id, title, description in MeetingTranslation.objects.filter(
            meeting_id__in=others, language=language
        ).values_list("meeting_id", "title", "description")
    }
    for row in rows:
        if row.pk in found:
            title, description = found[row.pk]
            row.translated_from = row.get_language_display()
            row.shown_language = language
            row.title = title
            row.description = description or row.description
    return rows


def meetings_for_links():
    """Meetings as other pages link to them (an action plan's "Decided at"): the title, and
    ``shown_title``, that of the translation into the reader's language where it has one."""
    theirs = MeetingTranslation.objects.filter(
        meeting_id=OuterRef("pk"), language=translation.get_language() or ""
    )
    return Meeting.objects.only("title").annotate(shown_title=Subquery(theirs.values("title")[:1]))


def meetings_visible(user):
    """Every meeting's public summary is open to all; the details are decided per meeting."""
    return Meeting.objects.select_related("edition", "host_city__country")


def meeting_search(qs, q: str):
    """``qs`` narrowed to the meetings matching ``q`` by full-text search of what every
    reader sees of them: title, host city, venue and public description, or a translation's
    title and description (web-search syntax, each text in its language's configuration:
    ``textsearch.reader_query``; practical information, for delegates, is left out), read
    from the stored documents of the meeting and its host city. Each has ``rank`` (higher is
    better). Keeps ``qs``'s order."""
    q = (q or "").strip()
    if not q:
        return qs
    query = textsearch.reader_query(q)
    document = textsearch.joined(
        F("search_document"), textsearch.names_in(F("host_city__search_document"), weight="B")
    )
    translated = MeetingTranslation.objects.filter(search_document=query).values("meeting_id")
    return qs.annotate(document=document, rank=SearchRank(F("document"), query)).filter(
        Q(document=query) | Q(pk__in=translated)
    )


def meetings_matching(user, q: str, *, limit: int) -> tuple[int, list[Meeting]]:
    """How many meetings ``user`` may see match ``q`` and the ``limit`` best, with their
    edition and host city (two queries)."""
    matches = meeting_search(meetings_visible(user), q)
    count = matches.count()
    rows = list(
        matches.defer("search_document", "host_city__search_document").order_by(
            "-rank", "-starts_at", "pk"
        )[:limit]
    )
    return count, in_reader_language(rows)


PER_PAGE = 20
FILTERS = ("q", "edition", "kind", "host_city", "country", "thematic_area")
PAGES = ("upcoming_page", "page")
# The list shows meetings with their edition and host city, and filters on them.
LIST_SHOWS = ("meetings", "cities", "pairings")


def list_shows(what: str) -> tuple[str, ...]:
    """The names a list of meetings (``what``: the list's query string, a city, a pairing) is
    kept under. Upcoming and past depend on the clock too: a meeting that has just ended may
    stay under "Upcoming" five minutes. Each list's clock steps at a moment of its own, so
    that the lists do not all expire, and get computed again, at once."""
    return (*LIST_SHOWS, versions.every(5 * 60, spread=what))


def list_params(params) -> QueryDict:
    """The list's query string reduced to what changes the list: the filters given, in a fixed
    order, and page numbers past the first. Equal lists get equal query strings (and one
    cached copy); anything else in the address is left out."""
    query = QueryDict(mutable=True)
    for name in FILTERS:
        value = params.get(name, "").strip()
        if value:
            query[name] = value
    for name in PAGES:
        value = params.get(name, "")
        if value.isdigit() and int(value) > 1:
            query[name] = str(int(value))
    return query


def list_query(params) -> str:
    """The list's filters as a query string, without page numbers (for links to other views)."""
    query = list_params(params)
    for name in PAGES:
        query.pop(name, None)
    return query.urlencode()


def meeting_list_html(params) -> str:
    """The meeting list's filters and its upcoming and past meetings for ``params`` (the query
    string). Every meeting's summary is public, so they are the same for every reader: kept
    under the version of the meetings, cities and pairings they show, and of the clock (a
    meeting moves from upcoming to past)."""
    query = list_params(params)

    def render() -> str:
        filterset = MeetingFilter(query or None, queryset=meetings_visible(None))
        meetings = filterset.qs if filterset.is_bound else filterset.queryset
        now = timezone.now()
        upcoming = Paginator(
            meetings.filter(ends_at__gte=now).order_by("starts_at", "id"), PER_PAGE
        )
        past = Paginator(meetings.filter(ends_at__lt=now).order_by("-starts_at", "-id"), PER_PAGE)
        upcoming_page = upcoming.get_page(query.get("upcoming_page"))
        past_page = past.get_page(query.get("page"))
        # Both pages' translations in one query.
        upcoming_page.object_list = list(upcoming_page.object_list)
        past_page.object_list = list(past_page.object_list)
        in_reader_language(upcoming_page.object_list + past_page.object_list)
        return render_to_string(
            "meetings/includes/meeting_list_results.html",
            {
                "filter": filterset,
                "upcoming": upcoming_page,
                "past": past_page,
                "query": list_query(query),
            },
        )

    return versions.cached(
        "meetings:list",
        depends_on=list_shows(f"list:{query.urlencode()}"),
        vary=[query.urlencode()],
        compute=render,
    )


def meeting_get(user, pk: int, *, for_page: bool = False) -> Meeting:
    """The meeting, with the reader's registration for it read in the same query (the page
    and the rules ask for it: ``permissions.registration_of``). ``for_page``: for the
    meeting's page, without its edition and host city, which only the page's kept parts show
    (they read their own); joining them cost the database more to plan than to run."""
    meetings = meetings_visible(user)
    if for_page:
        meetings = meetings.select_related(None)
    if not is_member(user):
        return get_object_or_404(meetings, pk=pk)
    theirs = FilteredRelation("registrations", condition=Q(registrations__person=user.pk))
    meeting = get_object_or_404(
        meetings.annotate(reader_registration=theirs).select_related("reader_registration"),
        pk=pk,
    )
    known = meeting.__dict__.setdefault("_registration_of", {})
    known[user.pk] = getattr(meeting, "reader_registration", None)
    return meeting


def upcoming_meetings(qs=None):
    qs = Meeting.objects.all() if qs is None else qs
    return qs.filter(ends_at__gte=timezone.now()).exclude(status=Meeting.Status.CANCELLED)


def upcoming_meetings_count() -> int:
    return upcoming_meetings().count()


# What a city's or a pairing's section shows of a meeting: its link, title (or its
# translation's: ``in_reader_language``), host city, times in the host's zone and status.
SECTION_FIELDS = (
    "title",
    "description",
    "language",
    "starts_at",
    "ends_at",
    "status",
    "host_city__name",
    "host_city__slug",
    "host_city__time_zone",
)


def _for_sections(meetings):
    """``meetings`` read with ``SECTION_FIELDS`` only: a section's query reads no minutes,
    edition or country, and is quicker to compile and to plan."""
    return meetings.select_related(None).select_related("host_city").only(*SECTION_FIELDS)


def meetings_for_city(city, user, limit: int = 10):
    """Meetings a city hosts or that serve one of its pairings, the upcoming ones first."""
    # Two lookups an index answers, united: one condition on the host or on the links to the
    # pairings made PostgreSQL read every meeting and every link.
    hosted = Meeting.objects.filter(host_city=city).order_by().values("pk")
    serving = Meeting.pairings.through.objects.filter(pairing__in=pairing_ids_of_city(city)).values(
        "meeting_id"
    )
    ids = hosted.union(serving)
    now = timezone.now()
    # The next ones and the latest ones, read in one query and told apart by their end, with
    # what the section shows of them.
    theirs = _for_sections(meetings_visible(user).filter(pk__in=ids))
    next_ones = theirs.filter(ends_at__gte=now).order_by("starts_at", "id")[:limit]
    latest = theirs.filter(ends_at__lt=now).order_by("-starts_at", "-id")[:limit]
    shown = in_reader_language(list(next_ones.union(latest, all=True)))
    upcoming = sorted((m for m in shown if m.ends_at >= now), key=lambda m: (m.starts_at, m.pk))
    past = sorted(
        (m for m in shown if m.ends_at < now), key=lambda m: (m.starts_at, m.pk), reverse=True
    )
    return {"upcoming": upcoming, "past": past}


def meetings_for_edition(edition, limit: int = 5):
    """The edition's next meetings (those not over yet), soonest first."""
    return in_reader_language(
        list(
            meetings_visible(None)
            .filter(edition=edition, ends_at__gte=timezone.now())
            .order_by("starts_at", "id")[:limit]
        )
    )


def meetings_for_pairing(pairing, user, limit: int = 20):
    """The meetings that serve a pairing, newest first."""
    return in_reader_language(
        list(
            _for_sections(meetings_visible(user))
            .filter(pairings=pairing)
            .order_by("-starts_at")[:limit]
        )
    )


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
    shown = list(
        qs.filter(starts_at__lt=window_end, ends_at__gt=window_start).order_by("starts_at")
    )
    for meeting in in_reader_language(shown):
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
    """The agenda's rows, loaded without the meeting object (so they can be kept without it)."""
    return (
        AgendaItem.objects.filter(meeting_id=meeting.pk)
        .select_related("thematic_area")
        .prefetch_related("organisations")
        .annotate(signup_count=Count("signups"))
        .order_by("starts_at", "id")
    )


def signed_up_items(meeting: Meeting, user) -> frozenset[int]:
    """The agenda items (visits) of the meeting the person has signed up for."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(
        AgendaSignup.objects.filter(item__meeting_id=meeting.pk, person=user).values_list(
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
    """A registration the user may see: their own, or any of a meeting they run; else 404.
    Their own, read with the meeting (``meeting_get``), is not read again."""
    own = registration_read(meeting, user)
    if own is not None and own.pk == pk:
        own.meeting, own.person = meeting, user
        return own
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


def public_meetings(edition=None):
    """The meetings the programme announces to everyone (``Meeting.is_public``), with their
    agenda, for the public calendar feeds: the whole programme's, or one edition's."""
    qs = Meeting.objects.filter(is_public=True)
    if edition is not None:
        qs = qs.filter(edition=edition)
    return (
        qs.select_related("host_city__country", "edition")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("thematic_area").order_by(
                    "starts_at", "id"
                ),
            )
        )
        .order_by("starts_at", "id")
    )


def edition_get(slug: str) -> Edition:
    return get_object_or_404(Edition.objects.only("name", "slug"), slug=slug)


def edition_of_list(params):
    """The edition the meeting list is narrowed to (its ``edition`` filter), or None."""
    value = params.get("edition", "").strip()
    if not (value.isascii() and value.isdigit()):
        return None
    return Edition.objects.filter(pk=int(value)).only("name", "slug").first()


def outcomes_for(meeting: Meeting):
    """The actions the meeting agreed, each with its pairing (and its lead cities) and owner:
    one query, and three more only when there is one (most meetings record none)."""
    return (
        meeting.outcomes.order_by("created_at", "pk")
        .select_related("action")
        .prefetch_related(
            Prefetch(
                "action__pairing",
                queryset=Pairing.objects.select_related("eu_lead", "partner_lead"),
            ),
            "action__owner_person",
            "action__owner_organisation",
        )
    )


def pairings_served(meeting: Meeting):
    return meeting.pairings.select_related("eu_lead", "partner_lead")


def page_shows(meeting: Meeting) -> list[str]:
    """The versions the shared parts of a meeting's page depend on: the meeting (its agenda,
    delegations, minutes), its host city, the names of the cities, organisations and themes of
    its delegations and agenda (``cities``), the pairings it names, and people's names."""
    return [f"meeting:{meeting.pk}", f"city:{meeting.host_city_id}", "cities", "pairings", PEOPLE]


def meeting_page_parts(
    meeting: Meeting, *, details: bool, agenda: bool | None = None, original: bool = False
) -> dict:
    """The parts of a meeting's page that are the same for every reader of a class (those who
    see its details, those who do not), kept under ``page_shows``: the summary (with the venue
    and capacity for those who see the details), for those who see the details the practical
    information and pairings served, the delegations and minutes and the coordinators' links
    (shown to those who manage it), and for those who see the agenda (the details' readers,
    and everyone for a public meeting) the agenda's rows (the reader's sign-up and
    coordinator buttons are rendered around each, per reader). Rendered without the
    request: nothing of the reader goes in. The title and description are those of the
    meeting's translation into the reader's language, where it has one, unless the reader
    asked for the ``original`` (``title`` and ``language`` say what was shown)."""
    agenda = details if agenda is None else agenda
    language = translation.get_language() or ""

    def compute() -> dict:
        # Read after the versions were: a row read before could predate a change whose
        # version came in between, and would be kept under it.
        fresh = meetings_visible(None).filter(pk=meeting.pk).first() or meeting
        fresh.shown_translation = None
        if language != fresh.language and not original:
            shown = (
                MeetingTranslation.objects.select_related("checked_by")
                .filter(meeting=fresh.pk, language=language)
                .first()
            )
            if shown is not None:
                fresh.shown_translation = shown
                fresh.title = shown.title
                fresh.description = shown.description or fresh.description
        context = {"meeting": fresh, "details": details}
        parts = {"summary": render_to_string("meetings/includes/meeting_summary.html", context)}
        if details:
            context["pairings"] = pairings_served(fresh)
            context["delegations"] = delegations_for(fresh)
            for name in ("practical", "record"):
                parts[name] = render_to_string(f"meetings/includes/meeting_{name}.html", context)
            parts["coordination"] = render_to_string(
                "meetings/includes/coordination_links.html", context
            )
        if agenda:
            # Each row as every reader sees it; the reader's buttons are rendered around it.
            parts["agenda"] = [agenda_row(fresh, item) for item in agenda_for(fresh)]
        parts["title"] = fresh.title
        parts["language"] = fresh.shown_translation.language if fresh.shown_translation else ""
        return parts

    return versions.cached(
        "meetings:page",
        depends_on=page_shows(meeting),
        vary=[meeting.pk, details, agenda, original],
        compute=compute,
    )


def agenda_row(meeting: Meeting, item: AgendaItem) -> dict:
    """An agenda row of a meeting's kept page: its markup, and the addresses and labels of the
    buttons a reader may get around it (to sign up or withdraw; to edit or remove it, for those
    who manage the meeting), which are the same for every reader."""
    args = (meeting.pk, item.pk)
    title = {"title": item.title}
    return {
        "pk": item.pk,
        "kind": item.kind,
        "has_signup": item.has_signup,
        "html": render_to_string(
            "meetings/includes/agenda_item.html", {"item": item, "meeting": meeting}
        ),
        "signup_url": reverse("meetings:agenda_signup", args=args),
        "edit_url": reverse("meetings:agenda_edit", args=args),
        "delete_url": reverse("meetings:agenda_delete", args=args),
        "signup_label": _("Sign up for “%(title)s”") % title,
        "withdraw_label": _("Withdraw from “%(title)s”") % title,
        "edit_label": _("Edit “%(title)s”") % title,
        "remove_label": _("Remove “%(title)s”") % title,
    }


def meeting_translations(meeting: Meeting) -> list[MeetingTranslation]:
    """The meeting's translations with who wrote and who checked each: one query."""
    return list(
        MeetingTranslation.objects.filter(meeting=meeting)
        .select_related("written_by", "checked_by")
        .defer("search_document")
    )
