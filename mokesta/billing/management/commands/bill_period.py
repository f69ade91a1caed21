from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mokesta.billing.run import BillingError, bill_period
from mokesta.lib.dates import parse_month


class Command(BaseCommand):
    help = "Close a billing period and issue its invoices, e.g. `bill_period 2026-11`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="the month to bill, YYYY-MM")

    def handle(self, *args: object, **options: object) -> None:
        text = str(options["month"])
        try:
            month = parse_month(text)
        except ValueError as error:
            raise CommandError(
                f"Wrong month {text!r}: give it as YYYY-MM, e.g. 2026-11."
            ) from error
        verbosity = int(str(options["verbosity"]))

        def progress(done: int, issued: int) -> None:
            if verbosity > 1:
                self.stdout.write(f"{done} contracts processed, {issued} invoices issued")

        try:
            issued = bill_period(month=month, on_chunk=progress)
        except (BillingError, ValidationError) as error:
            message = error.messages[0] if isinstance(error, ValidationError) else str(error)
            raise CommandError(message) from error
        self.stdout.write(f"{month:%Y-%m}: {issued} invoices issued.")
