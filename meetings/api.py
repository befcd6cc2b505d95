"""The meetings app's part of the read API: every meeting's public summary (as on the meeting
list, open to all), the agenda where the reader may see it (``meetings.view_agenda``: everyone
for a public meeting), and the reader's own registrations."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, viewsets

from cities.api import CityLinkSerializer
from worldcities.api.conditional import ConditionalGetMixin
from worldcities.api.filtering import described
from worldcities.api.lean import LeanListSerializer, SitePageField
from worldcities.api.views import ReadOnlyResource

from .filters import MeetingFilter
from .models import AgendaItem, Meeting, Registration
from .selectors import LIST_SHOWS, agenda_for, meetings_visible, page_shows

MeetingApiFilter = described(
    MeetingFilter,
    q=("string", _("Words to search for in the title, host city, venue and description.")),
    edition=("integer", _("An edition's id.")),
    kind=("string", _("The kind: launch, working, follow_up, closing, online, other.")),
    host_city=("string", _("Part of the host city's name.")),
    country=("integer", _("The id of the host city's country.")),
    thematic_area=("integer", _("A thematic area's id: meetings serving it or on the agenda.")),
)


class MeetingSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:meeting-detail", lookup_field="slug", help_text=_("This meeting in the API.")
    )
    id = serializers.IntegerField(read_only=True, help_text=_("Stable numeric identifier."))
    slug = serializers.SlugField(help_text=_("Stable identifier in addresses."))
    page = SitePageField(
        view_name="meetings:detail",
        lookup_field="pk",
        help_text=_("The meeting's page on the site."),
    )
    title = serializers.CharField(help_text=_("The meeting's title."))
    kind = serializers.ChoiceField(
        choices=Meeting.Kind.choices, help_text=_("Launch, working, follow-up, closing, …")
    )
    status = serializers.ChoiceField(
        choices=Meeting.Status.choices,
        help_text=_("Planned, confirmed, held, evaluated or cancelled."),
    )
    is_public = serializers.BooleanField(
        help_text=_("A public meeting: its agenda is open to everyone.")
    )
    edition = serializers.HyperlinkedRelatedField(
        view_name="api:edition-detail",
        lookup_field="slug",
        read_only=True,
        help_text=_("The edition it belongs to."),
    )
    host_city = CityLinkSerializer(help_text=_("The city that hosts it."))
    time_zone = serializers.CharField(
        help_text=_("The host city's time zone (IANA), in which the meeting is planned.")
    )
    starts_at = serializers.DateTimeField(help_text=_("When it starts (ISO 8601, with offset)."))
    ends_at = serializers.DateTimeField(help_text=_("When it ends (ISO 8601, with offset)."))
    local_starts_at = serializers.DateTimeField(
        help_text=_("The start in the host city's time zone.")
    )
    local_ends_at = serializers.DateTimeField(help_text=_("The end in the host city's time zone."))

    class Meta:
        model = Meeting
        fields = [
            "url",
            "id",
            "slug",
            "page",
            "title",
            "kind",
            "status",
            "is_public",
            "edition",
            "host_city",
            "time_zone",
            "starts_at",
            "ends_at",
            "local_starts_at",
            "local_ends_at",
        ]
        list_serializer_class = LeanListSerializer


class AgendaItemSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(
        choices=AgendaItem.Kind.choices, help_text=_("Session, workshop, field visit, …")
    )
    title = serializers.CharField(help_text=_("The item's title."))
    starts_at = serializers.DateTimeField(help_text=_("When it starts."))
    ends_at = serializers.DateTimeField(help_text=_("When it ends."))
    place = serializers.CharField(allow_blank=True, help_text=_("Where."))
    thematic_area = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text=_("Its thematic area.")
    )
    speakers = serializers.CharField(allow_blank=True, help_text=_("Who speaks."))
    organisations = serializers.SlugRelatedField(
        many=True, slug_field="name", read_only=True, help_text=_("Organisations taking part.")
    )
    description = serializers.CharField(allow_blank=True, help_text=_("About the item."))

    class Meta:
        model = AgendaItem
        fields = [
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "thematic_area",
            "speakers",
            "organisations",
            "description",
        ]


class MeetingDetailSerializer(MeetingSerializer):
    description = serializers.CharField(allow_blank=True, help_text=_("The public description."))
    pairings = serializers.HyperlinkedRelatedField(
        many=True,
        view_name="api:pairing-detail",
        lookup_field="slug",
        read_only=True,
        help_text=_("The pairings the meeting serves."),
    )
    agenda = serializers.SerializerMethodField(
        help_text=_(
            "The agenda, for a public meeting or a reader who may see it (its delegates, "
            "coordinators); otherwise null."
        )
    )

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "description", "pairings", "agenda"]

    @extend_schema_field(AgendaItemSerializer(many=True, allow_null=True))
    def get_agenda(self, meeting):
        user = self.context["request"].user
        if not user.has_perm("meetings.view_agenda", meeting):
            return None
        return AgendaItemSerializer(agenda_for(meeting), many=True, context=self.context).data


MEETING_EXAMPLE = {
    "url": "https://worldcities.example.eu/api/v1/meetings/closing-meeting-busan/",
    "id": 7,
    "slug": "closing-meeting-busan",
    "page": "https://worldcities.example.eu/meetings/7/",
    "title": "Closing meeting",
    "kind": "closing",
    "status": "held",
    "is_public": True,
    "edition": "https://worldcities.example.eu/api/v1/editions/korea-2017-2018/",
    "host_city": {
        "url": "https://worldcities.example.eu/api/v1/cities/busan/",
        "slug": "busan",
        "name": "Busan",
    },
    "time_zone": "Asia/Seoul",
    "starts_at": "2018-04-19T00:00:00Z",
    "ends_at": "2018-04-21T09:00:00Z",
    "local_starts_at": "2018-04-19T09:00:00+09:00",
    "local_ends_at": "2018-04-21T18:00:00+09:00",
}


@extend_schema_view(
    list=extend_schema(
        summary=_("Meetings"),
        description=_(
            "Every meeting's public summary, in order of start. Filters as on the meeting "
            "list: q, edition (id), kind, host_city (part of a name), country (id), "
            "thematic_area (id)."
        ),
        examples=[OpenApiExample("A meeting", value=MEETING_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(summary=_("One meeting, with its agenda where the reader may see it")),
)
class MeetingResource(ReadOnlyResource):
    filterset_class = MeetingApiFilter
    lookup_field = "slug"
    ordering = "starts_at"

    def get_serializer_class(self):
        return MeetingDetailSerializer if self.action == "retrieve" else MeetingSerializer

    def get_queryset(self):
        qs = meetings_visible(self.request.user).defer("search_document", "minutes_html")
        if self.action == "retrieve":
            qs = qs.prefetch_related("pairings")
        return qs

    def shows(self):
        if self.action == "retrieve":
            row = (
                Meeting.objects.filter(slug=self.kwargs.get(self.lookup_field, ""))
                .only("pk", "host_city_id")
                .first()
            )
            return page_shows(row) if row is not None else None
        return list(LIST_SHOWS)


class RegistrationSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=_("Stable numeric identifier."))
    meeting = MeetingSerializer(help_text=_("The meeting."))
    status = serializers.ChoiceField(
        choices=Registration.Status.choices,
        help_text=_("Invited, registered, confirmed, waitlisted, cancelled or declined."),
    )
    delegation = CityLinkSerializer(
        source="city", allow_null=True, help_text=_("The city whose delegation it counts in.")
    )
    attended = serializers.BooleanField(allow_null=True, help_text=_("Whether you attended."))
    created_at = serializers.DateTimeField(help_text=_("When it was made."))
    updated_at = serializers.DateTimeField(help_text=_("When it last changed."))

    class Meta:
        model = Registration
        fields = ["id", "meeting", "status", "delegation", "attended", "created_at", "updated_at"]
        list_serializer_class = LeanListSerializer


@extend_schema_view(
    list=extend_schema(
        summary=_("Your registrations"),
        description=_(
            "The meetings you are on the list of, with your registration's status. Needs a "
            "token (or a session): anonymous requests get 401."
        ),
    )
)
class MyRegistrationsResource(ConditionalGetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = RegistrationSerializer
    permission_classes = [permissions.IsAuthenticated]
    ordering = "id"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Registration.objects.none()
        return (
            Registration.objects.filter(person=self.request.user)
            .select_related(
                "city",
                "meeting__edition",
                "meeting__host_city",
            )
            .defer("meeting__search_document", "meeting__minutes_html")
        )


RESOURCES = [
    ("meetings", MeetingResource, "meeting"),
    ("me/registrations", MyRegistrationsResource, "my-registration"),
]
