"""Swedbank LT CSV statement: account; line type; date; payer/payee; details; amount; currency;
D/K; entry no.; code; payment code [įmokos kodas]; document no. (later columns are optional).

Only lines of type 20 are transactions (10, 82 and 86 are balances and turnover); every one of
them is booked. The bank gives no unique reference (the entry number repeats across a day's
entries), so a transaction's identity is a hash of its whole line.
"""

import csv
import io
import string
from collections import Counter

from django.utils.translation import gettext as _

from mokesta.bank.parsing.common import (
    Row,
    StatementError,
    account_id,
    occurrence_digest,
    parse_amount,
    parse_date,
)

COLUMNS = 11
TRANSACTION = "20"
OTHER_LINES = {"10", "82", "86"}  # opening balance, turnover, closing balance
# Trailing "/ / /" separators of empty structured fields (stripped without a regular expression:
# a long run of spaces would make one backtrack for minutes).
PADDING = string.whitespace + "/"


def wrong_format() -> StatementError:
    return StatementError(
        _(
            "This is not a bank statement: upload an ISO 20022 camt.053 XML file "
            "or a Swedbank CSV statement."
        )
    )


def parse(data: bytes) -> list[Row]:
    if b"\x00" in data or data.startswith(b"%PDF"):
        raise wrong_format()
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Swedbank's own exports are ISO-8859-13 (Baltic) unless UTF-8 is chosen.
        content = data.decode("iso8859_13")
    lines = content.lstrip().splitlines()
    first_line = lines[0] if lines else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    rows: list[Row] = []
    seen: Counter[str] = Counter()
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter, strict=True)
    first = True
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # A field over csv.field_size_limit() (131,072 characters), a stray quote, …
            raise StatementError(
                _(
                    "Line %(number)s cannot be read as a CSV line (a broken quote or a field "
                    "longer than %(limit)s characters)."
                )
                % {"number": reader.line_num, "limit": csv.field_size_limit()}
            ) from exc
        number = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        line_type = row[1].strip() if len(row) > 1 else ""
        if first and not line_type.isdigit() and len(row) >= COLUMNS:
            first = False
            continue  # the optional header row
        if len(row) < COLUMNS or line_type not in (OTHER_LINES | {TRANSACTION}):
            if first:
                raise wrong_format()
            raise StatementError(
                _("Row %(number)s does not match the Swedbank CSV statement layout.")
                % {"number": number}
            )
        first = False
        if line_type != TRANSACTION:
            continue
        try:
            rows.append(transaction(row, number=number, delimiter=delimiter, seen=seen))
        except ValueError as exc:
            raise StatementError(
                _("Row %(number)s: %(problem)s") % {"number": number, "problem": exc}
            ) from exc
    return rows


def transaction(row: list[str], *, number: int, delimiter: str, seen: Counter[str]) -> Row:
    cells = [cell.strip() for cell in row]
    debit_credit = cells[7].upper()
    if debit_credit not in ("D", "K"):
        raise ValueError(_("the D/K column must be D or K"))
    amount_text = cells[5].replace(" ", "")
    if delimiter == ";":  # with semicolons the decimal separator may be a comma
        amount_text = amount_text.replace(",", ".")
    amount = parse_amount(amount_text, currency=cells[6] or "EUR")
    booked_on = parse_date(cells[2])
    # "Name | code | BIC | IBAN": the payer's name comes first.
    payer = cells[3].split("|")[0].strip()
    # The bank pads the details with "/ / / /" separators of empty structured fields.
    details = cells[4].rstrip(PADDING).strip()
    payment_code = cells[10]
    remittance = " ".join(part for part in (details, payment_code) if part)
    return Row(
        entry_number=number,
        position=1,
        reference="swed:" + occurrence_digest(seen, *cells),
        amount=amount,
        booked_on=booked_on,
        credit=debit_credit == "K",
        payer_name=payer[:200],
        remittance=remittance[:500],
        account=account_id(cells[0]),
    )
