from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mokesta.ops.backup import BackupError, make_backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump -Fc), the private media and a manifest of counts and "
        "checksums into a new folder under DIR, e.g. `backup /var/backups/mokesta --keep 7`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", type=Path, help="folder the backup folder is made in")
        parser.add_argument(
            "--keep", type=int, default=0, help="keep only the newest N backups (0: keep all)"
        )

    def handle(self, *args: object, **options: object) -> None:
        keep = options["keep"]
        assert isinstance(keep, int)
        if keep < 0:
            raise CommandError("--keep must be 0 or more.")
        target = options["target"]
        assert isinstance(target, Path)
        try:
            backup = make_backup(target, keep=keep)
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = backup.manifest["tables"]
        self.stdout.write(
            f"{backup.folder}: {len(tables)} tables, {sum(tables.values())} rows, "
            f"{backup.manifest['pdfs']['count']} stored PDFs, "
            f"{len(backup.manifest['media'])} private files."
        )
