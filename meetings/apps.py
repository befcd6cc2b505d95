from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Working meetings")

    def ready(self):
        from django.urls import reverse

        from cities.sections import register_city_section
        from twinning.links import register_action_link
        from twinning.sections import register_edition_section, register_pairing_section
        from twinning.timeline import register_timeline_source
        from worldcities import machine_translation

        from . import ical
        from .models import Meeting
        from .selectors import (
            list_shows,
            meetings_for_city,
            meetings_for_edition,
            meetings_for_links,
            meetings_for_pairing,
            meetings_visible,
        )
        from .services import MACHINE_KIND, meeting_translation_draft_store

        # eTranslation answers later: the drafts it sends are stored by the meetings' service.
        machine_translation.register(MACHINE_KIND, meeting_translation_draft_store)

        # Both sections show meetings as the list does (with their host city), so they are
        # kept under the same versions (the clock's among them: upcoming or past).
        register_city_section(
            "meetings",
            template="meetings/includes/city_meetings_section.html",
            context=lambda request, city: {"city_meetings": meetings_for_city(city, request.user)},
            order=20,
            cached_on=lambda request, city: (list_shows(f"city:{city.pk}"), []),
        )
        register_pairing_section(
            "meetings",
            template="meetings/includes/pairing_meetings.html",
            context=lambda request, pairing: {
                "pairing_meetings": meetings_for_pairing(pairing, request.user)
            },
            order=20,
            cached_on=lambda request, pairing: (list_shows(f"pairing:{pairing.pk}"), []),
        )
        # Not kept: it is one query, and the subscription links carry the reader's host.
        register_edition_section(
            "meetings",
            template="meetings/includes/edition_meetings.html",
            context=lambda request, edition: {
                "edition_meetings": meetings_for_edition(edition),
                "edition_feed": ical.subscription(
                    request, reverse("meetings:edition_ics", args=[edition.slug])
                ),
            },
            order=20,
        )
        # The meetings that serve a pairing, on its workspace's timeline.
        register_timeline_source(
            "meeting",
            entries=lambda pairing: Meeting.objects.filter(pairings=pairing),
            at="starts_at",
            load=lambda ids: meetings_visible(None).in_bulk(ids),
            template="meetings/includes/timeline_meeting.html",
        )
        register_action_link(
            "meetings",
            label=_("Decided at"),
            relation="meetings",
            queryset=meetings_for_links,
            order=10,
        )
