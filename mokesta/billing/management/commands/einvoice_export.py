import os
import shutil
import tempfile

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mokesta.billing.einvoice import EInvoiceError, validate_einvoice, write_einvoice
from mokesta.lib.dates import local_today, parse_month


class Command(BaseCommand):
    help = (
        "Write the banks' e-invoice file (E_Invoice XML, standard 1.2) of a billing month for the "
        "contracts that receive e-invoices, e.g. `einvoice_export 2026-11 --output e-2026-11.xml`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="the billing month, YYYY-MM")
        parser.add_argument("-o", "--output", required=True, help="the file to write")

    def handle(self, *args: object, **options: object) -> None:
        text, output = str(options["month"]), str(options["output"])
        try:
            month = parse_month(text)
        except ValueError as error:
            raise CommandError(
                f"Wrong month {text!r}: give it as YYYY-MM, e.g. 2026-11."
            ) from error
        # Written and checked against the XSD in a temporary file first: nothing reaches the
        # output unless the whole file is right.
        with tempfile.TemporaryFile() as draft:
            try:
                count = write_einvoice(draft, month=month, today=local_today())
                draft.seek(0)
                validate_einvoice(draft)
            except EInvoiceError as error:
                raise CommandError(str(error)) from error
            draft.seek(0)
            partial = f"{output}.part"
            with open(partial, "wb") as out:
                shutil.copyfileobj(draft, out)
            os.replace(partial, output)
        self.stderr.write(f"{month:%Y-%m}: {count} e-invoices written to {output}.")
