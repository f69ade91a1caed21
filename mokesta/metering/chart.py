"""A bar chart of monthly consumption drawn on the server as SVG: no JavaScript needed.

The drawing is sized for a phone: its viewBox is as wide as a 390 px screen's content, so the
12-unit text is 12 px there; wider screens scale it up to a capped width (CSS).

`svg()` writes it with format_html: about a hundred elements per meter, each a handful of
template lookups in the template language (see README, "Speed of the customer pages")."""

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from mokesta.lib.dates import add_months, month_start

MONTHS = 24
WIDTH = 358  # a 390 px screen less the page's padding
LEFT = 34  # room for the axis' figures
RIGHT = 4
TOP = 22  # room for the axis' unit
PLOT = 150
BOTTOM = 36  # month and year labels
FONT = 12
NICE_STEPS = (1, 2, 5)


@dataclass
class Month:
    month: dt.date
    m3: int | None  # None: no reading for the month (or the meter was not in service)
    estimated: bool
    in_service: bool = True


@dataclass
class Bar:
    x: float
    y: float
    height: float
    label_x: float
    month: Month
    month_label: str
    year_label: str


@dataclass
class Tick:
    y: float
    value: int


def last_months(
    readings: list,
    *,
    initial_value: int,
    until: dt.date,
    installed_on: dt.date | None = None,
    removed_on: dt.date | None = None,
) -> list[Month]:
    """The MONTHS months up to `until`, each with its consumption: the reading minus the one
    before it (a month after a gap carries everything used since the last reading). Months
    before the meter's installation or after its removal are out of service: no bar, not 0."""
    first = add_months(until, -(MONTHS - 1))
    previous = initial_value
    by_month = {}
    for reading in sorted(readings, key=lambda r: r.period):
        by_month[reading.period] = (reading.value - previous, reading.source == "estimate")
        previous = reading.value
    result = []
    for i in range(MONTHS):
        month = add_months(first, i)
        in_service = (installed_on is None or month >= month_start(installed_on)) and (
            removed_on is None or month <= month_start(removed_on)
        )
        m3, estimated = by_month.get(month, (None, False)) if in_service else (None, False)
        result.append(Month(month=month, m3=m3, estimated=estimated, in_service=in_service))
    return result


def _axis_top(tallest: int) -> tuple[int, int]:
    """A round top for the axis and the step between its figures (at most 4 steps)."""
    tallest = max(tallest, 1)
    magnitude = 10 ** max(0, int(math.log10(tallest)) - 1)
    while True:
        for step in NICE_STEPS:
            if tallest <= 4 * step * magnitude:
                step *= magnitude
                return step * math.ceil(tallest / step), step
        magnitude *= 10


def bars(months: list[Month]) -> dict:
    tallest = max((m.m3 for m in months if m.m3 is not None and m.m3 > 0), default=0)
    top, step = _axis_top(tallest)
    baseline = TOP + PLOT
    slot = (WIDTH - LEFT - RIGHT) / max(len(months), 1)
    bar_width = round(slot * 0.7, 1)
    drawn = []
    for i, month in enumerate(months):
        height = round(max(month.m3 or 0, 0) * PLOT / top, 1)
        x = round(LEFT + i * slot + (slot - bar_width) / 2, 1)
        # Every third month is named (January, April, July, October), the year under January
        # and under the first month unless a January comes right after it.
        named = month.month.month % 3 == 1
        first_year = i == 0 and month.month.month <= 10
        drawn.append(
            Bar(
                x=x,
                y=round(baseline - height, 1),
                height=height,
                label_x=round(x + bar_width / 2, 1),
                month=month,
                month_label=f"{month.month:%m}" if named else "",
                year_label=f"{month.month:%Y}" if month.month.month == 1 or first_year else "",
            )
        )
    ticks = [
        Tick(y=round(baseline - value * PLOT / top, 1), value=value)
        for value in range(0, top + 1, step)
    ]
    return {
        "bars": drawn,
        "ticks": ticks,
        "width": WIDTH,
        "height": baseline + BOTTOM,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": baseline,
        "bar_width": bar_width,
        "font": FONT,
        "month_y": baseline + 15,
        "year_y": baseline + 30,
        "unit_y": TOP - 8,
    }


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _rectangles(bars: Iterable[Bar], width: float) -> str:
    """SVG path data of a closed rectangle per bar, `width` wide, from its top down to the
    baseline."""
    return "".join(f"M{bar.x} {bar.y}h{width}v{bar.height}h-{width}z" for bar in bars)


