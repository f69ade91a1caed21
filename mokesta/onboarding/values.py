"""One cell's value checked as the back office checks it, or a Problem with the Lithuanian
reason. Cells come as text (CSV) or as what Excel stored (numbers, dates)."""

import datetime as dt
import functools
import re
from decimal import Decimal, InvalidOperation

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mokesta.accounts.identity import check_email
from mokesta.customers.models import validate_company_code, validate_vat_code
from mokesta.lib.money import round_money
from mokesta.onboarding.files import Cell

# Dates older than this are typing mistakes (a year 0202), not a utility's records.
EARLIEST = dt.date(1950, 1, 1)
MAX_MONEY = Decimal("99999999999.99")
CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z./\-]*")  # contract numbers, payer codes, serials


class Invalid(Exception):
    """The cell's value is wrong; str() is the Lithuanian reason."""


def text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    return str(cell).strip()


def code(cell: Cell, *, max_length: int) -> str:
    """A contract number, payer code or meter serial. A number Excel stored keeps its digits
    (leading zeros cannot be told: keep such columns as text, see README)."""
    value = text(cell)
    if isinstance(cell, float) and not cell.is_integer():
        raise Invalid(_("Excel stored this code as a fraction; format the column as text."))
    if len(value) > max_length:
        raise Invalid(_("At most %(max)s characters.") % {"max": max_length})
    if not CODE.fullmatch(value):
        raise Invalid(_("Only letters, digits and . / - are allowed."))
    return value


def company_code(cell: Cell) -> str:
    value = text(cell)
    if isinstance(cell, int | float) and len(value) < 9:
        raise Invalid(
            _(
                "Excel turned the code into a number and dropped its leading zeros (%(value)s): "
                "format the column as text and type the code again."
            )
            % {"value": value}
        )
    try:
        validate_company_code(value)
    except ValidationError as exc:
        raise Invalid(exc.messages[0]) from exc
    return value


def vat_code(cell: Cell) -> str:
    value = text(cell).upper().replace(" ", "")
    try:
        validate_vat_code(value)
    except ValidationError as exc:
        raise Invalid(exc.messages[0]) from exc
    return value


def email(cell: Cell) -> str:
    checked = _email(text(cell), get_language())
    if isinstance(checked, Invalid):
        raise checked
    return checked


@functools.lru_cache(maxsize=8192)
def _email(value: str, language: str | None) -> str | Invalid:
    """check_email is the costliest check (look-alike letters); a payer's rows and the write
    pass repeat it."""
    try:
        return check_email(value)
    except ValidationError as exc:
        return Invalid(exc.messages[0])


def phone(cell: Cell) -> str:
    """E.164. A number Excel stored drops the „+“ of „+370…“: 370 and 8 more digits can only
    be a Lithuanian number, so the „+“ is restored."""
    value = text(cell).replace(" ", "")
    if isinstance(cell, int | float) and re.fullmatch(r"370[0-9]{8}", value):
        value = "+" + value
    checked = _phone(value, get_language())
    if isinstance(checked, Invalid):
        raise checked
    return checked


@functools.lru_cache(maxsize=8192)
def _phone(value: str, language: str | None) -> str | Invalid:
    # `language`: the message is cached in the language it was made in.
    try:
        number = phonenumbers.parse(value, "LT")
    except phonenumbers.NumberParseException:
        return Invalid(_("Enter a valid phone number, e.g. +37061234567."))
    if not phonenumbers.is_valid_number(number):
        return Invalid(_("Enter a valid phone number, e.g. +37061234567."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def date(cell: Cell, *, latest: dt.date) -> dt.date:
    """YYYY-MM-DD (also 2024.01.15 and 2024/01/15, as Lithuanian Excel may write), or a date
    Excel stored; from 1950 to `latest`."""
    if isinstance(cell, dt.datetime):
        value = cell.date()
    elif isinstance(cell, dt.date):
        value = cell
    else:
        raw = text(cell)
        match = re.fullmatch(r"([0-9]{4})[-./]([0-9]{1,2})[-./]([0-9]{1,2})\.?", raw)
        if not match:
            raise Invalid(_("A date is written YYYY-MM-DD, e.g. 2024-01-31."))
        try:
            value = dt.date(*(int(part) for part in match.groups()))
        except ValueError as exc:
            raise Invalid(_("There is no such date.")) from exc
    if not EARLIEST <= value <= latest:
        raise Invalid(
            _("The date must be between %(first)s and %(last)s.")
            % {"first": EARLIEST.isoformat(), "last": latest.isoformat()}
        )
    return value


def month(cell: Cell, *, today: dt.date) -> dt.date:
    """YYYY-MM (or a date Excel stored: its month), not later than this month."""
    if isinstance(cell, dt.date):
        value = (cell.date() if isinstance(cell, dt.datetime) else cell).replace(day=1)
    else:
        match = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", text(cell))
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise Invalid(_("A month is written YYYY-MM, e.g. 2025-11."))
        value = dt.date(int(match.group(1)), int(match.group(2)), 1)
    if not EARLIEST <= value <= today:
        raise Invalid(
            _("The month must be between %(first)s and this month.") % {"first": "1950-01"}
        )
    return value


def whole(cell: Cell, *, low: int, high: int) -> int:
    raw = text(cell)
    if isinstance(cell, float) and not cell.is_integer() or not re.fullmatch(r"[0-9]+", raw):
        raise Invalid(_("A whole number is expected."))
    value = int(raw)
    if not low <= value <= high:
        raise Invalid(
            _("The number must be from %(low)s to %(high)s.") % {"low": low, "high": high}
        )
    return value


def money(cell: Cell) -> Decimal:
    """Euros with at most two decimals; a comma or a point, a minus for an overpayment."""
    if isinstance(cell, int | float):
        raw = repr(cell)
    else:
        raw = text(cell).replace("\u2212", "-").replace(" ", "").replace("\xa0", "")
        raw = raw.replace(",", ".")
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", raw):
        raise Invalid(_("An amount is written like 125,40 or -12,00 (an overpayment)."))
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:  # pragma: no cover - the pattern guards it
        raise Invalid(_("An amount is written like 125,40 or -12,00 (an overpayment).")) from exc
    if value != value.quantize(Decimal("0.01")) if abs(value) < MAX_MONEY else True:
        raise Invalid(_("At most two decimals and 99,999,999,999.99 €."))
    return round_money(value)


def flag(cell: Cell) -> bool:
    raw = text(cell).lower()
    if raw in ("0", "ne", ""):
        return False
    if raw in ("1", "taip"):
        return True
    raise Invalid(_("Write 1 (estimated) or 0 (an actual reading)."))
