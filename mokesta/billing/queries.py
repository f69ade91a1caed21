"""The customer pages' reads of invoices, their lines and readings, and payments: plain queries,
names from the models (lib/sql.py), access through customers.queries.linked_to_user, the
ledger's sums through ledger.paid_sql/billed_sql (its rules stay in ledger.py).

Building these with the ORM cost 0.3-1 ms of Python each, several times what the database took.
Decimal columns go through the model fields' converters (SQLite returns floats); the sums
through ledger.paid_value. test_queries.py checks each against the ORM."""

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from mokesta.accounts.models import User
from mokesta.billing.ledger import (
    Due,
    billed_sql,
    due_of,
    due_of_rows,
    later_sql,
    next_due_sql,
    paid_sql,
    paid_value,
)
from mokesta.billing.models import BilledReading, BillingPeriod, Invoice, InvoiceLine, Seller
from mokesta.billing.water_info import FIELDS as WATER_FIELDS
from mokesta.billing.water_info import WaterInfo
from mokesta.customers.models import Contract, ContractAccess, ServicePoint
from mokesta.customers.queries import linked_to_user
from mokesta.lib.money import round_money
from mokesta.lib.replica import read_alias, read_connection
from mokesta.lib.sql import columns, instances, rows, sql
from mokesta.metering.models import Meter, Reading
from mokesta.payments.models import Payment

TABLES = {
    "access": ContractAccess,  # linked_to_user's alias of the access row
    "contract": Contract,
    "invoice": Invoice,
    "line": InvoiceLine,
    "period": BillingPeriod,
    "payment": Payment,
    "point": ServicePoint,
    "meter": Meter,
    "reading": Reading,
    "seller": Seller,
}
_invoice, _line = Invoice._meta.get_field, InvoiceLine._meta.get_field
C_ID = sql("c.{contract.pk}", **TABLES)  # the contract's id in queries where it is `c`

# The dashboard -------------------------------------------------------------------------------


class LatestInvoice(NamedTuple):
    pk: int
    number: str
    kind: str
    amount_due: Decimal
    due_date: dt.date
    payment_code: str
    payer_code: str


class ContractMoney(NamedTuple):
    billed: Decimal
    paid: Decimal
    latest: LatestInvoice | None
    due: Due  # the ledger's amount_due_now()
    # The seller the latest invoice kept (its payment details), and the Drinking Water
    # Directive's figures of the latest household invoice (water_info).
    seller: Seller | None = None
    water: WaterInfo | None = None


class _MoneyRow(NamedTuple):
    contract: int
    billed: Decimal | float | None
    paid: Decimal | float | None
    later: Decimal | float | None
    next_due: dt.date | str | None
    pk: int | None
    number: str | None
    kind: str | None
    amount_due: Decimal | None
    due_date: dt.date | None
    payment_code: str | None
    payer_code: str | None
    seller_name: str | None
    seller_payee_code: str | None
    seller_iban: str | None
    seller_bank_name: str | None
    price_m3: Decimal | None
    price_litre: Decimal | None
    year_m3: Decimal | None
    year_before_m3: Decimal | None
    household_average_m3: Decimal | None


# Each of the user's contracts with its invoices (credit notes included) and payments summed (the
# ledger's SQL), what of it is not yet due on the day (the two %s), its latest invoice with what
# its payment details and QR code show (the seller it kept), and the water figures of its latest
# household invoice (w).
MONEY_SQL = sql(
    """
    SELECT c.{contract.pk}, {billed}, {paid}, {later}, {next_due},
           i.{invoice.pk}, i.{invoice.number}, i.{invoice.kind}, i.{invoice.amount_due},
           i.{invoice.due_date}, i.{invoice.payment_code}, i.{invoice.payer_code},
           s.{seller.name}, s.{seller.payee_code}, s.{seller.iban}, s.{seller.bank_name},
           w.{invoice.price_m3}, w.{invoice.price_litre}, w.{invoice.year_m3},
           w.{invoice.year_before_m3}, w.{invoice.household_average_m3}
    FROM {contract} c
    {linked}
    LEFT JOIN {invoice} i ON i.{invoice.contract} = c.{contract.pk} AND i.{invoice.pk} = (
        SELECT {invoice.pk} FROM {invoice} WHERE {invoice.contract} = c.{contract.pk}
        ORDER BY {invoice.issue_date} DESC, {invoice.sequence} DESC LIMIT 1
    )
    LEFT JOIN {seller} s ON s.{seller.pk} = i.{invoice.seller}
    LEFT JOIN {invoice} w ON w.{invoice.contract} = c.{contract.pk} AND w.{invoice.pk} = (
        SELECT {invoice.pk} FROM {invoice}
        WHERE {invoice.contract} = c.{contract.pk} AND {invoice.price_m3} IS NOT NULL
        ORDER BY {invoice.issue_date} DESC, {invoice.sequence} DESC LIMIT 1
    )
    """,
    billed=billed_sql(C_ID),
    paid=paid_sql(C_ID),
    later=later_sql(C_ID),
    next_due=next_due_sql(C_ID),
    linked=linked_to_user("c"),
    **TABLES,
)


