"""One row of an import file, each cell checked (values.py) into a typed row, or the problems
found in it, each with its row and the column's header as written in the file."""

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from mokesta.customers.models import Contract
from mokesta.lib.dates import month_start
from mokesta.lib.money import ZERO
from mokesta.metering.models import Meter
from mokesta.onboarding import values
from mokesta.onboarding.files import Cell, Sheet
from mokesta.onboarding.values import Invalid

PERSON, COMPANY, PUBLIC_BODY = "person", "company", "public_body"
CUSTOMER_TYPES = {
    PERSON: PERSON,
    COMPANY: COMPANY,
    PUBLIC_BODY: PUBLIC_BODY,
    "asmuo": PERSON,
    "įmonė": COMPANY,
    "biudžetinė įstaiga": PUBLIC_BODY,
}
CATEGORIES = {
    **{value: value for value in Contract.Category.values},
    "butas": Contract.Category.APARTMENT,
    "namas": Contract.Category.HOUSE,
    "įmonė": Contract.Category.COMPANY,
}
METER_KINDS = {
    **{value: value for value in Meter.Kind.values},
    "butas": Meter.Kind.APARTMENT,
    "įvadas": Meter.Kind.INLET,
}
# A meter's counter has 3 to 9 whole-m³ digits; the reading must fit in them.
MIN_DIGITS, MAX_DIGITS = 3, 9
MAX_RESIDENTS = 500
METER_COLUMNS = (
    "meter_kind",
    "meter_digits",
    "meter_installed_on",
    "meter_verified_on",
    "reading",
    "reading_date",
)


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.column:
            return _("row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass(slots=True)
class CustomerRow:
    row: int
    contract_number: str
    payer_code: str
    customer_type: str
    customer_name: str
    company_code: str
    vat_code: str
    email: str
    phone: str
    address: str
    category: str
    contract_start: dt.date
    residents: int
    meter_serial: str
    meter_kind: str
    meter_digits: int
    meter_installed_on: dt.date | None
    meter_verified_on: dt.date | None
    reading: int | None
    reading_date: dt.date | None
    opening_balance: Decimal

    def customer_fields(self) -> tuple[Any, ...]:
        """What must read the same on every row of one payer."""
        return (
            self.customer_type,
            self.customer_name,
            self.company_code,
            self.vat_code,
            self.email,
            self.phone,
        )

    def contract_fields(self) -> tuple[Any, ...]:
        """What must read the same on every row of one contract (one row per meter)."""
        return (
            self.payer_code,
            self.address,
            self.category,
            self.contract_start,
            self.residents,
            self.opening_balance,
        )

    @property
    def reading_month(self) -> dt.date | None:
        return month_start(self.reading_date) if self.reading_date else None


@dataclass(slots=True)
class HistoryRow:
    row: int
    meter_serial: str
    period: dt.date
    reading: int
    estimated: bool


class _Cells:
    """The cells of one row by column name, collecting the problems of each check."""

    def __init__(self, sheet: Sheet, number: int, cells: list[Cell]) -> None:
        self.sheet = sheet
        self.number = number
        self.cells = cells
        self.problems: list[Problem] = []
        width = len(sheet.positions)
        extra = [c for c in cells[width:] if c is not None and str(c).strip()]
        if extra:
            self.problems.append(
                Problem(number, "", _("The row has more cells than the header has columns."))
            )

    def cell(self, name: str) -> Cell:
        position = self.sheet.positions[name]
        return self.cells[position] if position < len(self.cells) else None

    def blank(self, name: str) -> bool:
        return values.text(self.cell(name)) == ""

    def problem(self, name: str, message: str) -> None:
        self.problems.append(Problem(self.number, self.sheet.headers[name], message))

    def get(self, name: str, check: Any, *, required: bool = True, default: Any = "") -> Any:
        if self.blank(name):
            if required:
                self.problem(name, _("This value is required."))
            return default
        try:
            return check(self.cell(name))
        except Invalid as exc:
            self.problem(name, str(exc))
            return default

    def choice(self, name: str, choices: dict[str, str], *, default: str = "") -> str:
        value = values.text(self.cell(name)).lower()
        if not value and default:
            return default
        if value not in choices:
            self.problem(
                name,
                _("Write one of: %(list)s.")
                % {"list": ", ".join(sorted({v for v in choices.values()}))},
            )
            return default
        return choices[value]


def _limited(length: int) -> Any:
    def check(cell: Cell) -> str:
        value = values.text(cell)
        if len(value) > length:
            raise Invalid(_("At most %(max)s characters.") % {"max": length})
        return value

    return check


def customer_row(sheet: Sheet, number: int, cells: list[Cell]) -> tuple[CustomerRow, list[Problem]]:
    """The row checked; its problems (the row is only used when there are none)."""
    c = _Cells(sheet, number, cells)
    customer_type = c.choice("customer_type", CUSTOMER_TYPES, default="")
    company_code = c.get("company_code", values.company_code, required=False)
    if customer_type in (COMPANY, PUBLIC_BODY) and c.blank("company_code"):
        c.problem("company_code", _("A company or a public body needs its company code."))
    meter_serial = c.get(
        "meter_serial", lambda cell: values.code(cell, max_length=40), required=False
    )
    has_meter = bool(meter_serial) or not c.blank("meter_serial")
    if not has_meter:
        for name in METER_COLUMNS:
            if not c.blank(name):
                c.problem(name, _("A row without a meter serial number has no meter data."))
    digits = (
        c.get(
            "meter_digits",
            lambda cell: values.whole(cell, low=MIN_DIGITS, high=MAX_DIGITS),
            required=False,
            default=5,
        )
        if has_meter
        else 5
    )
    today = sheet.today
    past = functools.partial(values.date, latest=today)
    installed = c.get("meter_installed_on", past, required=has_meter, default=None)
    verified = c.get("meter_verified_on", past, required=has_meter, default=None)
    reading = (
        c.get(
            "reading",
            lambda cell: values.whole(cell, low=0, high=10**digits - 1),
            required=False,
            default=None,
        )
        if has_meter
        else None
    )
    reading_date = (
        c.get("reading_date", past, required=reading is not None, default=None)
        if has_meter
        else None
    )
    if has_meter and reading is None and not c.blank("reading_date") and c.blank("reading"):
        c.problem("reading", _("A reading date needs the reading."))
    if installed and reading_date and reading_date < installed:
        c.problem("reading_date", _("The reading cannot be older than the meter's installation."))
    # A contract may be signed ahead of its start; not more than a year ahead.
    latest_start = today + dt.timedelta(days=366)
    row = CustomerRow(
        row=number,
        contract_number=c.get("contract_number", lambda cell: values.code(cell, max_length=30)),
        payer_code=c.get("payer_code", lambda cell: values.code(cell, max_length=20)),
        customer_type=customer_type,
        customer_name=c.get("customer_name", _limited(200)),
        company_code=company_code,
        vat_code=c.get("vat_code", values.vat_code, required=False),
        email=c.get("email", values.email, required=False),
        phone=c.get("phone", values.phone, required=False),
        address=c.get("address", _limited(250)),
        category=c.choice("category", CATEGORIES),
        contract_start=c.get(
            "contract_start",
            lambda cell: values.date(cell, latest=latest_start),
            default=None,
        ),
        residents=c.get(
            "residents",
            lambda cell: values.whole(cell, low=0, high=MAX_RESIDENTS),
            required=False,
            default=1,
        ),
        meter_serial=meter_serial,
        meter_kind=c.choice("meter_kind", METER_KINDS, default=Meter.Kind.APARTMENT)
        if has_meter
        else Meter.Kind.APARTMENT,
        meter_digits=digits,
        meter_installed_on=installed,
        meter_verified_on=verified,
        reading=reading,
        reading_date=reading_date,
        opening_balance=c.get("opening_balance", values.money, required=False, default=ZERO),
    )
    return row, c.problems


def history_row(sheet: Sheet, number: int, cells: list[Cell]) -> tuple[HistoryRow, list[Problem]]:
    c = _Cells(sheet, number, cells)
    row = HistoryRow(
        row=number,
        meter_serial=c.get("meter_serial", lambda cell: values.code(cell, max_length=40)),
        period=c.get("period", functools.partial(values.month, today=sheet.today), default=None),
        reading=c.get(
            "reading", lambda cell: values.whole(cell, low=0, high=10**MAX_DIGITS - 1), default=0
        ),
        estimated=c.get("estimated", values.flag, required=False, default=False),
    )
    return row, c.problems
