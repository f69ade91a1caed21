"""Lietuvos paštas's payment data file („Standartinė duomenų rinkmenos struktūra tekstiniu
formatu, 2 variantas", Annex 1 of the collection contract; see mokesta/bank/specs/postlt/):
the payments the post offices (and the tills that collect for the post) took for us on one
working day, one payment a line.

Text in Windows-1257, lines ending CR LF (a bare LF is read too), 24 fields a line separated by
TAB: post office code; payment date yyyy.mm.dd; recipient account (IBAN); payer code; extra
information; payer name; payer address; payment code; amount (a point before the cents); currency;
the number and the date (yyyy.mm.dd) of the transfer that carried the money to us; then six pairs
„Skaitiklis iki N" / „Skaitiklis nuo N": the reading the payer wrote for meter N now (to) and the
previous one (from), whole m³, empty when not written.

A file is checked whole before anything is written: a file in another encoding, a line of another
length, an amount with a comma or over the post's limit, an impossible date or another account
is refused with the line named (StatementError), and nothing of it is imported.
"""

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from mokesta.bank.parsing.common import (
    FIRST_DATE,
    LAST_DATE,
    Row,
    StatementError,
    account_id,
    occurrence_digest,
    parse_amount,
)

FIELDS = 24
METERS = 6  # reading pairs per line
# The post accepts no single payment above this (the collection contract, special part 4.3).
MAX_PAYMENT = Decimal("300.00")
# The contract's fee per payment, withheld from the day's transfer (special part 3.1).
FEE_PER_PAYMENT = Decimal("0.08")
ENCODING = "cp1257"
DATE = re.compile(r"[0-9]{4}\.[0-9]{2}\.[0-9]{2}")
POST_AMOUNT = re.compile(r"[0-9]{1,7}\.[0-9]{2}")  # Number(10), two decimals after a point
# What a line of this format starts with: a post office code, TAB, a date yyyy.mm.dd, TAB.
SIGNATURE = re.compile(rb"[^\t\r\n]{1,20}\t[0-9]{4}\.[0-9]{2}\.[0-9]{2}\t")
# The longest value each field may hold (the specification's „Maksimalus lauko ilgis"); the
# payment code is ours (invoice payment codes are up to 30 characters), not the spec's 6.
MAX_LENGTH = {0: 20, 2: 34, 3: 25, 4: 40, 5: 40, 6: 40, 7: 30, 9: 3, 10: 8}


@dataclass(frozen=True, slots=True)
class PostLine:
    """What a line carries beyond a statement's row: the transfer and the readings."""

    post_office: str
    payer_code: str
    payment_code: str
    transfer_number: str
    transfer_date: dt.date
    # (meter position 1–6, reading „to" as written, reading „from" as written); only the pairs
    # with something written.
    readings: tuple[tuple[int, str, str], ...]


def looks_like(data: bytes) -> bool:
    """Whether a file is meant to be a post office file: its first line starts as one does."""
    # A byte order mark or blank lines first still make it one (refused then with the reason).
    return SIGNATURE.match(data.removeprefix(b"\xef\xbb\xbf").lstrip(b"\r\n")) is not None


def line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def decode(data: bytes) -> str:
    """The file's text; refused, with the line, when it is not Windows-1257 (UTF-8 included: its
    Lithuanian letters would read as two wrong letters each, so a valid UTF-8 file with any
    non-ASCII letter is refused rather than guessed at)."""
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            first = next(i for i, byte in enumerate(data) if byte > 0x7F)
            raise StatementError(
                _(
                    "Line %(number)s: the file is in UTF-8, but the post office's file must be in "
                    "Windows-1257. Upload the file exactly as Lietuvos paštas sent it."
                )
                % {"number": line_of(data, first)}
            )
    try:
        return data.decode(ENCODING)
    except UnicodeDecodeError as error:
        raise StatementError(
            _(
                "Line %(number)s: a character that Windows-1257 does not have; the file is in "
                "another encoding. Upload the file exactly as Lietuvos paštas sent it."
            )
            % {"number": line_of(data, error.start)}
        ) from error