def as_date(value: dt.date | str | None) -> dt.date | None:
    """A computed date column (MIN(...)) as a date: SQLite returns it as text."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def contracts_money(user: User, day: dt.date) -> dict[int, ContractMoney]:
    """Each of the user's contracts (by id): what it was billed and paid in all (the ledger's
    sums), its latest invoice or credit note (None without any) with the seller it kept, what is
    due on `day`, and the water figures of its latest household invoice."""
    decimals = {name: _invoice(name) for name in ("amount_due", *WATER_FIELDS)}
    found = rows(MONEY_SQL, [day, day, user.pk], _MoneyRow, decimals)
    money = {}
    for row in found:
        latest = seller = water = None
        if row.pk is not None:
            latest = LatestInvoice(*row[5:12])  # type: ignore[arg-type]
            seller = Seller(
                name=row.seller_name or "",
                payee_code=row.seller_payee_code or "",
                iban=row.seller_iban or "",
                bank_name=row.seller_bank_name or "",
            )
        if row.price_m3 is not None:
            water = WaterInfo(*row[16:21])  # type: ignore[arg-type]
        billed, paid = paid_value(row.billed), paid_value(row.paid)
        due = due_of(billed - paid, paid_value(row.later), as_date(row.next_due))
        money[row.contract] = ContractMoney(billed, paid, latest, due, seller, water)
    return money


# The invoice list ----------------------------------------------------------------------------

PAID_SQL = sql(
    "SELECT c.{contract.pk}, {paid} FROM {contract} c {linked}",
    paid=paid_sql(C_ID),
    linked=linked_to_user("c"),
    **TABLES,
)


def paid_by_contract(user: User) -> dict[int, Decimal]:
    """What each of the user's contracts paid in all (ledger.paid_totals), by contract id; empty
    when none is linked."""
    with read_connection().cursor() as cursor:
        cursor.execute(PAID_SQL, [user.pk])
        return {contract: paid_value(value) for contract, value in cursor.fetchall()}


class InvoiceListRow(NamedTuple):
    """What the list shows and the ledger needs of an invoice, named as values_list() names
    them (test_queries compares the two)."""

    pk: int
    number: str
    kind: str
    contract_id: int
    corrects_id: int | None
    issue_date: dt.date
    sequence: int
    due_date: dt.date
    total: Decimal
    amount_due: Decimal
    period__month: dt.date
    contract__number: str
    corrects__number: str | None


LIST_SQL = sql(
    """
    SELECT i.{invoice.pk}, i.{invoice.number}, i.{invoice.kind}, i.{invoice.contract},
           i.{invoice.corrects}, i.{invoice.issue_date}, i.{invoice.sequence},
           i.{invoice.due_date}, i.{invoice.total}, i.{invoice.amount_due}, p.{period.month},
           c.{contract.number}, k.{invoice.number}
    FROM {invoice} i
    {linked}
    JOIN {contract} c ON c.{contract.pk} = i.{invoice.contract}
    JOIN {period} p ON p.{period.pk} = i.{invoice.period}
    LEFT JOIN {invoice} k ON k.{invoice.pk} = i.{invoice.corrects}
    ORDER BY i.{invoice.issue_date} DESC, i.{invoice.sequence} DESC
    """,
    linked=linked_to_user("i", Invoice),
    **TABLES,
)
LIST_DECIMALS = {name: _invoice(name) for name in ("total", "amount_due")}


def invoice_list_rows(user: User) -> list[InvoiceListRow]:
    """Every invoice and credit note of the user's contracts, newest first."""
    return rows(LIST_SQL, [user.pk], InvoiceListRow, LIST_DECIMALS)


