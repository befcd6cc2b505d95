"""The Atom feed of the programme's upcoming public meetings, in a constant number of queries:
what the public calendar shows of them (no venue, no link), times in the host city's zone."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from .models import Meeting
from .selectors import in_reader_language

ENTRIES = 50


class UpcomingMeetingsFeed(Feed):
    feed_type = Atom1Feed
    author_name = "World Cities programme"

    def title(self):
        return _("World Cities Exchange: upcoming meetings")

    def subtitle(self):
        return _("The programme's public meetings that have not ended yet, soonest first.")

    def link(self):
        return reverse("meetings:list")

    def items(self):
        # The feed speaks the reader's language: so do the meetings' titles and descriptions
        # where they have a translation into it.
        return in_reader_language(
            list(
                Meeting.objects.filter(is_public=True, ends_at__gte=timezone.now())
                .exclude(status=Meeting.Status.CANCELLED)
                .select_related("host_city__country")
                .only(
                    "id",
                    "title",
                    "language",
                    "kind",
                    "starts_at",
                    "ends_at",
                    "description",
                    "created_at",
                    "updated_at",
                    "host_city__name",
                    "host_city__time_zone",
                    "host_city__country__name",
                )
                .order_by("starts_at", "id")[:ENTRIES]
            )
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        when = _("%(start)s to %(end)s (%(zone)s)") % {
            "start": date_format(item.local_starts_at, "DATETIME_FORMAT"),
            "end": date_format(item.local_ends_at, "DATETIME_FORMAT"),
            "zone": item.time_zone,
        }
        place = f"{item.host_city.name} ({item.host_city.country.name})"
        return escape(" · ".join(part for part in (when, place, item.description) if part))

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.get_kind_display()]
