"""Reading an import file: CSV (UTF-8 with or without BOM, `;` or `,` separated, as Lithuanian
Excel saves „CSV UTF-8") or XLSX (the first sheet, read with openpyxl in read-only mode, so a
300,000-row workbook is streamed, not loaded). The file kind is told by its header: the customer
file names `contract_number`, the reading history `period`. Column names are the English ones
of README "Data import" or their Lithuanian aliases, in any order and letter case."""

import csv
import dataclasses
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from mokesta.lib.dates import local_today

CUSTOMERS, HISTORY = "customers", "history"

# Cell values as read: text from a CSV; text, numbers and dates from a workbook.
Cell = str | int | float | dt.datetime | dt.date | None

CUSTOMER_COLUMNS = {
    "contract_number": ["sutarties numeris", "sutarties nr."],
    "payer_code": ["mokėtojo kodas"],
    "customer_type": ["mokėtojo tipas"],
    "customer_name": ["mokėtojas", "mokėtojo pavadinimas"],
    "company_code": ["įmonės kodas"],
    "vat_code": ["pvm mokėtojo kodas"],
    "email": ["el. paštas"],
    "phone": ["telefonas"],
    "address": ["adresas"],
    "category": ["kategorija"],
    "contract_start": ["sutarties pradžia"],
    "residents": ["gyventojų skaičius"],
    "meter_serial": ["skaitiklio numeris"],
    "meter_kind": ["skaitiklio rūšis"],
    "meter_digits": ["skaitiklio skaitmenys"],
    "meter_installed_on": ["skaitiklis įrengtas"],
    "meter_verified_on": ["skaitiklis patikrintas"],
    "reading": ["rodmenys"],
    "reading_date": ["rodmenų data"],
    "opening_balance": ["pradinis likutis"],
}
HISTORY_COLUMNS = {
    "meter_serial": ["skaitiklio numeris"],
    "period": ["laikotarpis"],
    "reading": ["rodmenys"],
    "estimated": ["apskaičiuoti"],
}
# A CSV field longer than this is no customer data (a broken quote swallowing the file).
MAX_FIELD = 1000


class FileError(Exception):
    """The file as a whole cannot be read: the message says why (Lithuanian)."""


@dataclass
class Sheet:
    kind: str
    # Column name -> its header as written in the file (for the report) and its position.
    headers: dict[str, str]
    positions: dict[str, int]
    rows: Iterator[tuple[int, list[Cell]]]  # (row number in the file, header = 1; cells)
    # The import's today (Europe/Vilnius), read once: dates are checked against it.
    today: dt.date = dataclasses.field(default_factory=local_today)


def _norm(header: str) -> str:
    return re.sub(r"\s+", " ", header.strip().lower())


def _columns_of(kind: str) -> dict[str, list[str]]:
    return CUSTOMER_COLUMNS if kind == CUSTOMERS else HISTORY_COLUMNS


def _kind_of(names: set[str]) -> str:
    aliases = {**{_norm(a): n for n, al in CUSTOMER_COLUMNS.items() for a in [n, *al]}}
    if "contract_number" in {aliases.get(n) for n in names}:
        return CUSTOMERS
    history = {_norm(a): n for n, al in HISTORY_COLUMNS.items() for a in [n, *al]}
    if "period" in {history.get(n) for n in names}:
        return HISTORY
    raise FileError(
        _(
            "The file's first row is not a header we know: a customer file has the column "
            "contract_number, a reading history file the column period."
        )
    )


def _header(cells: list[Cell]) -> tuple[str, dict[str, str], dict[str, int]]:
    texts = ["" if c is None else str(c) for c in cells]
    while texts and not texts[-1].strip():
        texts.pop()
    kind = _kind_of({_norm(t) for t in texts})
    columns = _columns_of(kind)
    alias_of = {_norm(a): name for name, al in columns.items() for a in [name, *al]}
    headers: dict[str, str] = {}
    positions: dict[str, int] = {}
    unknown = []
    for position, text in enumerate(texts):
        name = alias_of.get(_norm(text))
        if name is None:
            unknown.append(text.strip() or f"#{position + 1}")
        elif name in positions:
            raise FileError(_("The column %(name)s appears twice in the header.") % {"name": text})
        else:
            headers[name] = text.strip()
            positions[name] = position
    missing = [name for name in columns if name not in positions]
    if unknown or missing:
        parts = []
        if missing:
            parts.append(_("missing columns: %(list)s") % {"list": ", ".join(missing)})
        if unknown:
            parts.append(_("unknown columns: %(list)s") % {"list": ", ".join(unknown)})
        raise FileError(
            _("The header does not match the format: %(what)s.") % {"what": "; ".join(parts)}
        )
    return kind, headers, positions


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileError(
            _(
                "The file is not UTF-8 text (line %(line)s): in Excel save it as "
                "„CSV UTF-8 (atskirta kableliais)“, or upload the .xlsx file."
            )
            % {"line": data[: exc.start].count(b"\n") + 1}
        ) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for row in reader:
            if any(len(cell) > MAX_FIELD for cell in row):
                raise FileError(
                    _("Line %(line)s has a field over %(max)s characters (a broken quote?).")
                    % {"line": reader.line_num, "max": MAX_FIELD}
                )
            yield row
    except csv.Error as exc:
        raise FileError(
            _("Line %(line)s cannot be read as CSV: %(error)s.")
            % {"line": reader.line_num, "error": exc}
        ) from exc


def _xlsx_rows(data: bytes) -> Iterator[list[Cell]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise FileError(_("The file is not an Excel workbook (.xlsx) we can read.")) from exc
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


def is_xlsx(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04")


def open_sheet(data: bytes) -> Sheet:
    """The file's kind, header and rows (read lazily: call again for a second pass)."""
    rows: Iterator[list[Any]] = _xlsx_rows(data) if is_xlsx(data) else _csv_rows(data)
    number = 0
    for cells in rows:
        number += 1
        if any(c is not None and str(c).strip() for c in cells):
            kind, headers, positions = _header(cells)
            break
    else:
        raise FileError(_("The file is empty."))
    return Sheet(kind, headers, positions, _numbered(rows, number))


def _numbered(rows: Iterator[list[Cell]], header_row: int) -> Iterator[tuple[int, list[Cell]]]:
    number = header_row
    for cells in rows:
        number += 1
        if any(c is not None and str(c).strip() for c in cells):  # blank lines are skipped
            yield number, cells
