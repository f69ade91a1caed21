"""Calendar helpers for billing months (a month is stored as its first day)."""

import calendar
import datetime as dt

from django.utils import timezone


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def local_today() -> dt.date:
    """Today in Europe/Vilnius (the project's TIME_ZONE), whatever the server clock's zone."""
    return timezone.localdate()


def parse_month(text: str) -> dt.date:
    """'2026-11' -> date(2026, 11, 1); ValueError on anything else."""
    year, month = text.split("-")
    return dt.date(int(year), int(month), 1)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (earlier when negative); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
