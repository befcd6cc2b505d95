"""What the bulk downloads hold: each resource's public rows and, for each field, its name, what
it means and how it is read from a row. The writer (``services``), the field descriptions page
and the catalogue all read this one declaration, so the files and their documentation cannot
drift apart.

Names follow the read API: the resource names, and the models' public field names. A link to
another row is its slug where the model has a unique slug, else its id.
"""

import functools
import json
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cities.models import City, Organisation, ThematicArea, Topic
from meetings.models import Meeting
from practices.models import KeyFigure, Practice, PracticePartner, Transfer
from twinning.models import Edition, Pairing, PairingMember

# Kinds of values, as the field page names them.
TEXT, INTEGER, NUMBER, BOOLEAN = "text", "integer", "number", "boolean"
DATE, DATETIME, URL = "date", "date-time", "URL"
LIST, OBJECTS = "list", "objects"


@dataclass(frozen=True)
class Attribute:
    """A field read as the row's attribute ``name`` (cheaper than a function per value)."""

    name: str


@dataclass(frozen=True)
class Field:
    name: str
    description: str
    # ``attr(name)``, or a function of the row and the build's context.
    read: "Attribute | Callable"
    kind: str = TEXT


def _iso(value):
    return value.isoformat() if value is not None else None


def _number(value):
    return float(value) if value is not None else None


def _boolean_cell(value):
    return "" if value is None else ("true" if value else "false")


def _list_cell(value):
    return ";".join(str(item) for item in value)


