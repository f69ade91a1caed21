"""Money and quantity rounding: the one place where amounts are rounded."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Every money column: up to 99,999,999,999.99 (a bank file's larger amounts are refused).
MONEY: dict[str, Any] = {"max_digits": 13, "decimal_places": 2}


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
