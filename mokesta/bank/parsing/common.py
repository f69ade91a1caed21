"""What every statement format is read into, and the checks every format shares."""

import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.utils.translation import gettext as _

from mokesta.lib.money import MAX_SINGLE_AMOUNT, only_ascii_digits

# The largest amount one transaction may carry (a hundredth of a money column: a contract's
# balance, made of such amounts, must still fit in one).
MAX_AMOUNT = MAX_SINGLE_AMOUNT
# A plain decimal: the digits 0–9, at most one point and two decimals. No sign, exponent or
# grouping, and no other script's digits (\d and Decimal() would read ١٢ as 12).
PLAIN_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?")
# Booking dates a statement of ours can carry; 31.12.9999 or 1970 is a broken file, not a payment.
FIRST_DATE = dt.date(2000, 1, 1)
LAST_DATE = dt.date(2099, 12, 31)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DOTTED_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")
REFERENCE_LENGTH = 100  # BankTransaction.checksum / Payment.bank_reference
# What banks write where they have no reference: never an identity.
PLACEHOLDERS = {"", "NOTPROVIDED", "NOT PROVIDED", "NONREF", "NONE", "N/A", "NA", "UNKNOWN"}


class StatementError(Exception):
    """The file was refused; the message says why (and where), in the user's language."""


@dataclass(frozen=True, slots=True)
class Row:
    """One transaction of a statement, as plain data."""

    entry_number: int  # the entry (camt.053) or line (CSV) in the file, for messages and order
    position: int  # the transaction's number within its entry (1 unless a batch entry)
    reference: str  # its identity: see identity()
    amount: Decimal
    booked_on: dt.date | None  # None only for an entry the bank has not booked
    credit: bool
    payer_name: str
    remittance: str
    booked: bool = True  # False: pending (PDNG) or information (INFO); listed, never booked
    status: str = "BOOK"
    account: str = ""  # the statement's account (IBAN), spaces removed, upper case


@dataclass(frozen=True)
class ParsedStatement:
    format: str  # a StatementImport.Format value
    rows: list[Row]
    # The post office's file: what each row's line carries beyond a payment (postlt.PostLine:
    # the transfer, the readings), in the order of `rows`; empty for a bank statement.
    post_lines: list = field(default_factory=list)


def parse_amount(value: str, *, currency: str) -> Decimal:
    """A positive euro amount written as a plain decimal that fits the money columns."""
    if currency != "EUR":
        raise ValueError(_("only EUR is accepted, not %(currency)s") % {"currency": currency[:10]})
    if not PLAIN_AMOUNT.fullmatch(value):
        if not only_ascii_digits(value):
            raise ValueError(
                _("the amount %(amount)s is not written in the digits 0–9") % {"amount": value[:20]}
            )
        raise ValueError(_("the amount is missing or invalid"))
    amount = Decimal(value)
    if amount > MAX_AMOUNT:
        raise ValueError(
            _("the amount %(amount)s is too large (at most %(max)s)")
            % {"amount": value[:20] + ("…" if len(value) > 20 else ""), "max": MAX_AMOUNT}
        )
    if amount <= 0:
        raise ValueError(_("the amount is missing or invalid"))
    return amount


@lru_cache(maxsize=4096)  # a statement has few distinct dates and many entries
def parse_date(value: str) -> dt.date:
    date = None
    try:
        if ISO_DATE.fullmatch(value):
            date = dt.date.fromisoformat(value)  # fast; strptime is ten times slower
        elif DOTTED_DATE.fullmatch(value):
            date = dt.datetime.strptime(value, "%d.%m.%Y").date()  # noqa: DTZ007 - a plain date
    except ValueError:  # 2026-02-30
        date = None
    if date is None:
        raise ValueError(_("the booking date is missing or invalid"))
    if not FIRST_DATE <= date <= LAST_DATE:
        raise ValueError(
            _("the booking date %(date)s is out of range (%(first)s – %(last)s)")
            % {"date": value, "first": FIRST_DATE, "last": LAST_DATE}
        )
    return date


def account_id(value: str) -> str:
    """An IBAN as compared: without spaces, upper case (LT40 7300 … = lt407300…)."""
    return "".join(value.split()).upper()


def bank_reference(value: str) -> str:
    """The bank's own reference, or "" where it wrote a placeholder such as NOTPROVIDED."""
    value = value.strip()
    return "" if value.upper() in PLACEHOLDERS else value


def fit_reference(reference: str) -> str:
    # A longer reference is hashed, never cut: two references cut to one would lose a payment.
    if len(reference) <= REFERENCE_LENGTH:
        return reference
    return "sha:" + digest(reference)


def reused_reference(reference: str, amount: Decimal) -> str:
    """The identity of a transaction whose bank reference was already used for another amount:
    the reference with the amount. Re-importing the file gives the same identity again."""
    return fit_reference(f"{reference}~{amount}")


def digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def occurrence_digest(seen: Counter[str], *parts: str) -> str:
    """The identity of a transaction the bank gave no reference: a hash of the transaction and
    of how many identical ones came before it in the same file.

    A customer may pay the same amount twice on one day with the same text: two genuine payments
    that look alike, so the hash must tell them apart; yet importing the same file again must give
    the same identities. The first occurrence keeps the plain hash, so files imported before
    occurrences were counted are still recognised.
    """
    plain = digest(*parts)
    seen[plain] += 1
    if seen[plain] == 1:
        return plain
    return digest(*parts, f"occurrence {seen[plain]}")
