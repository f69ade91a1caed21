"""CSV files people open in a spreadsheet program: text cells that the program would run as a
formula are neutralised (OWASP "CSV injection").

A cell beginning with = + - @ (or a tab or carriage return, which some programs skip before
looking) is a formula to Excel, LibreOffice and Google Sheets: a meter serial "=HYPERLINK(…)"
typed by anyone would become a live link or a command in the customer's or a clerk's sheet.
Such a text cell is written with a leading apostrophe, which the programs show as text. Numbers
(int, Decimal) are written as they are: a negative number is a number, not a formula.
"""

import csv
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def safe_cell(value: object) -> object:
    """The value as it may go into a CSV cell: text that starts like a formula gets a "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose rows go through safe_cell."""

    def __init__(self, out: Writable, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: Writable, **options: Any) -> SafeWriter:
    """Like csv.writer(out, **options), with every text cell made safe for spreadsheets."""
    return SafeWriter(out, **options)
