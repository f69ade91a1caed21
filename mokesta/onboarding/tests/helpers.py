"""Import files built in the tests: rows as dicts over a valid row, written as CSV or XLSX."""

import csv
import io
from typing import Any

from openpyxl import Workbook

from mokesta.onboarding.files import CUSTOMER_COLUMNS, HISTORY_COLUMNS

CUSTOMER_HEADER = list(CUSTOMER_COLUMNS)
HISTORY_HEADER = list(HISTORY_COLUMNS)


def row(**values: Any) -> dict[str, Any]:
    """A valid customer row (one apartment meter, no balance) with `values` over it."""
    base: dict[str, Any] = {
        "contract_number": "SUT-1",
        "payer_code": "1001",
        "customer_type": "person",
        "customer_name": "Ona Petraitienė",
        "company_code": "",
        "vat_code": "",
        "email": "ona@example.lt",
        "phone": "+37061234567",
        "address": "Velžio g. 1-3, Velžys",
        "category": "apartment",
        "contract_start": "2019-04-01",
        "residents": "2",
        "meter_serial": "M-1",
        "meter_kind": "apartment",
        "meter_digits": "5",
        "meter_installed_on": "2021-03-15",
        "meter_verified_on": "2021-03-15",
        "reading": "500",
        "reading_date": "2026-11-30",
        "opening_balance": "",
    }
    base.update(values)
    return base


def csv_file(
    rows: list[dict[str, Any]], *, header: list[str] | None = None, sep: str = ";", bom: bool = True
) -> bytes:
    header = header or list(rows[0])
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(name, "") for name in header])
    data = out.getvalue().encode()
    return b"\xef\xbb\xbf" + data if bom else data


def xlsx_file(rows: list[list[Any]], header: list[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def history(*rows: tuple[str, str, int | str, int | str]) -> bytes:
    return csv_file(
        [dict(zip(HISTORY_HEADER, r, strict=True)) for r in rows], header=HISTORY_HEADER
    )