def svg(pk: int, serial_number: str, months: list[Month], drawn: dict) -> str:
    """The chart of meter `pk` from bars(months): its title and its text alternative (each
    month's figure) for screen readers, the axis with its figures, a bar per month with a
    reading (an estimate light and dashed), the month and year labels."""
    not_installed, no_reading, estimated = _("not installed"), _("no reading"), _("estimated")

    def note(m: Month) -> str:
        if not m.in_service:
            return not_installed
        if m.m3 is None:
            return no_reading
        return f"{m.m3} m³ ({estimated})" if m.estimated else f"{m.m3} m³"

    left, right, baseline = drawn["left"], drawn["right"], drawn["baseline"]
    ticks = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#dde3e7"/>\n'
        '<text x="{}" y="{}" dy="4" text-anchor="end" fill="#1b2a33">{}</text>\n',
        ((left, t.y, right, t.y, left - 4, t.y, t.value) for t in drawn["ticks"]),
    )
    width, month_y, year_y = drawn["bar_width"], drawn["month_y"], drawn["year_y"]
    shown = [bar for bar in drawn["bars"] if bar.month.m3 is not None and bar.height]
    # The bars, then their labels (below the baseline: nothing overlaps); an estimate light and
    # dashed. Each kind of bar is one path, a closed rectangle a bar (numbers only, in one
    # attribute: a month costs no element to escape).
    actual = _rectangles((bar for bar in shown if not bar.month.estimated), width)
    guessed = _rectangles((bar for bar in shown if bar.month.estimated), width)
    bars = format_html('<path d="{}" fill="#005a8c"/>\n', actual) if actual else ""
    estimates = (
        format_html(
            '<path d="{}" fill="#9cc3da" stroke="#005a8c" stroke-dasharray="3 2"/>\n', guessed
        )
        if guessed
        else ""
    )
    months_named = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" fill="#1b2a33">{}</text>\n',
        ((bar.label_x, month_y, bar.month_label) for bar in drawn["bars"] if bar.month_label),
    )
    years = format_html_join(
        "",
        '<text x="{}" y="{}" fill="#1b2a33">{}</text>\n',
        ((bar.x, year_y, bar.year_label) for bar in drawn["bars"] if bar.year_label),
    )

    return format_html(
        '<svg role="img" aria-labelledby="chart-title-{pk} chart-desc-{pk}" viewBox="0 0 {width}'
        ' {height}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, DejaVu Sans,'
        ' sans-serif" font-size="{font}">\n'
        '<title id="chart-title-{pk}">{title}</title>\n'
        '<desc id="chart-desc-{pk}">{desc}</desc>\n'
        '<text x="2" y="{unit_y}" fill="#1b2a33">m³</text>\n'
        "{ticks}"
        '<line x1="{left}" y1="{baseline}" x2="{right}" y2="{baseline}" stroke="#5b6770"/>\n'
        '<line x1="{left}" y1="{unit_y}" x2="{left}" y2="{baseline}" stroke="#5b6770"/>\n'
        "{bars}{estimates}{months}{years}</svg>",
        pk=pk,
        width=drawn["width"],
        height=drawn["height"],
        font=drawn["font"],
        title=_("Monthly consumption of meter %(serial)s, m³") % {"serial": serial_number},
        desc="".join(f"{_month(m.month)}: {note(m)}; " for m in months),
        unit_y=drawn["unit_y"],
        ticks=ticks,
        left=left,
        right=right,
        baseline=baseline,
        bars=bars,
        estimates=estimates,
        months=months_named,
        years=years,
    )