class ContractInvoiceRow(NamedTuple):
    """An invoice of one contract as the API's list shows it (InvoiceListRow's fields the ledger
    reads) and what the contract paid in all (the same on every row)."""

    pk: int
    number: str
    kind: str
    contract_id: int
    corrects_id: int | None
    issue_date: dt.date
    sequence: int
    due_date: dt.date
    total: Decimal
    amount_due: Decimal
    period__month: dt.date
    corrects__number: str | None
    paid: Decimal | float | None


CONTRACT_LIST_SQL = sql(
    """
    SELECT i.{invoice.pk}, i.{invoice.number}, i.{invoice.kind}, i.{invoice.contract},
           i.{invoice.corrects}, i.{invoice.issue_date}, i.{invoice.sequence},
           i.{invoice.due_date}, i.{invoice.total}, i.{invoice.amount_due}, p.{period.month},
           k.{invoice.number}, {paid}
    FROM {invoice} i
    JOIN {period} p ON p.{period.pk} = i.{invoice.period}
    LEFT JOIN {invoice} k ON k.{invoice.pk} = i.{invoice.corrects}
    WHERE i.{invoice.contract} = %s
    ORDER BY i.{invoice.issue_date} DESC, i.{invoice.sequence} DESC
    """,
    paid=paid_sql("%s"),
    **TABLES,
)


def contract_invoice_rows(contract_id: int) -> tuple[list[ContractInvoiceRow], Decimal]:
    """Every invoice and credit note of a contract, newest first, and what the contract paid in
    all: one query (no access check: the caller read the contract through one)."""
    found = rows(CONTRACT_LIST_SQL, [contract_id, contract_id], ContractInvoiceRow, LIST_DECIMALS)
    return found, paid_value(found[0].paid if found else None)


def contract_invoice(contract_id: int, pk: int) -> Invoice | None:
    """The invoice `pk` if it is the contract's (for its stored PDF), else None."""
    return (
        Invoice.objects.filter(contract_id=contract_id, pk=pk)
        .select_related("period", "contract")
        .first()
    )


# The invoice page ----------------------------------------------------------------------------


class InvoiceDetailRow(NamedTuple):
    """The invoice with what the page shows of it, of its contract, its period and the invoice it
    corrects, and one of its lines (`line` is None for an invoice without lines)."""

    pk: int
    number: str
    kind: str
    contract_id: int
    corrects_id: int | None
    reason: str
    customer_name: str
    customer_address: str
    issue_date: dt.date
    due_date: dt.date
    payment_code: str
    payer_code: str
    total: Decimal
    interest: Decimal
    previous_balance: Decimal
    amount_due: Decimal
    contract_number: str
    period_month: dt.date
    corrects_number: str | None
    corrects_issue_date: dt.date | None
    line: int | None
    description: str | None
    quantity: Decimal | None
    unit: str | None
    unit_price: Decimal | None
    net: Decimal | None
    vat: Decimal | None
    line_total: Decimal | None
    # What the invoice kept at issue (billing.Seller, water_info): seller_of(), water_of().
    seller_name: str
    seller_short_name: str
    seller_address: str
    seller_company_code: str
    seller_vat_code: str
    seller_iban: str
    seller_bank_name: str
    seller_payee_code: str
    price_m3: Decimal | None
    price_litre: Decimal | None
    year_m3: Decimal | None
    year_before_m3: Decimal | None
    household_average_m3: Decimal | None
    role: str  # the user's role on its contract (the household roles: what the page offers)


