"""Reading bank statement files into plain rows (one per transaction), one module per format.

The whole file is read and checked before anything is written: a file that is malformed, of
another format, too large or an XML bomb is refused with one StatementError whose message says
why and where (entry or line), and nothing is imported.
"""

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from mokesta.bank.parsing import camt053, swedbank_csv
from mokesta.bank.parsing.common import ParsedStatement, Row, StatementError
from mokesta.payments.models import StatementImport

__all__ = ["ParsedStatement", "Row", "StatementError", "parse_statement"]


def parse_statement(*, data: bytes, filename: str) -> ParsedStatement:
    """The rows of a statement file, or StatementError for anything we will not import."""
    limit = settings.STATEMENT_MAX_BYTES
    if len(data) > limit:
        raise StatementError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(limit)}
        )
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise StatementError(_("The file is empty."))
    if head.startswith(b"<"):
        rows = camt053.parse(data)
        format_ = StatementImport.Format.CAMT053
    elif filename.lower().endswith(".xml"):
        raise StatementError(_("The XML file is malformed (line %(line)s).") % {"line": 1})
    else:
        rows = swedbank_csv.parse(data)
        format_ = StatementImport.Format.SWEDBANK_CSV
    if not rows:
        raise StatementError(_("The statement has no entries."))
    return ParsedStatement(format=format_, rows=rows)
