import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction

from worldcities import versions

# In dependency order: each app's ``seed.load()`` may use what the previous ones loaded.
SEED_APPS = ["cities", "twinning", "practices", "meetings"]


class Command(BaseCommand):
    help = "Loads the World Cities programme's facts (editions, cities, pairings, …). Idempotent."

    def handle(self, *args, **options):
        with transaction.atomic():
            for app in SEED_APPS:
                if importlib.util.find_spec(f"{app}.seed") is None:
                    continue
                counts = importlib.import_module(f"{app}.seed").load()
                summary = ", ".join(f"{count} {name}" for name, count in counts.items())
                self.stdout.write(f"{app}: {summary}")
            # The seeds write past the services: nothing cached before stays valid.
            versions.everything_changed()
        self.stdout.write(self.style.SUCCESS("World Cities programme data loaded."))
