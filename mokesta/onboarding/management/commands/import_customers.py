import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from mokesta.onboarding.importing import default_balance_date, import_file


class Command(BaseCommand):
    help = (
        "Import customers, contracts, meters, readings and opening balances (or a reading "
        "history) from a CSV or XLSX file; --dry-run checks it and writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row, report, write nothing"
        )
        parser.add_argument(
            "--invite",
            action="store_true",
            help="e-mail each new customer how to register and link the contract (once)",
        )
        parser.add_argument(
            "--balance-date",
            type=dt.date.fromisoformat,
            default=None,
            help="the date of the opening balances (default: last day of the previous month)",
        )

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        with translation.override("lt"):
            result = import_file(
                data=data,
                dry_run=bool(options["dry_run"]),
                invite=bool(options["invite"]),
                balance_date=options["balance_date"] or default_balance_date(),  # type: ignore[arg-type]
            )
            for problem in result.problems:
                self.stderr.write(str(problem))
            if result.problem_count > len(result.problems):
                self.stderr.write(f"… +{result.problem_count - len(result.problems)}")
            summary = result.summary()
        if not result.ok:
            raise CommandError(summary)
        self.stdout.write(summary)
