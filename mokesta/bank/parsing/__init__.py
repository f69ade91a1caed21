"""Reading bank statement files into plain rows (one per transaction), one module per format;
the post office's payment file (postlt) is read the same way, its lines as a statement's rows.

The whole file is read and checked before anything is written: a file that is malformed, of
another format, too large or an XML bomb is refused with one StatementError whose message says
why and where (entry or line), and nothing is imported.
"""

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from mokesta.bank.models import StatementImport
from mokesta.bank.parsing import camt053, postlt, swedbank_csv
from mokesta.bank.parsing.common import ParsedStatement, Row, StatementError, account_id
from mokesta.utility.models import Utility

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
    post_lines: list[postlt.PostLine] = []
    if head.startswith(b"<"):
        rows = camt053.parse(data)
        format_ = StatementImport.Format.CAMT053
    elif filename.lower().endswith(".xml"):
        raise StatementError(_("The XML file is malformed (line %(line)s).") % {"line": 1})
    elif postlt.looks_like(data):
        rows, post_lines = postlt.parse(data)
        format_ = StatementImport.Format.POSTLT
    else:
        rows = swedbank_csv.parse(data)
        format_ = StatementImport.Format.SWEDBANK_CSV
    if not rows:
        raise StatementError(_("The statement has no entries."))
    check_account(rows, camt=format_ == StatementImport.Format.CAMT053)
    return ParsedStatement(format=format_, rows=rows, post_lines=post_lines)


def check_account(rows: list[Row], *, camt: bool) -> None:
    """Every transaction is of the utility's own account (its IBAN, read from the database now):
    another account's statement, uploaded by mistake, would book someone else's money as our
    customers' payments. Refused with the entry (camt) or line (CSV) and both IBANs named."""
    ours = account_id(Utility.fresh().iban)
    if not ours:
        raise StatementError(
            _(
                "The utility's bank account (IBAN) is not entered: enter it in the utility's "
                "details, then import the statements of that account."
            )
        )
    for row in rows:
        if row.account != ours:
            values = {"number": row.entry_number, "account": row.account[:34] or "—", "iban": ours}
            if camt:
                message = _(
                    "Entry %(number)s is of account %(account)s, not of the utility's account "
                    "%(iban)s: the statement of another account is not imported."
                )
            else:
                message = _(
                    "Row %(number)s is of account %(account)s, not of the utility's account "
                    "%(iban)s: the statement of another account is not imported."
                )
            raise StatementError(message % values)