def parse_post_date(value: str, *, what: str) -> dt.date:
    date = None
    if DATE.fullmatch(value):
        try:
            date = dt.date(int(value[:4]), int(value[5:7]), int(value[8:]))
        except ValueError:  # 2025.13.01, 2025.02.30
            date = None
    if date is None or not FIRST_DATE <= date <= LAST_DATE:
        raise ValueError(
            _("the %(what)s %(value)s is not a date written yyyy.mm.dd")
            % {"what": what, "value": value[:20]}
        )
    return date


def parse_post_amount(value: str, currency: str) -> Decimal:
    if "," in value:
        raise ValueError(
            _("the amount %(amount)s is written with a comma; the file writes a point (12.50)")
            % {"amount": value[:20]}
        )
    if not POST_AMOUNT.fullmatch(value):
        raise ValueError(_("the amount %(amount)s is not written 0.00") % {"amount": value[:20]})
    amount = parse_amount(value, currency=currency)
    if amount > MAX_PAYMENT:
        raise ValueError(
            _("the amount %(amount)s € is over the post's limit of %(max)s € for one payment")
            % {"amount": value, "max": MAX_PAYMENT}
        )
    return amount


def parse(data: bytes) -> tuple[list[Row], list[PostLine]]:
    text = decode(data)
    rows: list[Row] = []
    lines: list[PostLine] = []
    seen: Counter[str] = Counter()
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue  # the empty end of the file
        fields = line.split("\t")
        if len(fields) != FIELDS:
            raise StatementError(
                _(
                    "Line %(number)s has %(count)s fields separated by TAB; a line of the post "
                    "office's file has %(fields)s."
                )
                % {"number": number, "count": len(fields), "fields": FIELDS}
            )
        try:
            row, post = read_line([field.strip() for field in fields], number=number, seen=seen)
        except ValueError as exc:
            raise StatementError(
                _("Line %(number)s: %(problem)s") % {"number": number, "problem": exc}
            ) from exc
        rows.append(row)
        lines.append(post)
    return rows, lines


def read_line(cells: list[str], *, number: int, seen: Counter[str]) -> tuple[Row, PostLine]:
    for index, limit in MAX_LENGTH.items():
        if len(cells[index]) > limit:
            raise ValueError(
                _("field %(field)s is longer than %(limit)s characters")
                % {"field": index + 1, "limit": limit}
            )
    for index, name in ((0, _("post office code")), (3, _("payer code")), (5, _("payer name"))):
        if not cells[index]:
            raise ValueError(_("the %(name)s is empty") % {"name": name})
    if not cells[10]:
        raise ValueError(_("the number of the transfer is empty"))
    paid_on = parse_post_date(cells[1], what=_("payment date"))
    amount = parse_post_amount(cells[8], cells[9])
    transfer_date = parse_post_date(cells[11], what=_("transfer date"))
    readings = tuple(
        (meter, cells[12 + 2 * (meter - 1)], cells[13 + 2 * (meter - 1)])
        for meter in range(1, METERS + 1)
        if cells[12 + 2 * (meter - 1)] or cells[13 + 2 * (meter - 1)]
    )
    payer_code, extra, payment_code = cells[3], cells[4], cells[7]
    row = Row(
        entry_number=number,
        position=1,
        # The post gives a line no identity of its own: the whole line is it (with how many
        # identical lines came before it in the file, for two equal payments on one day).
        reference="post:" + occurrence_digest(seen, *cells),
        amount=amount,
        booked_on=paid_on,
        credit=True,
        payer_name=cells[5],
        # What the matcher reads: the payment code first, then the payer code (bank.matching).
        remittance=" ".join(part for part in (payment_code, payer_code, extra) if part)[:500],
        account=account_id(cells[2]),
    )
    return row, PostLine(
        post_office=cells[0],
        payer_code=payer_code,
        payment_code=payment_code,
        transfer_number=cells[10],
        transfer_date=transfer_date,
        readings=readings,
    )