DETAIL_SQL = sql(
    """
    SELECT i.{invoice.pk}, i.{invoice.number}, i.{invoice.kind}, i.{invoice.contract},
           i.{invoice.corrects}, i.{invoice.reason}, i.{invoice.customer_name},
           i.{invoice.customer_address}, i.{invoice.issue_date}, i.{invoice.due_date},
           i.{invoice.payment_code}, i.{invoice.payer_code}, i.{invoice.total},
           i.{invoice.interest}, i.{invoice.previous_balance}, i.{invoice.amount_due},
           i.{invoice.contract_number}, p.{period.month}, k.{invoice.number},
           k.{invoice.issue_date},
           l.{line.pk}, l.{line.description}, l.{line.quantity}, l.{line.unit},
           l.{line.unit_price}, l.{line.net}, l.{line.vat}, l.{line.total},
           s.{seller.name}, s.{seller.short_name}, s.{seller.address}, s.{seller.company_code},
           s.{seller.vat_code}, s.{seller.iban}, s.{seller.bank_name}, s.{seller.payee_code},
           i.{invoice.price_m3}, i.{invoice.price_litre}, i.{invoice.year_m3},
           i.{invoice.year_before_m3}, i.{invoice.household_average_m3}, access.{access.role}
    FROM {invoice} i
    {linked}
    JOIN {seller} s ON s.{seller.pk} = i.{invoice.seller}
    JOIN {period} p ON p.{period.pk} = i.{invoice.period}
    LEFT JOIN {invoice} k ON k.{invoice.pk} = i.{invoice.corrects}
    LEFT JOIN {line} l ON l.{line.invoice} = i.{invoice.pk}
    WHERE i.{invoice.pk} = %s
    ORDER BY l.{line.pk}
    """,
    linked=linked_to_user("i", Invoice),
    **TABLES,
)
DETAIL_DECIMALS = {
    **{name: _invoice(name) for name in ("total", "interest", "previous_balance", "amount_due")},
    **{name: _invoice(name) for name in WATER_FIELDS},
    **{name: _line(name) for name in ("quantity", "unit_price", "net", "vat")},
    "line_total": _line("total"),
}


def invoice_with_lines(user: User, pk: int) -> list[InvoiceDetailRow]:
    """The invoice `pk`, a row per line (one without a line if it has none), by line; none when
    its contract is not linked to `user`. Its contract number, seller and water figures are the
    ones it kept at issue."""
    return rows(DETAIL_SQL, [user.pk, pk], InvoiceDetailRow, DETAIL_DECIMALS)


def seller_of(row: InvoiceDetailRow) -> Seller:
    """The seller's details the invoice of `row` kept (an unsaved copy, for templates)."""
    return Seller(**{name: getattr(row, f"seller_{name}") for name in SELLER_SHOWN})


BILLED_READINGS_SQL = sql(
    "SELECT {fields} FROM {billed} r WHERE r.{billed.invoice} = %s ORDER BY r.{billed.pk}",
    fields=columns(BilledReading, "r"),
    billed=BilledReading,
)


def billed_readings(invoice: int) -> list[BilledReading]:
    """The readings the invoice with this id billed, as it kept them at issue, in their order.
    Whose invoice it is was checked by the read that found it (invoice_with_lines)."""
    return instances(BILLED_READINGS_SQL, [invoice], BilledReading)


SELLER_SHOWN = (
    "name",
    "short_name",
    "address",
    "company_code",
    "vat_code",
    "iban",
    "bank_name",
    "payee_code",
)


class SiblingRow(NamedTuple):
    """What the ledger (settle) and the page read of one of a contract's invoices, and what the
    contract paid in all (the same on every row)."""

    pk: int
    contract_id: int
    corrects_id: int | None
    total: Decimal
    issue_date: dt.date
    sequence: int
    number: str
    kind: str
    due_date: dt.date
    paid: Decimal | float | None


SIBLINGS_SQL = sql(
    """
    SELECT {invoice.pk}, {invoice.contract}, {invoice.corrects}, {invoice.total},
           {invoice.issue_date}, {invoice.sequence}, {invoice.number}, {invoice.kind},
           {invoice.due_date}, {paid}
    FROM {invoice} WHERE {invoice.contract} = %s
    """,
    paid=paid_sql("%s"),
    **TABLES,
)


def contract_invoices(contract_id: int) -> tuple[list[SiblingRow], Decimal]:
    """Every invoice and credit note of a contract, and what the contract paid in all: one query
    (no access check: the caller read the contract through one)."""
    found = rows(SIBLINGS_SQL, [contract_id, contract_id], SiblingRow, {"total": _invoice("total")})
    return found, paid_value(found[0].paid if found else None)


