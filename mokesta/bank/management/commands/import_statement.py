from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mokesta.bank.booking import import_statement
from mokesta.bank.models import HeldReading, StatementImport
from mokesta.bank.parsing import StatementError


class Command(BaseCommand):
    help = (
        "Import a bank statement (camt.053 XML or Swedbank CSV) or the post office's payment "
        "file (Lietuvos paštas) and match its payments."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: object, **options: Path) -> None:
        path = options["file"]
        try:
            with path.open("rb") as f:
                data = f.read(settings.STATEMENT_MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        try:
            result = import_statement(data=data, filename=path.name)
        except StatementError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.summary)
        statement = result.statement
        if statement.format == StatementImport.Format.POSTLT:
            held = HeldReading.objects.filter(statement=statement).count()
            self.stdout.write(_("Readings waiting for a clerk: %(count)s") % {"count": held})
