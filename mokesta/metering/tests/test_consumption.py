"""average_monthly: the one average of the billing run's estimates and the portal's warning.
Plain data, no database."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from mokesta.lib.dates import add_months
from mokesta.metering.consumption import average_monthly

D = Decimal


@dataclass
class R:
    period: dt.date
    value: int
    source: str = "customer"


def m(text: str) -> dt.date:
    return dt.date.fromisoformat(f"{text}-01")


def monthly(first: str, values: list[int]) -> list[R]:
    """One reading a month from `first` on."""
    return [R(add_months(m(first), i), value) for i, value in enumerate(values)]


def average(readings: list[R], month: str, *, initial: int = 0, installed: str = "2015-01-01"):
    return average_monthly(
        readings,
        initial_value=initial,
        installed_on=dt.date.fromisoformat(installed),
        month=m(month),
    )


def test_average_over_the_last_twelve_months() -> None:
    # 2025-01 .. 2026-01: 4 m³ a month; the reading of 2025-01 opens the 12 months.
    readings = monthly("2024-06", [0] * 7) + monthly("2025-01", [100 + 4 * i for i in range(13)])
    assert average(readings, "2026-02") == D(4)


def test_readings_older_than_the_window_do_not_count_when_it_has_two() -> None:
    # 60 m³ a month long ago, 5 a month in the last year.
    readings = monthly("2020-01", [60 * i for i in range(24)]) + [
        R(m("2025-10"), 2000),
        R(m("2026-10"), 2060),
    ]
    assert average(readings, "2026-11") == D(5)


def test_a_gap_of_3_months_inside_the_window() -> None:
    # 2025-10 … 2026-10 at 5 m³ a month, no readings for 2026-04 … 2026-06.
    readings = [
        r
        for r in monthly("2025-10", [100 + 5 * i for i in range(13)])
        if not m("2026-04") <= r.period <= m("2026-06")
    ]
    assert len(readings) == 10
    assert average(readings, "2026-11") == D(5)  # (160 − 100) / 12


def test_a_gap_of_14_months_uses_the_two_latest_actual_readings() -> None:
    # 30 m³ a month until 2025-08, then nothing until 2026-10: one reading in the window.
    readings = monthly("2024-01", [30 * i for i in range(20)]) + [R(m("2026-10"), 570 + 140)]
    assert readings[-2].period == m("2025-08")
    assert average(readings, "2026-11") == D(10)  # 140 m³ over the 14 months between


def test_a_gap_of_30_months() -> None:
    readings = [R(m("2023-09"), 20), R(m("2024-03"), 50), R(m("2026-09"), 350)]
    assert average(readings, "2026-11") == D(10)  # 300 m³ over 2024-03 … 2026-09


def test_vacancy_months_count_as_zero_use() -> None:
    # Six months at 6 m³, then six months empty (the same value declared each month).
    readings = monthly("2025-10", [100 + 6 * i for i in range(7)] + [136] * 6)
    assert average(readings, "2026-11") == D(3)  # 36 m³ / 12


def test_a_vacancy_without_readings_spreads_over_the_gap() -> None:
    # Left empty without declaring for 16 months: same value before and after.
    readings = [R(m("2025-01"), 400), R(m("2025-05"), 440), R(m("2026-09"), 440)]
    assert average(readings, "2026-10") == D(0)


def test_migrated_history_ignores_the_initial_reading_of_long_ago() -> None:
    # Installed in 2005 at 0; the migrated data starts in 2026 (a gap of 21 years).
    readings = [R(m("2026-08"), 3100), R(m("2026-10"), 3116)]
    assert average(readings, "2026-11", installed="2005-06-10") == D(8)


def test_migrated_history_with_a_single_reading_averages_since_installation() -> None:
    # Nothing else was ever read: the initial reading is the one earlier actual reading.
    readings = [R(m("2026-10"), 1360)]
    # 2005-05 (the month before installation) … 2026-10 = 257 months
    assert average(readings, "2026-11", installed="2005-06-10") == D(1360) / 257


def test_the_audit_case_averages_10_not_the_19_of_the_meters_whole_life() -> None:
    # Installed 2019-01 at 0 (so the initial reading counts for 2018-12); about 21 m³ a month
    # until 2025-01, then a gap, then 2026-09. The whole life: 1767 / 93 months = 19.
    readings = [
        R(m("2023-01"), 1050),
        R(m("2024-01"), 1310),
        R(m("2025-01"), 1567),
        R(m("2026-09"), 1767),
    ]
    assert average(readings, "2026-10", installed="2019-01-07") == D(10)  # 200 / 20


def test_estimates_never_count() -> None:
    readings = monthly("2025-10", [100 + 5 * i for i in range(6)]) + [
        R(add_months(m("2026-04"), i), 200 + 50 * i, "estimate") for i in range(7)
    ]
    # Actual readings 2025-10 … 2026-03 only: 25 m³ over 5 months.
    assert average(readings, "2026-11") == D(5)


def test_a_young_meter_counts_from_its_initial_reading() -> None:
    # Installed on 15 March at 0: 9 m³ in March, 3 in April.
    readings = [R(m("2026-03"), 9), R(m("2026-04"), 12)]
    assert average(readings, "2026-05", installed="2026-03-15") == D(6)


def test_the_initial_reading_and_one_reading() -> None:
    # Installed on 2 March at 100, 108 at the end of March: 8 m³ in its one month.
    readings = [R(m("2026-03"), 108)]
    assert average(readings, "2026-05", initial=100, installed="2026-03-02") == D(8)


def test_without_actual_readings_the_average_is_0() -> None:
    assert average([], "2026-05", installed="2026-01-01") == D(0)
    # Only estimates and the initial reading.
    assert average([R(m("2026-03"), 9, "estimate")], "2026-05", installed="2026-01-01") == D(0)


def test_readings_of_the_month_itself_or_later_do_not_count() -> None:
    readings = [R(m("2026-04"), 10), R(m("2026-05"), 90), R(m("2026-06"), 200)]
    assert average(readings, "2026-05", installed="2026-04-01") == D(10)
