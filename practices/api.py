"""The practices app's part of the read API: good practices, narrowed to what the reader may
see (``permissions.visible_q``, as on the site): visitors the published ones; a delegate with
a token also their own city's drafts; a coordinator those of their editions under review."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers

from cities.api import CityLinkSerializer
from worldcities.api.filtering import described
from worldcities.api.lean import LeanListSerializer, SitePageField
from worldcities.api.views import ReadOnlyResource

from .filters import PracticeFilter
from .models import KeyFigure, Practice, PracticeLink, PracticePartner, Transfer
from .selectors import (
    LIST_DEPENDS_ON,
    practice_page_names,
    practices_visible,
    with_areas_and_topics,
)


class PracticeApiFilter(
    described(
        PracticeFilter,
        q=("string", _("Words to search for (web-search syntax: “a phrase”, -word).")),
        area=("string", _("A thematic area's slug (repeat for any of several).")),
        topic=("integer", _("A topic's id (repeat for any of several).")),
        country=("string", _("A country's ISO 3166 code, e.g. KR (repeat for several).")),
        city=("string", _("A city's slug (repeat for several).")),
        side=("string", _("eu or partner: the side of the practice's city.")),
        edition=("string", _("An edition's slug (repeat for several).")),
        sector=("string", _("A partner's sector: government, research, business, civil_society.")),
        year=("integer", _("The year it started (repeat for several).")),
        figures=("boolean", _("true: only practices with key figures.")),
    )
):
    """The practice list's filters, by the same names; the order is the API's own (newest
    first, for the cursor), so ``sort`` is left out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("sort", None)


PracticeApiFilter.base_filters.pop("sort", None)


class PracticeListSerializer(LeanListSerializer):
    """The list reads a practice's areas and topics from the lists its query read with it
    (``selectors.with_areas_and_topics``) instead of reading both relations of every
    practice."""

    def readers(self):
        return {
            "thematic_areas": lambda practice: list(practice.area_slugs or []),
            "topics": lambda practice: list(practice.topic_pks or []),
        }


class PracticeSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:practice-detail",
        lookup_field="slug",
        help_text=_("This practice in the API."),
    )
    id = serializers.IntegerField(read_only=True, help_text=_("Stable numeric identifier."))
    slug = serializers.SlugField(help_text=_("Stable identifier in addresses."))
    page = SitePageField(
        view_name="practices:detail",
        lookup_field="slug",
        help_text=_("The practice's page on the site."),
    )
    title = serializers.CharField(help_text=_("The practice's title."))
    summary = serializers.CharField(help_text=_("Two or three sentences, plain text."))
    status = serializers.ChoiceField(
        choices=Practice.Status.choices,
        help_text=_("Published for visitors; drafts and reviews only for those who may see them."),
    )
    city = CityLinkSerializer(help_text=_("The city that did it."))
    country = serializers.CharField(
        source="city.country.code", help_text=_("The city's country (ISO 3166 code).")
    )
    pairing = serializers.HyperlinkedRelatedField(
        view_name="api:pairing-detail",
        lookup_field="slug",
        read_only=True,
        allow_null=True,
        help_text=_("The pairing it was written within, if any."),
    )
    thematic_areas = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="slug", help_text=_("Its thematic areas (slugs).")
    )
    topics = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text=_("Its topics (ids of /topics/).")
    )
    language = serializers.CharField(help_text=_("The language it is written in."))
    start_date = serializers.DateField(allow_null=True, help_text=_("When it started."))
    end_date = serializers.DateField(allow_null=True, help_text=_("When it ended."))
    ongoing = serializers.BooleanField(help_text=_("Whether it is still running."))
    adoption_count = serializers.IntegerField(help_text=_("How many other cities adopted it."))
    published_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When it was first published.")
    )
    updated_at = serializers.DateTimeField(help_text=_("When it last changed."))

    class Meta:
        model = Practice
        fields = [
            "url",
            "id",
            "slug",
            "page",
            "title",
            "summary",
            "status",
            "city",
            "country",
            "pairing",
            "thematic_areas",
            "topics",
            "language",
            "start_date",
            "end_date",
            "ongoing",
            "adoption_count",
            "published_at",
            "updated_at",
        ]
        list_serializer_class = PracticeListSerializer


# What the list reads of a practice: the columns of its own that the list shows, and those of
# its city, country and pairing (the text, results and the like stay in the database).
LIST_COLUMNS = [
    *(
        name
        for name in PracticeSerializer.Meta.fields
        if name in {field.name for field in Practice._meta.concrete_fields if not field.is_relation}
    ),
    "city__slug",
    "city__name",
    "city__country__code",
    "pairing__slug",
]


class KeyFigureSerializer(serializers.ModelSerializer):
    label = serializers.CharField(help_text=_("What was measured."))
    value = serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=False, help_text=_("The value.")
    )
    unit = serializers.CharField(help_text=_("Its unit, e.g. t CO2/year."))
    year = serializers.IntegerField(allow_null=True, help_text=_("The year measured, if given."))

    class Meta:
        model = KeyFigure
        fields = ["label", "value", "unit", "year"]


