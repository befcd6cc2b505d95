from .models import ThematicArea


def thematic_areas_with_topics():
    return ThematicArea.objects.prefetch_related("topics")
