"""Atom feeds of newly published practices: all of them, one thematic area's, one city's, in
the reader's language (the practices' titles and summaries too, where they have a translation
into it). Each answers in a constant number of queries (the area or city, the entries, their
areas, their translations)."""

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from cities.models import City, ThematicArea

from .models import Practice
from .selectors import in_reader_language

ENTRIES = 30
PROGRAMME = "World Cities programme"


def newly_published():
    return (
        Practice.objects.published()
        .select_related("city__country")
        .only(
            "id",
            "slug",
            "title",
            "summary",
            "language",
            "published_at",
            "updated_at",
            "city__name",
            "city__country__name",
        )
        .prefetch_related(
            Prefetch("thematic_areas", queryset=ThematicArea.objects.only("id", "name"))
        )
        .order_by("-published_at", "-id")
    )


class PublishedPracticesFeed(Feed):
    feed_type = Atom1Feed
    author_name = PROGRAMME

    def title(self, obj=None):
        return _("World Cities Exchange: new good practices")

    def subtitle(self, obj=None):
        return _("Good practices of the programme's cities, as they are published.")

    def link(self, obj=None):
        return reverse("practices:list")

    def items(self, obj=None):
        return in_reader_language(list(newly_published()[:ENTRIES]))

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return escape(f"{item.city.name} ({item.city.country.name}). {item.summary}")

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.city.name

    def item_categories(self, item):
        return [area.name for area in item.thematic_areas.all()]


class AreaPracticesFeed(PublishedPracticesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(ThematicArea.objects.only("id", "slug", "name"), slug=slug)

    def title(self, obj):
        return _("World Cities Exchange: new good practices in %(area)s") % {"area": obj.name}

    def subtitle(self, obj):
        return _("Good practices of the thematic area %(area)s, as they are published.") % {
            "area": obj.name
        }

    def link(self, obj):
        return f"{reverse('practices:list')}?area={obj.slug}"

    def items(self, obj):
        return in_reader_language(
            list(newly_published().filter(area_ids__contains=[obj.pk])[:ENTRIES])
        )


class CityPracticesFeed(PublishedPracticesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(City.objects.only("id", "slug", "name"), slug=slug)

    def title(self, obj):
        return _("World Cities Exchange: new good practices of %(city)s") % {"city": obj.name}

    def subtitle(self, obj):
        return _("Good practices of %(city)s, as they are published.") % {"city": obj.name}

    def link(self, obj):
        return reverse("cities:detail", kwargs={"slug": obj.slug})

    def items(self, obj):
        return in_reader_language(list(newly_published().filter(city=obj)[:ENTRIES]))
