"""Consumption from readings. Pure functions over readings already fetched, so that pages and the
billing run can load every meter's readings in one query and compute here.

A reading of month M is the meter's value at the end of month M. Consumption of month M is that
value minus the meter's previous reading (or its initial reading when it has none).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Protocol

from mokesta.lib.dates import add_months, month_start


class ReadingLike(Protocol):
    period: dt.date
    value: int


def months_between(earlier: dt.date, later: dt.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def monthly_consumption(
    readings: Iterable[ReadingLike], initial_value: int
) -> list[tuple[dt.date, int]]:
    """[(month, m³)] for each reading, oldest first: each reading minus the one before it."""
    result = []
    previous = initial_value
    for reading in sorted(readings, key=lambda r: r.period):
        result.append((reading.period, reading.value - previous))
        previous = reading.value
    return result


def average_monthly(
    readings: Sequence[ReadingLike], *, initial_value: int, installed_on: dt.date, month: dt.date
) -> Decimal | None:
    """Average m³ per month over the 12 months before `month` (None without a reading to go on).

    Uses the last reading before `month` and the reading 12 months before that one (or the
    meter's initial reading at installation, when the meter is younger than that)."""
    before = sorted((r for r in readings if r.period < month), key=lambda r: r.period)
    if not before:
        return None
    last = before[-1]
    window_start = add_months(last.period, -12)
    bases = [r for r in before if r.period <= window_start]
    if bases:
        base_value, base_month = bases[-1].value, bases[-1].period
    else:
        # The initial reading is the value at installation, i.e. before that month's use.
        base_value, base_month = initial_value, add_months(month_start(installed_on), -1)
    months = months_between(base_month, last.period)
    if months <= 0:
        return None
    return Decimal(last.value - base_value) / months
