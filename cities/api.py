"""The cities app's part of the read API: countries (inside cities), cities, organisations,
thematic areas and topics. Everything here is public, as on the site."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers

from worldcities.api.filtering import described
from worldcities.api.lean import LeanListSerializer, SitePageField
from worldcities.api.views import ReadOnlyResource

from .filters import CityFilterSet
from .models import City, Country, Organisation, ThematicArea, Topic

# The versions (``worldcities.versions``) of what these resources show: the cities admin moves
# ``cities`` on any change of a city, country, organisation, area or topic; the city list's
# filters by edition and thematic area read the pairings.
SHOWS = ["cities", "pairings"]


class CountrySerializer(serializers.ModelSerializer):
    code = serializers.CharField(help_text=_("ISO 3166 code, two capital letters."))
    name = serializers.CharField(help_text=_("The country's name in English."))
    eu_member = serializers.BooleanField(
        source="is_eu_member", help_text=_("Whether the country is an EU member today.")
    )
    eu_joined = serializers.DateField(
        allow_null=True, help_text=_("When it joined the EU (null: never).")
    )
    eu_left = serializers.DateField(allow_null=True, help_text=_("When it left the EU, if it did."))

    class Meta:
        model = Country
        fields = ["code", "name", "eu_member", "eu_joined", "eu_left"]


class CityLinkSerializer(serializers.HyperlinkedModelSerializer):
    """A city named inside another resource: its slug, name and link."""

    url = serializers.HyperlinkedIdentityField(
        view_name="api:city-detail", lookup_field="slug", help_text=_("This city in the API.")
    )
    slug = serializers.SlugField(help_text=_("Stable identifier in addresses."))
    name = serializers.CharField(help_text=_("The city's name."))

    class Meta:
        model = City
        fields = ["url", "slug", "name"]


class CitySerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:city-detail", lookup_field="slug", help_text=_("This city in the API.")
    )
    id = serializers.IntegerField(read_only=True, help_text=_("Stable numeric identifier."))
    slug = serializers.SlugField(help_text=_("Stable identifier in addresses."))
    name = serializers.CharField(help_text=_("The city's name."))
    page = SitePageField(
        view_name="cities:detail",
        lookup_field="slug",
        help_text=_("The city's page on the site."),
    )
    country = CountrySerializer(help_text=_("The country the city is in."))
    kind = serializers.ChoiceField(
        choices=City.Kind.choices, help_text=_("City, district, metropolitan region or alliance.")
    )
    parent = CityLinkSerializer(
        allow_null=True, help_text=_("For a district: the city it belongs to.")
    )
    members = CityLinkSerializer(
        many=True, help_text=_("For an alliance of cities: its member cities.")
    )
    population = serializers.IntegerField(allow_null=True, help_text=_("Inhabitants, where known."))
    latitude = serializers.DecimalField(
        max_digits=8,
        decimal_places=5,
        coerce_to_string=False,
        allow_null=True,
        help_text=_("Degrees north (WGS 84), or null."),
    )
    longitude = serializers.DecimalField(
        max_digits=8,
        decimal_places=5,
        coerce_to_string=False,
        allow_null=True,
        help_text=_("Degrees east (WGS 84), or null."),
    )
    time_zone = serializers.CharField(help_text=_("IANA time zone, e.g. Asia/Seoul."))
    website = serializers.URLField(allow_blank=True, help_text=_("The city's website."))
    profile = serializers.CharField(allow_blank=True, help_text=_("A short profile."))

    class Meta:
        model = City
        fields = [
            "url",
            "id",
            "slug",
            "name",
            "page",
            "country",
            "kind",
            "parent",
            "members",
            "population",
            "latitude",
            "longitude",
            "time_zone",
            "website",
            "profile",
        ]
        list_serializer_class = LeanListSerializer


CITY_EXAMPLE = {
    "url": "https://worldcities.example.eu/api/v1/cities/busan/",
    "id": 12,
    "slug": "busan",
    "name": "Busan",
    "page": "https://worldcities.example.eu/cities/busan/",
    "country": {
        "code": "KR",
        "name": "Republic of Korea",
        "eu_member": False,
        "eu_joined": None,
        "eu_left": None,
    },
    "kind": "city",
    "parent": None,
    "members": [],
    "population": 3400000,
    "latitude": 35.17955,
    "longitude": 129.07564,
    "time_zone": "Asia/Seoul",
    "website": "https://www.busan.go.kr/",
    "profile": "Korea's second city and largest port.",
}


@extend_schema_view(
    list=extend_schema(
        summary=_("Cities"),
        description=_(
            "Every city of the programme, with its country, coordinates, population and, for "
            "an alliance, its member cities. Filters as on the city list: q, country, side, "
            "thematic_area, edition."
        ),
        parameters=[
            OpenApiParameter(
                "thematic_area", str, description=_("Cities in a pairing on this area (slug).")
            ),
            OpenApiParameter(
                "edition", str, description=_("Cities in a pairing of this edition (slug).")
            ),
        ],
        examples=[OpenApiExample("A city", value=CITY_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary=_("One city"),
        examples=[OpenApiExample("A city", value=CITY_EXAMPLE, response_only=True)],
    ),
)
class CityResource(ReadOnlyResource):
    serializer_class = CitySerializer
    filterset_class = described(
        CityFilterSet,
        q=("string", _("Part of the city's or its country's name, or words of its profile.")),
        country=("string", _("A country's ISO 3166 code, e.g. FI.")),
        side=("string", _("eu (cities of EU member states, past or present) or partner.")),
    )
    lookup_field = "slug"
    ordering = "id"

    def get_queryset(self):
        return City.objects.select_related("country", "parent").prefetch_related(
            Prefetch("members", queryset=City.objects.order_by("name"))
        )

    def shows(self):
        return SHOWS


class OrganisationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:organisation-detail", help_text=_("This organisation in the API.")
    )
    id = serializers.IntegerField(read_only=True, help_text=_("Stable numeric identifier."))
    name = serializers.CharField(help_text=_("The organisation's name."))
    kind = serializers.ChoiceField(
        choices=Organisation.Kind.choices, help_text=_("What sort of organisation it is.")
    )
    sector = serializers.ChoiceField(
        choices=Organisation.Sector.choices,
        help_text=_("Its side of the triple helix: government, research, business, civil society."),
    )
    city = CityLinkSerializer(allow_null=True, help_text=_("The city it is based in, if any."))
    website = serializers.URLField(allow_blank=True, help_text=_("Its website."))

    class Meta:
        model = Organisation
        fields = ["url", "id", "name", "kind", "sector", "city", "website"]
        list_serializer_class = LeanListSerializer


@extend_schema_view(
    list=extend_schema(
        summary=_("Organisations"),
        description=_("Municipalities, authorities, implementing partners, research, business."),
        examples=[
            OpenApiExample(
                "An organisation",
                value={
                    "url": "https://worldcities.example.eu/api/v1/organisations/3/",
                    "id": 3,
                    "name": "CityNet",
                    "kind": "implementing_partner",
                    "sector": "civil_society",
                    "city": None,
                    "website": "https://citynet-ap.org/",
                },
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(summary=_("One organisation")),
)
class OrganisationResource(ReadOnlyResource):
    serializer_class = OrganisationSerializer
    ordering = "id"

    def get_queryset(self):
        return Organisation.objects.select_related("city")

    def shows(self):
        return ["cities"]


class TopicSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:topic-detail", help_text=_("This topic in the API.")
    )
    id = serializers.IntegerField(read_only=True, help_text=_("Stable numeric identifier."))
    slug = serializers.SlugField(help_text=_("Identifier within its thematic area."))
    name = serializers.CharField(help_text=_("The topic's name."))
    thematic_area = serializers.HyperlinkedRelatedField(
        source="area",
        view_name="api:thematicarea-detail",
        lookup_field="slug",
        read_only=True,
        help_text=_("The thematic area it belongs to."),
    )

    class Meta:
        model = Topic
        fields = ["url", "id", "slug", "name", "thematic_area"]
        list_serializer_class = LeanListSerializer


class TopicInAreaSerializer(TopicSerializer):
    class Meta(TopicSerializer.Meta):
        fields = ["url", "id", "slug", "name"]


class ThematicAreaSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:thematicarea-detail",
        lookup_field="slug",
        help_text=_("This thematic area in the API."),
    )
    id = serializers.IntegerField(read_only=True, help_text=_("Stable numeric identifier."))
    slug = serializers.SlugField(help_text=_("Stable identifier: the practices' area filter."))
    name = serializers.CharField(help_text=_("The area's name."))
    description = serializers.CharField(allow_blank=True, help_text=_("What the area covers."))
    topics = TopicInAreaSerializer(many=True, help_text=_("Its topics, in order."))

    class Meta:
        model = ThematicArea
        fields = ["url", "id", "slug", "name", "description", "topics"]


@extend_schema_view(
    list=extend_schema(
        summary=_("Thematic areas"),
        description=_("The programme's taxonomy: each thematic area with its topics."),
        examples=[
            OpenApiExample(
                "A thematic area",
                value={
                    "url": "https://worldcities.example.eu/api/v1/thematic-areas/smart-city/",
                    "id": 1,
                    "slug": "smart-city",
                    "name": "Smart City",
                    "description": "",
                    "topics": [
                        {
                            "url": "https://worldcities.example.eu/api/v1/topics/1/",
                            "id": 1,
                            "slug": "transportation",
                            "name": "Transportation",
                        }
                    ],
                },
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(summary=_("One thematic area")),
)
class ThematicAreaResource(ReadOnlyResource):
    serializer_class = ThematicAreaSerializer
    lookup_field = "slug"
    ordering = "id"

    def get_queryset(self):
        return ThematicArea.objects.prefetch_related(
            Prefetch("topics", queryset=Topic.objects.order_by("order", "name"))
        )

    def shows(self):
        return ["cities"]


@extend_schema_view(
    list=extend_schema(summary=_("Topics"), description=_("Every topic, with its thematic area.")),
    retrieve=extend_schema(summary=_("One topic")),
)
class TopicResource(ReadOnlyResource):
    serializer_class = TopicSerializer
    ordering = "id"

    def get_queryset(self):
        return Topic.objects.select_related("area")

    def shows(self):
        return ["cities"]


RESOURCES = [
    ("cities", CityResource, "city"),
    ("organisations", OrganisationResource, "organisation"),
    ("thematic-areas", ThematicAreaResource, "thematicarea"),
    ("topics", TopicResource, "topic"),
]
