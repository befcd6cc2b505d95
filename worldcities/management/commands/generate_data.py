"""``manage.py generate_data --scale N [--seed S]``: synthetic data at scale (see
``worldcities.datagen``)."""

import time

from django.core.management.base import BaseCommand, CommandError

from worldcities import datagen, versions


class Command(BaseCommand):
    help = (
        "Writes generated cities, pairings, practices and meetings in bulk. Scale 1 is about "
        "100,000 practices and 200,000 registrations; use a fraction (e.g. 0.01) for a quick set."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, scale, seed, **options):
        if scale <= 0:
            raise CommandError("--scale must be positive.")
        if datagen.already_generated():
            raise CommandError("This database already holds generated data; use an empty one.")
        started = time.monotonic()
        counts = datagen.generate(scale=scale, seed=seed, log=self.stdout.write)
        datagen.analyze()
        versions.everything_changed()  # written past the services
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{name} {n}" for name, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Generated in {elapsed:.1f} s: {summary}."))
