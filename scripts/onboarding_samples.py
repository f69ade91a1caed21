"""Build the XLSX templates of the data import from the CSV ones (mokesta/onboarding/samples):
dates become Excel dates, numbers Excel numbers, codes stay text (as a clerk should keep them).
Run: .venv/bin/python scripts/onboarding_samples.py"""

import csv
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

SAMPLES = Path(__file__).resolve().parents[1] / "mokesta" / "onboarding" / "samples"
TEXT = {"contract_number", "payer_code", "company_code", "meter_serial", "phone", "period"}


def cell(name: str, value: str) -> object:
    if value == "" or name in TEXT:
        return value or None
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return dt.date.fromisoformat(value)
    if re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    if re.fullmatch(r"-?[0-9]+,[0-9]+", value):
        return float(Decimal(value.replace(",", ".")))
    return value


def build(name: str) -> None:
    with (SAMPLES / f"{name}.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    book = Workbook()
    sheet = book.active
    header = rows[0]
    sheet.append(header)
    for row in rows[1:]:
        sheet.append([cell(n, v) for n, v in zip(header, row, strict=True)])
    for column in sheet.iter_cols(min_row=2):
        for c in column:
            if isinstance(c.value, dt.date):
                c.number_format = "yyyy-mm-dd"
            elif header[c.column - 1] in TEXT:
                c.number_format = "@"
    book.save(SAMPLES / f"{name}.xlsx")


if __name__ == "__main__":
    build("customers")
    build("reading-history")
