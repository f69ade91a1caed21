import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from mokesta.metering.consumption import average_monthly, monthly_consumption


@dataclass
class R:
    period: dt.date
    value: int


def d(month: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, 1)


def test_monthly_consumption_subtracts_the_previous_reading() -> None:
    readings = [R(d(2), 112), R(d(1), 105)]
    assert monthly_consumption(readings, 100) == [(d(1), 5), (d(2), 7)]


def test_average_over_the_last_twelve_months() -> None:
    # 2025-01 .. 2026-01 monthly readings, 4 m³ a month, then 2026-02 costs 40.
    readings = [R(d(m, 2025), 100 + 4 * m) for m in range(1, 13)] + [R(d(1), 152)]
    avg = average_monthly(readings, initial_value=0, installed_on=dt.date(2020, 1, 1), month=d(2))
    assert avg == Decimal(4)


def test_average_of_a_young_meter_counts_from_installation() -> None:
    readings = [R(d(3), 9), R(d(4), 12)]  # installed in March at 0: 9 in March, 3 in April
    avg = average_monthly(readings, initial_value=0, installed_on=dt.date(2026, 3, 15), month=d(5))
    assert avg == Decimal(6)


def test_no_reading_before_the_month_gives_none() -> None:
    avg = average_monthly([R(d(5), 9)], initial_value=0, installed_on=d(1), month=d(5))
    assert avg is None
