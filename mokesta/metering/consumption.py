"""Consumption from readings. Pure functions over readings already fetched, so that pages and the
billing run can load every meter's readings in one query and compute here.

A reading of month M is the meter's value at the end of month M. Consumption of month M is that
value minus the meter's previous reading (or its initial reading when it has none).
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol

from mokesta.lib.dates import add_months, month_start
from mokesta.metering.models import Reading

# The average covers the use of this many months before the billed month.
AVERAGE_MONTHS = 12


class ReadingLike(Protocol):
    @property
    def period(self) -> dt.date: ...
    @property
    def value(self) -> int: ...
    @property
    def source(self) -> str: ...


def months_between(earlier: dt.date, later: dt.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def initial_reading_month(installed_on: dt.date) -> dt.date:
    """The meter's initial reading is its value at installation, i.e. before that month's use:
    it counts as an actual reading of the month before (the calendar's first month for a meter
    stored as installed in it)."""
    if month_start(installed_on) == dt.date.min:
        return dt.date.min
    return add_months(month_start(installed_on), -1)


def average_window_start(month: dt.date) -> dt.date:
    """The earliest reading that bounds the use of the AVERAGE_MONTHS months before `month`:
    the reading of month M−13 is the value at the start of month M−12."""
    return add_months(month_start(month), -(AVERAGE_MONTHS + 1))


def average_monthly(
    readings: Iterable[ReadingLike], *, initial_value: int, installed_on: dt.date, month: dt.date
) -> Decimal:
    """A meter's average use in m³ per month before `month`, from its actual readings only
    (estimates are guesses made from this very average). The one rule for the billing run's
    estimates and the portal's unusual-reading warning:

    1. the actual readings from month M−13 to M−1 (the use of the last 12 months), when there
       are at least two: (last − first) / months between them;
    2. otherwise the two most recent actual readings before `month`, however far apart (a gap
       of vacancy or of migrated history is spread over the months it covers);
    3. otherwise 0.

    The initial reading counts as an actual reading of the month before installation (see
    initial_reading_month). `readings` must hold every actual reading of the window and, when
    the window has fewer than two, the two most recent actual ones before `month`."""
    month = month_start(month)
    by_month = {initial_reading_month(installed_on): initial_value}
    # A real reading of the same month wins over the initial value.
    for reading in readings:
        if reading.period < month and reading.source != Reading.Source.ESTIMATE:
            by_month[reading.period] = reading.value
    actual = sorted(by_month.items())
    window_start = average_window_start(month)
    in_window = [(period, value) for period, value in actual if period >= window_start]
    chosen = in_window if len(in_window) >= 2 else actual[-2:]
    if len(chosen) < 2:
        return Decimal(0)
    (first_month, first_value), (last_month, last_value) = chosen[0], chosen[-1]
    months = months_between(first_month, last_month)
    if months <= 0:
        return Decimal(0)
    return Decimal(last_value - first_value) / months