def _objects_cell(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# How a value of each kind is made plain JSON, and how it is written in a CSV cell (the CSV
# writer writes text and numbers as they are, and nothing as an empty cell).
TO_JSON = {DATE: _iso, DATETIME: _iso, NUMBER: _number}
TO_CELL = {BOOLEAN: _boolean_cell, LIST: _list_cell, OBJECTS: _objects_cell}


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    description: str
    rows: Callable[[], QuerySet]
    fields: tuple[Field, ...]
    # Looked up once per build, before the rows (small tables: areas, …), passed to ``read``.
    context: Callable[[], dict] = field(default=lambda: {})
    # Called with each chunk of rows before they are written, to attach what each row lists of
    # other tables in one query per table and chunk (cheaper than ``prefetch_related``, which
    # builds a queryset per row).
    attach: Callable[[list, dict], None] | None = None

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def readers(self, context: dict) -> list[Callable]:
        """One function per field, from a row to its value as JSON holds it."""
        readers = []
        for f in self.fields:
            if isinstance(f.read, Attribute):
                read = operator.attrgetter(f.read.name)
            else:
                read = functools.partial(_call, f.read, context=context)
            if f.kind in TO_JSON:
                read = _then(read, TO_JSON[f.kind])
            readers.append(read)
        return readers

    def cell_writers(self) -> list[Callable | None]:
        """Per field, how its value is written in a CSV cell (``None``: as it is)."""
        return [TO_CELL.get(f.kind) for f in self.fields]

    def row(self, obj, context: dict) -> dict:
        return {
            f.name: read(obj) for f, read in zip(self.fields, self.readers(context), strict=True)
        }


def _call(read, obj, *, context):
    return read(obj, context)


def _then(read, convert):
    return lambda obj: convert(read(obj))


def attr(name: str) -> Attribute:
    """A field that is the attribute ``name`` of the row, as stored."""
    return Attribute(name)


def slug_of(name: str):
    """The slug of the row the foreign key ``name`` points to (``None`` when empty)."""

    def read(obj, context):
        target = getattr(obj, name)
        return target.slug if target is not None else None

    return read


def slugs_of(name: str):
    """The slugs of the prefetched rows of the relation ``name``."""
    return lambda obj, context: [row.slug for row in getattr(obj, name).all()]


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def page_url(name: str, **kwargs):
    """The address of each row's page: ``reverse`` once per build, with a marker where the
    row's value goes, then the row's value put in the marker's place."""
    ((argument, attribute),) = kwargs.items()
    marker = "1234567890" if argument == "pk" else "row-value-marker"

    def parts(context) -> tuple[str, str]:
        key = f"url:{name}"
        if key not in context:
            head, tail = reverse(name, kwargs={argument: marker}).rsplit(marker, 1)
            context[key] = (absolute(head), tail)
        return context[key]

    def read(obj, context):
        head, tail = parts(context)
        return f"{head}{getattr(obj, attribute)}{tail}"

    return read


# --- The resources ----------------------------------------------------------------------------
def _editions():
    return Edition.objects.prefetch_related(
        Prefetch("partner_countries"), Prefetch("implementing_partners")
    ).order_by("start_date", "id")


EDITIONS = Resource(
    name="editions",
    title=_("Editions"),
    description=_("The programme's editions: partner countries and period."),
    rows=_editions,
    fields=(
        Field("id", _("Stable number of the edition."), attr("id"), INTEGER),
        Field("slug", _("Stable short name, as in the edition's address."), attr("slug")),
        Field("name", _("Name of the edition."), attr("name")),
        Field(
            "partner_countries",
            _("ISO 3166 codes of the partner countries."),
            lambda obj, c: [country.code for country in obj.partner_countries.all()],
            LIST,
        ),
        Field("start_date", _("First day of the edition."), attr("start_date"), DATE),
        Field("end_date", _("Last day of the edition."), attr("end_date"), DATE),
        Field(
            "implementing_partners",
            _("Ids of the organisations that run the edition (see organisations)."),
            lambda obj, c: [org.id for org in obj.implementing_partners.all()],
            LIST,
        ),
        Field("status", _("planned, running or closed."), attr("status")),
        Field("description", _("Description of the edition."), attr("description")),
        Field(
            "url",
            _("Address of the edition's page."),
            page_url("twinning:edition_detail", slug="slug"),
        ),
    ),
)


def _cities():
    return (
        City.objects.select_related("country", "parent")
        .prefetch_related(Prefetch("members", queryset=City.objects.only("id", "slug")))
        .defer("search_document")
        .order_by("id")
    )


CITIES = Resource(
    name="cities",
    title=_("Cities"),
    description=_("Cities, districts, metropolitan regions and alliances of cities."),
    rows=_cities,
    fields=(
        Field("id", _("Stable number of the city."), attr("id"), INTEGER),
        Field("slug", _("Stable short name, as in the city's address."), attr("slug")),
        Field("name", _("Name of the city."), attr("name")),
        Field("country", _("ISO 3166 code of its country."), lambda obj, c: obj.country.code),
        Field("kind", _("city, district, metro_region or alliance."), attr("kind")),
        Field("parent", _("For a district: the slug of its city."), slug_of("parent")),
        Field("members", _("For an alliance: the slugs of its cities."), slugs_of("members"), LIST),
        Field("population", _("Number of inhabitants, when known."), attr("population"), INTEGER),
        Field("latitude", _("Latitude in degrees (WGS 84)."), attr("latitude"), NUMBER),
        Field("longitude", _("Longitude in degrees (WGS 84)."), attr("longitude"), NUMBER),
        Field("time_zone", _("IANA time zone, e.g. Asia/Seoul."), attr("time_zone")),
        Field("website", _("The city's own website."), attr("website"), URL),
        Field("profile", _("Short profile of the city."), attr("profile")),
        Field("url", _("Address of the city's page."), page_url("cities:detail", slug="slug")),
    ),
)

ORGANISATIONS = Resource(
    name="organisations",
    title=_("Organisations"),
    description=_(
        "Municipalities, authorities, research, business and civil-society partners of the "
        "programme."
    ),
    rows=lambda: Organisation.objects.select_related("city").order_by("id"),
    fields=(
        Field("id", _("Stable number of the organisation."), attr("id"), INTEGER),
        Field("name", _("Name of the organisation."), attr("name")),
        Field(
            "kind",
            _(
                "municipality, national_authority, eu_institution, eu_delegation, "
                "implementing_partner, research, business or civil_society."
            ),
            attr("kind"),
        ),
        Field(
            "sector",
            _("Its side of the triple helix: government, research, business or civil_society."),
            attr("sector"),
        ),
        Field("city", _("Slug of its city, if any."), slug_of("city")),
        Field("website", _("The organisation's website."), attr("website"), URL),
    ),
)

THEMATIC_AREAS = Resource(
    name="thematic-areas",
    title=_("Thematic areas"),
    description=_("The first level of the programme's themes (Smart City, Urban Economy, …)."),
    rows=lambda: ThematicArea.objects.order_by("order", "id"),
    fields=(
        Field("id", _("Stable number of the area."), attr("id"), INTEGER),
        Field("slug", _("Stable short name of the area."), attr("slug")),
        Field("name", _("Name of the area."), attr("name")),
        Field("description", _("What the area covers."), attr("description")),
        Field("order", _("Position in the programme's lists."), attr("order"), INTEGER),
    ),
)

TOPICS = Resource(
    name="topics",
    title=_("Topics"),
    description=_("The second level: topics within each thematic area."),
    rows=lambda: Topic.objects.select_related("area").order_by("area__order", "order", "id"),
    fields=(
        Field("id", _("Stable number of the topic."), attr("id"), INTEGER),
        Field("area", _("Slug of its thematic area."), slug_of("area")),
        Field("slug", _("Short name, unique within its area."), attr("slug")),
        Field("name", _("Name of the topic."), attr("name")),
        Field("order", _("Position within its area."), attr("order"), INTEGER),
    ),
)


def _pairings():
    return (
        Pairing.objects.select_related("edition", "eu_lead", "partner_lead")
        .prefetch_related(
            Prefetch("thematic_areas", queryset=ThematicArea.objects.only("id", "slug")),
            Prefetch("topics", queryset=Topic.objects.only("id")),
            Prefetch(
                "members",
                queryset=PairingMember.objects.select_related("city").only(
                    "id", "pairing_id", "side", "city__slug"
                ),
            ),
        )
        .defer("search_document")
        .order_by("id")
    )


PAIRINGS = Resource(
    name="pairings",
    title=_("Pairings"),
    description=_("EU cities and partner cities cooperating on shared topics."),
    rows=_pairings,
    fields=(
        Field("id", _("Stable number of the pairing."), attr("id"), INTEGER),
        Field("slug", _("Stable short name, as in the pairing's address."), attr("slug")),
        Field("edition", _("Slug of its edition."), slug_of("edition")),
        Field("eu_lead", _("Slug of the EU lead city."), slug_of("eu_lead")),
        Field("partner_lead", _("Slug of the partner lead city."), slug_of("partner_lead")),
        Field(
            "members",
            _("Further member cities: each with city (slug) and side (eu or partner)."),
            lambda obj, c: [{"city": m.city.slug, "side": m.side} for m in obj.members.all()],
            OBJECTS,
        ),
        Field(
            "thematic_areas", _("Slugs of its thematic areas."), slugs_of("thematic_areas"), LIST
        ),
        Field(
            "topics",
            _("Ids of its topics (see topics)."),
            lambda obj, c: [t.id for t in obj.topics.all()],
            LIST,
        ),
        Field("topics_note", _("The topics in the cities' own words."), attr("topics_note")),
        Field("objectives", _("What the cities aim to achieve."), attr("objectives")),
        Field("status", _("proposed, selected, active, closed or withdrawn."), attr("status")),
        Field(
            "mou_signed_on",
            _("Day the memorandum of understanding was signed."),
            attr("mou_signed_on"),
            DATE,
        ),
        Field(
            "url",
            _("Address of the pairing's page."),
            page_url("twinning:pairing_detail", slug="slug"),
        ),
    ),
)


def _practices():
    return (
        Practice.objects.published()
        .select_related("city", "pairing")
        .only(
            "id",
            "slug",
            "title",
            "summary",
            "body",
            "city__slug",
            "pairing__slug",
            "area_ids",
            "topic_ids",
            "start_date",
            "end_date",
            "ongoing",
            "results",
            "transferability",
            "contact_name",
            "language",
            "adoption_count",
            "published_at",
            "updated_at",
        )
        .order_by("id")
    )


def _grouped(rows) -> dict[int, list]:
    """``(practice_id, item)`` pairs grouped by practice."""
    grouped: dict[int, list] = {}
    for practice_id, item in rows:
        grouped.setdefault(practice_id, []).append(item)
    return grouped


def _practice_lists(practices: list, context: dict) -> None:
    """Attaches each practice's key figures, partners and transfers (three queries a chunk).
    The chunk's ids are ascending: each query reads their range from the index (rows of
    practices in between that are not published are read and left out)."""
    in_chunk = {"practice_id__gte": practices[0].pk, "practice_id__lte": practices[-1].pk}
    figures = _grouped(
        (pk, {"label": label, "value": float(value), "unit": unit, "year": year})
        for pk, label, value, unit, year in KeyFigure.objects.filter(**in_chunk)
        .order_by("practice_id", "order", "id")
        .values_list("practice_id", "label", "value", "unit", "year")
    )
    partners = _grouped(
        (pk, {"organisation": organisation, "role": role})
        for pk, organisation, role in PracticePartner.objects.filter(**in_chunk)
        .order_by("practice_id", "id")
        .values_list("practice_id", "organisation_id", "role")
    )
    transfers = _grouped(
        (pk, {"city": city, "status": status})
        for pk, city, status in Transfer.objects.filter(**in_chunk)
        .order_by("practice_id", "id")
        .values_list("practice_id", "city__slug", "status")
    )
    for practice in practices:
        practice.open_key_figures = figures.get(practice.pk, [])
        practice.open_partners = partners.get(practice.pk, [])
        practice.open_transfers = transfers.get(practice.pk, [])


def _area_slugs() -> dict:
    return {"areas": dict(ThematicArea.objects.values_list("id", "slug"))}


PRACTICES = Resource(
    name="practices",
    title=_("Good practices"),
    description=_(
        "Published good practices: what a city did, what it achieved and who took it home."
    ),
    rows=_practices,
    context=_area_slugs,
    attach=_practice_lists,
    fields=(
        Field("id", _("Stable number of the practice."), attr("id"), INTEGER),
        Field("slug", _("Stable short name, as in the practice's address."), attr("slug")),
        Field("title", _("Title of the practice."), attr("title")),
        Field("summary", _("Two or three sentences, plain text."), attr("summary")),
        Field("body", _("What was done and how, in Markdown."), attr("body")),
        Field("city", _("Slug of the city that did it."), slug_of("city")),
        Field("pairing", _("Slug of the pairing it came from, if any."), slug_of("pairing")),
        Field(
            "thematic_areas",
            _("Slugs of its thematic areas."),
            lambda obj, c: [c["areas"][pk] for pk in obj.area_ids if pk in c["areas"]],
            LIST,
        ),
        Field("topics", _("Ids of its topics (see topics)."), attr("topic_ids"), LIST),
        Field("start_date", _("Day it started, if known."), attr("start_date"), DATE),
        Field("end_date", _("Day it ended, if it did."), attr("end_date"), DATE),
        Field("ongoing", _("Whether it is still running."), attr("ongoing"), BOOLEAN),
        Field("results", _("What it achieved."), attr("results")),
        Field(
            "transferability",
            _("What another city needs to take it over."),
            attr("transferability"),
        ),
        Field(
            "key_figures",
            _("Measured results: each with label, value, unit and year."),
            attr("open_key_figures"),
            OBJECTS,
        ),
        Field(
            "partners",
            _("Partner organisations: each with organisation (id) and role."),
            attr("open_partners"),
            OBJECTS,
        ),
        Field(
            "transfers",
            _("Cities taking it home: each with city (slug) and status."),
            attr("open_transfers"),
            OBJECTS,
        ),
        Field(
            "contact_name",
            _("Person to contact (their address is on the practice's page)."),
            attr("contact_name"),
        ),
        Field("language", _("Language it is written in (ISO 639-1)."), attr("language")),
        Field(
            "adoption_count",
            _("Number of cities that adopted it."),
            attr("adoption_count"),
            INTEGER,
        ),
        Field("published_at", _("When it was first published."), attr("published_at"), DATETIME),
        Field("updated_at", _("When it last changed."), attr("updated_at"), DATETIME),
        Field(
            "url", _("Address of the practice's page."), page_url("practices:detail", slug="slug")
        ),
    ),
)


def _meetings():
    return (
        Meeting.objects.filter(is_public=True)
        .select_related("edition", "host_city")
        .only(
            "id",
            "slug",
            "title",
            "kind",
            "edition__slug",
            "host_city__slug",
            "host_city__time_zone",
            "starts_at",
            "ends_at",
            "description",
            "status",
        )
        .prefetch_related(Prefetch("pairings", queryset=Pairing.objects.only("id", "slug")))
        .order_by("starts_at", "id")
    )


MEETINGS = Resource(
    name="meetings",
    title=_("Meetings"),
    description=_(
        "Public meetings of the programme (launch, working, follow-up and closing meetings, "
        "online sessions), without venues or links, as the public calendar shows them."
    ),
    rows=_meetings,
    fields=(
        Field("id", _("Stable number of the meeting."), attr("id"), INTEGER),
        Field("slug", _("Stable short name of the meeting."), attr("slug")),
        Field("title", _("Title of the meeting."), attr("title")),
        Field("kind", _("launch, working, follow_up, closing, online or other."), attr("kind")),
        Field("edition", _("Slug of its edition."), slug_of("edition")),
        Field("host_city", _("Slug of the host city."), slug_of("host_city")),
        Field("time_zone", _("The host city's IANA time zone."), attr("time_zone")),
        Field("starts_at", _("Start, with its offset from UTC."), attr("starts_at"), DATETIME),
        Field("ends_at", _("End, with its offset from UTC."), attr("ends_at"), DATETIME),
        Field("description", _("Public description."), attr("description")),
        Field("status", _("planned, confirmed, held, evaluated or cancelled."), attr("status")),
        Field("pairings", _("Slugs of the pairings it serves."), slugs_of("pairings"), LIST),
        Field("url", _("Address of the meeting's page."), page_url("meetings:detail", pk="pk")),
    ),
)

RESOURCES: tuple[Resource, ...] = (
    EDITIONS,
    CITIES,
    ORGANISATIONS,
    THEMATIC_AREAS,
    TOPICS,
    PAIRINGS,
    PRACTICES,
    MEETINGS,
)
BY_NAME = {resource.name: resource for resource in RESOURCES}


def resource_names() -> Iterable[str]:
    return BY_NAME.keys()
