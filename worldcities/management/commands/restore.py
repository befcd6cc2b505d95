from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from worldcities.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder into a new database (on the default database's server) and a "
        "new media folder, after checking its checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="The backup folder `backup` wrote.")
        parser.add_argument(
            "--database", required=True, help="Name of the database to restore into."
        )
        parser.add_argument(
            "--media-root", required=True, type=Path, help="Folder to restore the uploads into."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that holds tables or a folder that holds files.",
        )

    def handle(self, *args, backup, database, media_root, force, **options):
        try:
            rows = backup_restore(
                folder=backup, database=database, media_root=media_root, force=force
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {sum(rows.values())} rows in {len(rows)} tables into {database!r} "
            f"and the uploads into {media_root}."
        )
