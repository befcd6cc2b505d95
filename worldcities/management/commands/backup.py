from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from worldcities.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump) and the uploaded files into one new folder with a "
        "manifest of rows and checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Folder the backup folder is written into (default: BACKUP_DIR).",
        )

    def handle(self, *args, output=None, **options):
        try:
            folder = backup_create(destination=output or Path(settings.BACKUP_DIR))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(folder.as_posix())