class PartnerSerializer(serializers.ModelSerializer):
    organisation = serializers.HyperlinkedRelatedField(
        view_name="api:organisation-detail",
        read_only=True,
        help_text=_("The partner organisation in the API."),
    )
    name = serializers.CharField(source="organisation.name", help_text=_("Its name."))
    sector = serializers.CharField(
        source="organisation.sector", help_text=_("Its side of the triple helix.")
    )
    role = serializers.CharField(help_text=_("Its role in the practice."))

    class Meta:
        model = PracticePartner
        fields = ["organisation", "name", "sector", "role"]


class TransferSerializer(serializers.ModelSerializer):
    city = CityLinkSerializer(help_text=_("The city taking the practice home."))
    status = serializers.ChoiceField(
        choices=Transfer.Status.choices, help_text=_("Interested, adapting or adopted.")
    )
    story = serializers.CharField(allow_blank=True, help_text=_("What that city changed."))
    updated_at = serializers.DateTimeField(help_text=_("When it last changed."))

    class Meta:
        model = Transfer
        fields = ["city", "status", "story", "updated_at"]


class LinkSerializer(serializers.ModelSerializer):
    title = serializers.CharField(help_text=_("What the link leads to."))
    url = serializers.URLField(help_text=_("The address."))

    class Meta:
        model = PracticeLink
        fields = ["title", "url"]


class PracticeDetailSerializer(PracticeSerializer):
    body = serializers.CharField(help_text=_("What was done and how (Markdown)."))
    results = serializers.CharField(allow_blank=True, help_text=_("What it achieved."))
    transferability = serializers.CharField(
        allow_blank=True, help_text=_("What another city needs to take it over.")
    )
    contact_name = serializers.CharField(allow_blank=True, help_text=_("Its contact person."))
    contact_email = serializers.EmailField(
        allow_blank=True, help_text=_("The contact address its authors published with it.")
    )
    key_figures = KeyFigureSerializer(many=True, help_text=_("Its results in figures."))
    partners = PartnerSerializer(many=True, help_text=_("Its triple-helix partners."))
    transfers = TransferSerializer(many=True, help_text=_("Cities that took it up."))
    links = LinkSerializer(many=True, help_text=_("Further reading."))
    actions = serializers.PrimaryKeyRelatedField(
        many=True,
        read_only=True,
        help_text=_("The actions of its pairing's action plan it came from (ids)."),
    )

    class Meta(PracticeSerializer.Meta):
        fields = [
            *PracticeSerializer.Meta.fields,
            "body",
            "results",
            "transferability",
            "contact_name",
            "contact_email",
            "key_figures",
            "partners",
            "transfers",
            "links",
            "actions",
        ]


PRACTICE_EXAMPLE = {
    "url": "https://worldcities.example.eu/api/v1/practices/hydrogen-buses/",
    "id": 41,
    "slug": "hydrogen-buses",
    "page": "https://worldcities.example.eu/practices/hydrogen-buses/",
    "title": "Hydrogen fuel-cell buses",
    "summary": "The city runs its first line with hydrogen buses.",
    "status": "published",
    "city": {
        "url": "https://worldcities.example.eu/api/v1/cities/gwangju/",
        "slug": "gwangju",
        "name": "Gwangju",
    },
    "country": "KR",
    "pairing": "https://worldcities.example.eu/api/v1/pairings/gwangju-tampere/",
    "thematic_areas": ["climate-change"],
    "topics": [8],
    "language": "en",
    "start_date": "2017-06-01",
    "end_date": None,
    "ongoing": True,
    "adoption_count": 1,
    "published_at": "2018-02-01T09:00:00Z",
    "updated_at": "2018-02-01T09:00:00Z",
}


@extend_schema_view(
    list=extend_schema(
        summary=_("Good practices"),
        description=_(
            "The practices the reader may see, newest first: for visitors the published "
            "ones. Filters as on the practice list: q, area, topic, country, city, side, "
            "edition, sector, year, figures (a filter may be repeated: any of the values)."
        ),
        examples=[OpenApiExample("A practice", value=PRACTICE_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary=_("One practice, with its key figures, partners, transfers and links")
    ),
)
class PracticeResource(ReadOnlyResource):
    filterset_class = PracticeApiFilter
    lookup_field = "slug"
    ordering = "-id"

    def get_serializer_class(self):
        return PracticeDetailSerializer if self.action == "retrieve" else PracticeSerializer

    def get_queryset(self):
        qs = practices_visible(self.request.user).select_related("city__country", "pairing")
        if self.action != "retrieve":
            return with_areas_and_topics(qs.only("city", "city__country", "pairing", *LIST_COLUMNS))
        return qs.defer("body_html", "search_vector").prefetch_related(
            "thematic_areas",
            "topics",
            Prefetch("key_figures", queryset=KeyFigure.objects.order_by("order", "id")),
            Prefetch(
                "partners",
                queryset=PracticePartner.objects.select_related("organisation").order_by("id"),
            ),
            Prefetch(
                "transfers",
                queryset=Transfer.objects.select_related("city").order_by("-updated_at"),
            ),
            Prefetch("links", queryset=PracticeLink.objects.order_by("id")),
            "actions",
        )

    def shows(self):
        if self.action == "retrieve":
            row = (
                Practice.objects.published()
                .filter(slug=self.kwargs.get(self.lookup_field, ""))
                .only("pk", "pairing_id")
                .first()
            )
            # Not published (or no such slug): answered, and checked, without a version.
            return practice_page_names(row) if row is not None else None
        return list(LIST_DEPENDS_ON)


RESOURCES = [("practices", PracticeResource, "practice")]