def contract_due(siblings: list[SiblingRow], paid: Decimal, day: dt.date) -> Due:
    """The ledger's amount_due_now() on contract_invoices()' rows."""
    return due_of_rows(((row.kind, row.total, row.due_date) for row in siblings), paid, on=day)


class ReadingWithMeter(NamedTuple):
    meter: int
    period: dt.date
    value: int
    source: str
    serial_number: str
    initial_reading: int


# Every reading of the contract's meters up to the month, with its meter.
CONTRACT_READINGS_SQL = sql(
    """
    SELECT r.{reading.meter}, r.{reading.period}, r.{reading.value}, r.{reading.source},
           m.{meter.serial_number}, m.{meter.initial_reading}
    FROM {reading} r
    JOIN {meter} m ON m.{meter.pk} = r.{reading.meter}
    JOIN {point} s ON s.{point.pk} = m.{meter.service_point}
    WHERE s.{point.contract} = %s AND r.{reading.period} <= %s
    ORDER BY m.{meter.serial_number}, r.{reading.period}
    """,
    **TABLES,
)


def contract_readings(contract_id: int, month: dt.date) -> list[ReadingWithMeter]:
    """Every reading of the contract's meters up to `month`, by serial number and month."""
    return rows(CONTRACT_READINGS_SQL, [contract_id, month], ReadingWithMeter)


# The payments page ---------------------------------------------------------------------------


class PaymentRow(NamedTuple):
    """What running_balance() and the page read of a payment."""

    pk: int
    paid_on: dt.date
    amount: Decimal
    source: str


class _EntryRow(NamedTuple):
    number: str
    is_invoice: int | None
    pk: int | None
    day: dt.date | None
    amount: Decimal | None
    entry_number: str | None
    kind: str | None
    source: str | None


# The contract's number, if the user has access to it, with its invoices and payments, a row
# each (one row of NULLs without any). Each branch of the union filters on the contract so that
# it reads only its rows.
ENTRIES_SQL = sql(
    """
    SELECT c.{contract.number}, e.is_invoice, e.id, e.day, e.amount, e.number, e.kind, e.source
    FROM {contract} c
    {linked}
    LEFT JOIN (
        SELECT 1 AS is_invoice, {invoice.pk} AS id, {invoice.issue_date} AS day,
               {invoice.total} AS amount, {invoice.number} AS number, {invoice.kind} AS kind,
               NULL AS source
        FROM {invoice} WHERE {invoice.contract} = %s
        UNION ALL
        SELECT 0, {payment.pk}, {payment.paid_on}, {payment.amount}, NULL, NULL,
               {payment.source}
        FROM {payment} WHERE {payment.contract} = %s
    ) e ON 1 = 1
    WHERE c.{contract.pk} = %s
    """,
    linked=linked_to_user("c"),
    **TABLES,
)
# running_balance() tells invoices from payments by their class, so the invoices are Invoice
# instances with only these fields (in the model's order, which from_db() expects).
INVOICE_FIELDS = ["id", "number", "kind", "issue_date", "total"]


def contract_entries(user: User, pk: int) -> tuple[str, list[Invoice], list[PaymentRow]] | None:
    """The contract `pk`'s number, its invoices and its payments; None when it is not linked to
    `user`: one query."""
    found = rows(ENTRIES_SQL, [user.pk, pk, pk, pk], _EntryRow, {"amount": _invoice("total")})
    if not found:
        return None
    invoices: list[Invoice] = []
    payments: list[PaymentRow] = []
    alias = read_alias()
    for row in found:
        if row.pk is None:  # neither invoices nor payments
            continue
        amount = round_money(row.amount)  # type: ignore[arg-type]
        if row.is_invoice:
            values = (row.pk, row.entry_number, row.kind, row.day, amount)
            invoices.append(Invoice.from_db(alias, INVOICE_FIELDS, values))
        else:
            payments.append(PaymentRow(row.pk, row.day, amount, row.source))  # type: ignore[arg-type]
    return found[0].number, invoices, payments
