import codecs
import shutil
import tempfile

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mokesta.billing.isaf import IsafError, validate_isaf, write_isaf
from mokesta.lib.dates import parse_month


class Command(BaseCommand):
    help = (
        "Write the i.SAF register (VMI XML, DataType S) of the invoices and credit notes issued "
        "in a month, e.g. `isaf_export 2026-11 -o isaf-2026-11.xml`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="the VAT period (month of issue), YYYY-MM")
        parser.add_argument(
            "-o", "--output", help="file to write (default: standard output)", default=None
        )

    def handle(self, *args: object, **options: object) -> None:
        text = str(options["month"])
        try:
            month = parse_month(text)
        except ValueError as error:
            raise CommandError(
                f"Wrong month {text!r}: give it as YYYY-MM, e.g. 2026-11."
            ) from error
        # Written and checked against the XSD in a temporary file first: a file that fails
        # the check never reaches the output.
        with tempfile.TemporaryFile() as draft:
            try:
                count = write_isaf(draft, month=month)
                draft.seek(0)
                validate_isaf(draft)
            except IsafError as error:
                raise CommandError(str(error)) from error
            draft.seek(0)
            output = options["output"]
            if output:
                with open(str(output), "wb") as out:
                    shutil.copyfileobj(draft, out)
                self.stderr.write(f"{month:%Y-%m}: {count} documents written to {output}.")
            else:
                reader = codecs.getreader("utf-8")(draft)
                while chunk := reader.read(1 << 20):
                    self.stdout.write(chunk, ending="")
