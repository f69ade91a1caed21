from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mokesta.billing.peppol import checked_files, public_body_documents
from mokesta.lib.dates import parse_month


class Command(BaseCommand):
    help = (
        "Write the Peppol BIS Billing 3.0 e-invoices (UBL XML, one file per document, named by "
        "its number) of the invoices and credit notes issued in a month to public bodies "
        "(SABIS), e.g. `peppol_export 2026-11 --output sabis-2026-11`. Each file is checked "
        "against the UBL 2.1 XSD and the EN 16931 and Peppol rules; a refused one is not written "
        "and makes the command fail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="the month of issue, YYYY-MM")
        parser.add_argument("--output", required=True, help="directory to write the files into")

    def handle(self, *args: object, **options: object) -> None:
        text = str(options["month"])
        try:
            month = parse_month(text)
        except ValueError as error:
            raise CommandError(
                _("Wrong month %(month)r: give it as YYYY-MM, e.g. 2026-11.") % {"month": text}
            ) from error
        output = Path(str(options["output"]))
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(
                _("Cannot write into %(dir)s: %(error)s") % {"dir": output, "error": error}
            ) from error
        written, refused = 0, []
        for result in checked_files(public_body_documents(month).iterator(chunk_size=200)):
            if result.error is not None:
                refused.append(result.error)
                continue
            assert result.xml is not None
            try:
                (output / result.filename).write_bytes(result.xml)
            except OSError as error:
                raise CommandError(
                    _("Cannot write %(file)s: %(error)s")
                    % {"file": output / result.filename, "error": error}
                ) from error
            written += 1
        self.stderr.write(
            _("%(month)s: %(count)d e-invoices written to %(dir)s.")
            % {"month": f"{month:%Y-%m}", "count": written, "dir": output}
        )
        if refused:
            for refusal in refused:
                for problem in refusal.problems:
                    self.stderr.write(f"{refusal.number}: {problem}")
            raise CommandError(
                _(
                    "%(count)d documents were refused by the rules and not written; correct them "
                    "and run the export again."
                )
                % {"count": len(refused)}
            )
