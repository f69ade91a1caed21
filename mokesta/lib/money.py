"""Money and quantity rounding: the one place where amounts are rounded."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Every money column: up to 99,999,999,999.99.
MONEY: dict[str, Any] = {"max_digits": 13, "decimal_places": 2}
MONEY_LIMIT = Decimal("99999999999.99")
# The largest single amount that may enter (a bank statement's entry, a payment typed by staff):
# a hundredth of what a column holds, so the sums made of such amounts (a contract's balance,
# an invoice's amount due, a credit note) still fit in one.
MAX_SINGLE_AMOUNT = Decimal("999999999.99")


def round_money(value: Decimal | int | str) -> Decimal:
    """Round to euro cents, half up (0.005 -> 0.01). Floats are refused: they are not exact."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def round_m3(value: Decimal | int | str) -> int:
    """Round a volume to whole cubic metres: 500 l and more round up, less round down."""
    if isinstance(value, float):
        raise TypeError("volumes must not be floats")
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fits_money_column(value: Decimal) -> bool:
    """Whether a sum can be stored in a money column (MONEY) as it is."""
    return abs(value) <= MONEY_LIMIT


def only_ascii_digits(text: str) -> bool:
    """False when `text` holds a digit other than 0–9 (Arabic-Indic ١٢, fullwidth １２, …):
    Python's Decimal(), int() and the regular expression \\d read them all as numbers."""
    return all(char.isascii() for char in text if char.isdigit())
