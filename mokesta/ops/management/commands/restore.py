from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mokesta.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup folder into DATABASE_URL's database (created if missing, refused if "
        "it has tables) and PRIVATE_MEDIA_ROOT (refused if it holds files), then check "
        "everything against the backup's manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="a folder made by `backup`")
        parser.add_argument("--jobs", type=int, default=2, help="pg_restore's parallel jobs")

    def handle(self, *args: object, **options: object) -> None:
        folder, jobs = options["folder"], options["jobs"]
        assert isinstance(folder, Path) and isinstance(jobs, int)
        if jobs < 1:
            raise CommandError("--jobs must be 1 or more.")
        try:
            manifest = restore_backup(folder, jobs=jobs)
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = manifest["tables"]
        self.stdout.write(
            f"Restored {folder}: {len(tables)} tables, {sum(tables.values())} rows, "
            f"{manifest['pdfs']['count']} stored PDFs, {len(manifest['media'])} private files; "
            "all match the manifest."
        )
