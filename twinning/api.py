"""The twinning app's part of the read API: editions and pairings, with their sides, lead
cities, status history and action plan. Everything here is public, as on the site."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers

from cities.api import CityLinkSerializer, CountrySerializer
from cities.models import Topic
from worldcities.api.filtering import described
from worldcities.api.lean import LeanListSerializer, SitePageField
from worldcities.api.views import ReadOnlyResource
from worldcities.users.services import PEOPLE

from .filters import PairingFilterSet
from .models import Action, Edition, Milestone, Pairing, PairingMember, PairingStatusChange


class MilestoneSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(
        choices=Milestone.Kind.choices, help_text=_("The step of the edition's cycle.")
    )
    title = serializers.CharField(help_text=_("The milestone's title."))
    start_date = serializers.DateField(help_text=_("When it starts."))
    end_date = serializers.DateField(allow_null=True, help_text=_("When it ends, if known."))

    class Meta:
        model = Milestone
        fields = ["kind", "title", "start_date", "end_date"]


class EditionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:edition-detail", lookup_field="slug", help_text=_("This edition in the API.")
    )
    id = serializers.IntegerField(read_only=True, help_text=_("Stable numeric identifier."))
    slug = serializers.SlugField(help_text=_("Stable identifier: the edition filter's value."))
    name = serializers.CharField(help_text=_("The edition's name."))
    page = SitePageField(
        view_name="twinning:edition_detail",
        lookup_field="slug",
        help_text=_("The edition's page on the site."),
    )
    status = serializers.ChoiceField(
        choices=Edition.Status.choices, help_text=_("Planned, running or closed.")
    )
    start_date = serializers.DateField(help_text=_("First day of the edition."))
    end_date = serializers.DateField(help_text=_("Last day of the edition."))
    partner_countries = CountrySerializer(many=True, help_text=_("The partner countries."))
    implementing_partners = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="name",
        help_text=_("The organisations that run the edition."),
    )
    milestones = MilestoneSerializer(many=True, help_text=_("The edition's cycle, in order."))
    description = serializers.CharField(allow_blank=True, help_text=_("About the edition."))
    pairings = serializers.SerializerMethodField(
        help_text=_("The edition's pairings in the API (a filtered list).")
    )

    class Meta:
        model = Edition
        fields = [
            "url",
            "id",
            "slug",
            "name",
            "page",
            "status",
            "start_date",
            "end_date",
            "partner_countries",
            "implementing_partners",
            "milestones",
            "description",
            "pairings",
        ]
        list_serializer_class = LeanListSerializer

    def get_pairings(self, edition) -> str:
        from django.urls import reverse

        path = reverse("api:pairing-list") + f"?edition={edition.slug}"
        return self.context["request"].build_absolute_uri(path)


EDITION_EXAMPLE = {
    "url": "https://worldcities.example.eu/api/v1/editions/korea-2017-2018/",
    "id": 1,
    "slug": "korea-2017-2018",
    "name": "World Cities Korea 2017–2018",
    "page": "https://worldcities.example.eu/editions/korea-2017-2018/",
    "status": "closed",
    "start_date": "2017-01-01",
    "end_date": "2018-06-30",
    "partner_countries": [
        {
            "code": "KR",
            "name": "Republic of Korea",
            "eu_member": False,
            "eu_joined": None,
            "eu_left": None,
        }
    ],
    "implementing_partners": ["CityNet", "Ramboll"],
    "milestones": [
        {
            "kind": "launch",
            "title": "Launch meeting in Seoul",
            "start_date": "2017-03-14",
            "end_date": None,
        }
    ],
    "description": "",
    "pairings": "https://worldcities.example.eu/api/v1/pairings/?edition=korea-2017-2018",
}


@extend_schema_view(
    list=extend_schema(
        summary=_("Editions"),
        description=_("Every edition of the programme, newest identifiers last."),
        examples=[OpenApiExample("An edition", value=EDITION_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary=_("One edition"),
        examples=[OpenApiExample("An edition", value=EDITION_EXAMPLE, response_only=True)],
    ),
)
class EditionResource(ReadOnlyResource):
    serializer_class = EditionSerializer
    lookup_field = "slug"
    ordering = "id"

    def get_queryset(self):
        return Edition.objects.prefetch_related(
            "partner_countries",
            "implementing_partners",
            Prefetch("milestones", queryset=Milestone.objects.order_by("order", "start_date")),
        )

    def shows(self):
        # The cycle moves ``edition:<pk>``; the edition admin moves ``pairings`` too.
        return ["pairings", "cities"]


class SideSerializer(serializers.Serializer):
    lead = CityLinkSerializer(help_text=_("The lead city of the side."))
    members = CityLinkSerializer(
        many=True, help_text=_("Further cities on the side (a cluster), besides the lead.")
    )


class PairingSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:pairing-detail", lookup_field="slug", help_text=_("This pairing in the API.")
    )
    id = serializers.IntegerField(read_only=True, help_text=_("Stable numeric identifier."))
    slug = serializers.SlugField(help_text=_("Stable identifier in addresses."))
    page = SitePageField(
        view_name="twinning:pairing_detail",
        lookup_field="slug",
        help_text=_("The pairing's page on the site."),
    )
    edition = serializers.HyperlinkedRelatedField(
        view_name="api:edition-detail",
        lookup_field="slug",
        read_only=True,
        help_text=_("The edition it belongs to."),
    )
    status = serializers.ChoiceField(
        choices=Pairing.Status.choices, help_text=_("Where the pairing is in its lifecycle.")
    )
    eu_side = serializers.SerializerMethodField(help_text=_("The EU side: lead and members."))
    partner_side = serializers.SerializerMethodField(
        help_text=_("The partner side: lead and members.")
    )
    thematic_areas = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="slug",
        help_text=_("The thematic areas it cooperates on (their slugs)."),
    )
    topics_note = serializers.CharField(
        allow_blank=True, help_text=_("The topics in the cities' own words.")
    )
    mou_signed_on = serializers.DateField(
        allow_null=True, help_text=_("When the memorandum of understanding was signed.")
    )

    class Meta:
        model = Pairing
        fields = [
            "url",
            "id",
            "slug",
            "page",
            "edition",
            "status",
            "eu_side",
            "partner_side",
            "thematic_areas",
            "topics_note",
            "mou_signed_on",
        ]
        list_serializer_class = LeanListSerializer

    def _side(self, pairing, side):
        lead = pairing.eu_lead if side == PairingMember.Side.EU else pairing.partner_lead
        members = [m.city for m in pairing.members.all() if m.side == side]
        return SideSerializer({"lead": lead, "members": members}, context=self.context).data

    @extend_schema_field(SideSerializer)
    def get_eu_side(self, pairing):
        return self._side(pairing, PairingMember.Side.EU)

    @extend_schema_field(SideSerializer)
    def get_partner_side(self, pairing):
        return self._side(pairing, PairingMember.Side.PARTNER)


class StatusChangeSerializer(serializers.ModelSerializer):
    from_status = serializers.ChoiceField(
        choices=[("", "—"), *Pairing.Status.choices],
        help_text=_("The status before (empty for the first)."),
    )
    to_status = serializers.ChoiceField(
        choices=Pairing.Status.choices, help_text=_("The status after.")
    )
    changed_at = serializers.DateTimeField(help_text=_("When it changed."))
    changed_by = serializers.SerializerMethodField(
        help_text=_("Who changed it (their name, never an e-mail address), or null.")
    )
    note = serializers.CharField(allow_blank=True, help_text=_("Why."))

    class Meta:
        model = PairingStatusChange
        fields = ["from_status", "to_status", "changed_at", "changed_by", "note"]

    def get_changed_by(self, change) -> str | None:
        return str(change.changed_by) if change.changed_by else None


class ActionSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=_("Stable numeric identifier."))
    title = serializers.CharField(help_text=_("The action."))
    description = serializers.CharField(allow_blank=True, help_text=_("What it is about."))
    owner_organisation = serializers.SlugRelatedField(
        slug_field="name",
        read_only=True,
        allow_null=True,
        help_text=_("The organisation that owns it, if any."),
    )
    owner = serializers.SerializerMethodField(
        help_text=_("The person who owns it (their name), or null.")
    )
    due_date = serializers.DateField(allow_null=True, help_text=_("When it is due."))
    status = serializers.ChoiceField(
        choices=Action.Status.choices, help_text=_("Planned, in progress, done or dropped.")
    )
    progress = serializers.IntegerField(
        min_value=0, max_value=100, help_text=_("Progress in per cent (0 to 100).")
    )
    updated_at = serializers.DateTimeField(help_text=_("When it last changed."))

    class Meta:
        model = Action
        fields = [
            "id",
            "title",
            "description",
            "owner_organisation",
            "owner",
            "due_date",
            "status",
            "progress",
            "updated_at",
        ]

    def get_owner(self, action) -> str | None:
        return str(action.owner_person) if action.owner_person else None


class PairingDetailSerializer(PairingSerializer):
    topics = serializers.SerializerMethodField(help_text=_("Its topics, each with its area."))
    objectives = serializers.CharField(allow_blank=True, help_text=_("What the cities aim for."))
    status_history = StatusChangeSerializer(
        source="status_changes", many=True, help_text=_("Every status change, newest first.")
    )
    action_plan = ActionSerializer(
        source="actions", many=True, help_text=_("The action plan, by due date.")
    )

    class Meta(PairingSerializer.Meta):
        fields = [
            *PairingSerializer.Meta.fields,
            "topics",
            "objectives",
            "status_history",
            "action_plan",
        ]

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "thematic_area": {"type": "string", "description": "The area's slug."},
                    "slug": {"type": "string", "description": "The topic's slug."},
                    "name": {"type": "string", "description": "The topic's name."},
                },
            },
        }
    )
    def get_topics(self, pairing):
        return [
            {"thematic_area": topic.area.slug, "slug": topic.slug, "name": topic.name}
            for topic in pairing.topics.all()
        ]


PAIRING_EXAMPLE = {
    "url": "https://worldcities.example.eu/api/v1/pairings/busan-barcelona/",
    "id": 3,
    "slug": "busan-barcelona",
    "page": "https://worldcities.example.eu/pairings/busan-barcelona/",
    "edition": "https://worldcities.example.eu/api/v1/editions/korea-2017-2018/",
    "status": "closed",
    "eu_side": {
        "lead": {
            "url": "https://worldcities.example.eu/api/v1/cities/barcelona/",
            "slug": "barcelona",
            "name": "Barcelona",
        },
        "members": [],
    },
    "partner_side": {
        "lead": {
            "url": "https://worldcities.example.eu/api/v1/cities/busan/",
            "slug": "busan",
            "name": "Busan",
        },
        "members": [],
    },
    "thematic_areas": ["urban-regeneration", "climate-change"],
    "topics_note": "cultural regeneration of idle industrial spaces, clean energy",
    "mou_signed_on": None,
}


def _members():
    return Prefetch(
        "members",
        queryset=PairingMember.objects.select_related("city").order_by("side", "city__name"),
    )


@extend_schema_view(
    list=extend_schema(
        summary=_("Pairings"),
        description=_(
            "Every pairing with its two sides. Filters as on the pairing list: q, edition, "
            "partner_country, thematic_area, status. A pairing's own resource adds its topics, "
            "status history and action plan."
        ),
        examples=[OpenApiExample("A pairing", value=PAIRING_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(summary=_("One pairing, with its status history and action plan")),
)
class PairingResource(ReadOnlyResource):
    filterset_class = described(
        PairingFilterSet,
        q=("string", _("Words to search for in the cities, topics, objectives and actions.")),
        edition=("string", _("An edition's slug.")),
        partner_country=("string", _("The partner lead city's country (ISO 3166 code).")),
        thematic_area=("string", _("A thematic area's slug.")),
        status=("string", _("proposed, selected, active, closed or withdrawn.")),
    )
    lookup_field = "slug"
    ordering = "id"

    def get_serializer_class(self):
        return PairingDetailSerializer if self.action == "retrieve" else PairingSerializer

    def get_queryset(self):
        qs = Pairing.objects.select_related("edition", "eu_lead", "partner_lead").prefetch_related(
            "thematic_areas", _members()
        )
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch("topics", queryset=Topic.objects.select_related("area")),
                Prefetch(
                    "status_changes",
                    queryset=PairingStatusChange.objects.select_related("changed_by").order_by(
                        "-changed_at", "-id"
                    ),
                ),
                Prefetch(
                    "actions",
                    queryset=Action.objects.select_related(
                        "owner_organisation", "owner_person"
                    ).order_by("due_date", "id"),
                ),
            )
        return qs

    def shows(self):
        if self.action == "retrieve":
            slug = self.kwargs.get(self.lookup_field, "")
            pk = Pairing.objects.filter(slug=slug).values_list("pk", flat=True).first()
            return [f"pairing:{pk}", "pairings", "cities", PEOPLE]
        # The list searched for words (``q``) reads the actions too.
        return ["pairings", "cities", "actions"]


RESOURCES = [
    ("editions", EditionResource, "edition"),
    ("pairings", PairingResource, "pairing"),
]
