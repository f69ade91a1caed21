"""A bar chart of monthly consumption drawn on the server as SVG: no JavaScript needed."""

import datetime as dt
from dataclasses import dataclass

from mokesta.lib.dates import add_months

MONTHS = 24
BAR_WIDTH = 22
GAP = 6
HEIGHT = 160
TOP = 16  # room for the value above the tallest bar
BOTTOM = 34  # room for the month labels


@dataclass
class Month:
    month: dt.date
    m3: int | None  # None: no reading for the month
    estimated: bool


@dataclass
class Bar:
    x: int
    y: int
    height: int
    label_x: int
    month: Month


def last_months(readings: list, *, initial_value: int, until: dt.date) -> list[Month]:
    """The MONTHS months up to `until`, each with its consumption: the reading minus the one
    before it (a month after a gap carries everything used since the last reading)."""
    first = add_months(until, -(MONTHS - 1))
    previous = initial_value
    by_month = {}
    for reading in sorted(readings, key=lambda r: r.period):
        by_month[reading.period] = (reading.value - previous, reading.source == "estimate")
        previous = reading.value
    result = []
    for i in range(MONTHS):
        month = add_months(first, i)
        m3, estimated = by_month.get(month, (None, False))
        result.append(Month(month=month, m3=m3, estimated=estimated))
    return result


def bars(months: list[Month]) -> dict:
    tallest = max((m.m3 or 0 for m in months), default=0) or 1
    drawn = []
    for i, month in enumerate(months):
        height = round((month.m3 or 0) * (HEIGHT - TOP) / tallest)
        x = GAP + i * (BAR_WIDTH + GAP)
        drawn.append(
            Bar(
                x=x,
                y=HEIGHT - height,
                height=height,
                label_x=x + BAR_WIDTH // 2,
                month=month,
            )
        )
    return {
        "bars": drawn,
        "width": GAP + len(months) * (BAR_WIDTH + GAP),
        "height": HEIGHT + BOTTOM,
        "baseline": HEIGHT,
        "bar_width": BAR_WIDTH,
    }
