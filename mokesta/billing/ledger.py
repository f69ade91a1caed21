"""The ledger: the one owner of the rules about a contract's money. Every page, the PDF, the back
office, credit notes and the billing run read these figures from here.

- **Balance** = issued invoices (credit notes, which carry a negative total, included) minus
  payments. Positive: the customer owes (debt); negative: overpaid (an advance).
- **Overdue on a day** = invoices due before that day, without their own interest, minus every
  payment made by then. A credited invoice and its credit note are never overdue: the credit note
  cancels the invoice from the start. Late-payment interest is charged on it.
- **Which invoices payments cover**: each credit note first offsets the invoice it corrects (a
  credited invoice is settled and takes no payment); the payments then cover the remaining
  invoices oldest first. That gives each invoice its state: paid, unpaid, credited (or credit
  note).
- **Running balance**: invoices and payments in date order with the balance after each.

The single-contract forms read one contract; the bulk forms (`balances`, `with_balance`,
`invoice_states`) serve pages and runs that need many contracts in a fixed number of queries;
`paid_sql` and `billed_sql` are the sums in plain SQL, for pages whose queries are plain SQL.
`mokesta/billing/tests/test_ledger.py` checks on generated histories that they agree.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Context, Decimal
from typing import TypedDict

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django_stubs_ext import WithAnnotations

from mokesta.billing.models import Invoice
from mokesta.customers.models import Contract
from mokesta.lib.money import ZERO, round_money
from mokesta.lib.sql import sql
from mokesta.payments.models import Payment

# --- balance ------------------------------------------------------------------------------------


def _cents(value: Decimal | None) -> Decimal:
    # SQLite sums decimals with float digits (24.6800000000000): back to cents.
    return round_money(value or ZERO)


def balance(contract: Contract, *, on: dt.date | None = None) -> Decimal:
    """Amount owed on `contract` (after everything up to and including `on`, if given)."""
    invoices = Invoice.objects.filter(contract=contract)
    payments = Payment.objects.filter(contract=contract)
    if on is not None:
        invoices = invoices.filter(issue_date__lte=on)
        payments = payments.filter(paid_on__lte=on)
    billed = invoices.aggregate(s=Sum("total"))["s"]
    paid = payments.aggregate(s=Sum("amount"))["s"]
    return _cents(billed) - _cents(paid)


def balance_of(totals: Iterable[Decimal], amounts: Iterable[Decimal]) -> Decimal:
    """balance() on rows already loaded (the billing run's chunk): the totals of the invoices
    and credit notes issued minus the amounts paid."""
    return sum(totals, ZERO) - sum(amounts, ZERO)


def balances(contract_ids: Collection[int], *, on: dt.date | None = None) -> dict[int, Decimal]:
    """balance() of each contract in `contract_ids` (0 for one without invoices or payments), in
    two grouped queries whatever their number."""
    invoices = Invoice.objects.filter(contract_id__in=contract_ids)
    payments = Payment.objects.filter(contract_id__in=contract_ids)
    if on is not None:
        invoices = invoices.filter(issue_date__lte=on)
        payments = payments.filter(paid_on__lte=on)
    found = {pk: ZERO for pk in contract_ids}
    for contract_id, billed in (
        invoices.order_by().values_list("contract_id").annotate(s=Sum("total"))
    ):
        found[contract_id] += _cents(billed)
    for contract_id, paid in (
        payments.order_by().values_list("contract_id").annotate(s=Sum("amount"))
    ):
        found[contract_id] -= _cents(paid)
    return found


def _per_contract(queryset: QuerySet, field: str) -> Coalesce:
    money = DecimalField(max_digits=13, decimal_places=2)
    total = (
        queryset.filter(contract=OuterRef("pk"))
        .order_by()
        .values("contract")
        .annotate(s=Sum(field))
        .values("s")
    )
    return Coalesce(Subquery(total, output_field=money), Value(ZERO), output_field=money)


class Balance(TypedDict):
    """What with_balance() adds to each contract."""

    balance: Decimal


def with_balance(
    contracts: QuerySet[Contract],
) -> "QuerySet[WithAnnotations[Contract, Balance]]":  # quoted: not subscriptable at run time
    """`contracts` with `.balance`, by the rule of balance(), in the one query that lists them
    (so it can be sorted on): two correlated subqueries, not a join, which would multiply each
    invoice by the contract's payments. On SQLite the figure may carry float digits: show it
    through round_money."""
    return contracts.annotate(
        balance=_per_contract(Invoice.objects.all(), "total")
        - _per_contract(Payment.objects.all(), "amount")
    )


# --- overdue and late-payment interest ------------------------------------------------------

# (due date, total, interest, issue date) of an invoice that is neither credited nor a credit
# note; (payment date, amount) of a payment. Plain tuples: the billing run loads thousands.
OwingRow = tuple[dt.date, Decimal, Decimal, dt.date]
PaidRow = tuple[dt.date, Decimal]


def bears_interest(*, kind: str, credited: bool) -> bool:
    """Only an invoice that no credit note has cancelled can be overdue."""
    return kind == Invoice.Kind.INVOICE and not credited


def overdue(invoices: Iterable[OwingRow], payments: Iterable[PaidRow], *, day: dt.date) -> Decimal:
    """The amount overdue on `day`: invoices due before it, without their own interest (no
    interest on interest), minus every payment made by then; never below zero. `invoices` holds
    only those that bear_interest()."""
    due = sum((total - interest for due, total, interest, _issued in invoices if due < day), ZERO)
    paid = sum((amount for paid_on, amount in payments if paid_on <= day), ZERO)
    return max(due - paid, ZERO)


def late_interest(
    invoices: Iterable[OwingRow],
    payments: Iterable[PaidRow],
    *,
    first: dt.date,
    last: dt.date,
    rate: Decimal,
) -> Decimal:
    """Interest for the days first..last: each day, `rate` % of the amount overdue() that day,
    summed and rounded once."""
    owing = [row for row in invoices if row[0] < last]
    if not owing:
        return ZERO
    paid = list(payments)
    accrued = ZERO
    day = first
    while day <= last:
        accrued += overdue(owing, paid, day=day)
        day += dt.timedelta(days=1)
    return round_money(accrued * rate / 100)


# --- which invoices the payments cover ---------------------------------------------------------

PAID, UNPAID, CREDITED, CREDIT_NOTE = "paid", "unpaid", "credited", "credit_note"


def settle(invoices: Iterable[Invoice], paid: dict[int, Decimal]) -> dict[int, str]:
    """The state of each of `invoices` (all of each contract's invoices and credit notes),
    given each contract's payments in total (`paid`, by contract id). Each credit note is first
    offset against the invoice it corrects; then the payments cover the remaining invoices
    oldest first (issue date, then number)."""
    invoices = list(invoices)
    credits: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for invoice in invoices:
        if invoice.corrects_id is not None:
            credits[invoice.corrects_id] += invoice.total  # negative
    covered: dict[int, Decimal] = defaultdict(lambda: ZERO)
    states = {}
    for invoice in sorted(invoices, key=lambda i: (i.issue_date, i.sequence)):
        if invoice.corrects_id is not None:
            states[invoice.pk] = CREDIT_NOTE
            continue
        remaining = invoice.total + credits[invoice.pk]
        if invoice.pk in credits and remaining <= 0:
            states[invoice.pk] = CREDITED
            continue
        covered[invoice.contract_id] += remaining
        settled = covered[invoice.contract_id] <= paid.get(invoice.contract_id, ZERO)
        states[invoice.pk] = PAID if settled else UNPAID
    return states


def paid_totals(contract_ids: Collection[int]) -> dict[int, Decimal]:
    """Every payment of each contract, summed: one grouped query."""
    rows = (
        Payment.objects.filter(contract_id__in=contract_ids)
        .order_by()
        .values_list("contract_id")
        .annotate(s=Sum("amount"))
    )
    return {contract_id: _cents(paid) for contract_id, paid in rows}


def billed_sql(contract: str) -> str:
    """The totals of a contract's invoices and credit notes summed, in plain SQL, like paid_sql()
    (balance() is this minus that; test_ledger checks it). Its value goes through paid_value()."""
    return sql(
        "(SELECT SUM({invoice.total}) FROM {invoice} WHERE {invoice.contract} = {contract})",
        invoice=Invoice,
        contract=contract,
    )


def paid_sql(contract: str) -> str:
    """paid_totals() of one contract in plain SQL, as a scalar subquery that a page's own query
    selects (a query of its own, and the ORM's Python to build it, cost a page more): `contract`
    is the SQL of the contract's id (a column or %s). Its value goes through paid_value().
    test_ledger checks on generated histories that the two agree."""
    return sql(
        "(SELECT SUM({payment.amount}) FROM {payment} WHERE {payment.contract} = {contract})",
        payment=Payment,
        contract=contract,
    )


# What Django's SQLite backend makes of a sum of decimals, which SQLite returns as a float (or an
# int: it stores 10.00 as 10).
_FLOAT_SUM = Context(prec=15)


def paid_value(value: Decimal | float | int | None) -> Decimal:
    """The value of paid_sql() (or billed_sql()) as the database returns it, as paid_totals()
    gives it."""
    if isinstance(value, float | int):
        value = _FLOAT_SUM.create_decimal_from_float(value)
    return _cents(value)


def invoice_states(invoices: Sequence[Invoice]) -> dict[int, str]:
    """settle() for invoices of any number of contracts (each contract's invoices all there),
    with one query for the payments."""
    return settle(invoices, paid_totals({invoice.contract_id for invoice in invoices}))


def contract_invoice_states(contract: Contract) -> dict[int, str]:
    """The state of every invoice and credit note of one contract."""
    invoices = Invoice.objects.filter(contract=contract).only(
        "pk", "contract_id", "corrects_id", "total", "issue_date", "sequence"
    )
    paid = Payment.objects.filter(contract=contract).aggregate(s=Sum("amount"))["s"]
    return settle(invoices, {contract.pk: _cents(paid)})


# --- running balance -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a contract's statement: an invoice (charge) or a payment (paid), with the
    balance after it."""

    day: dt.date
    charge: Decimal | None
    paid: Decimal | None
    obj: Invoice | Payment
    balance: Decimal


def running_balance(invoices: Iterable[Invoice], payments: Iterable[Payment]) -> list[Entry]:
    """A contract's invoices and payments in date order (a day's invoices before its payments),
    oldest first, each with the balance after it: the last one's is balance()."""
    events: list[tuple[dt.date, int, int, Invoice | Payment]] = [
        (i.issue_date, 0, i.pk, i) for i in invoices
    ]
    events += [(p.paid_on, 1, p.pk, p) for p in payments]
    events.sort(key=lambda e: e[:3])
    entries = []
    running = ZERO
    for day, _order, _pk, obj in events:
        if isinstance(obj, Invoice):
            charge, paid = obj.total, None
            running += obj.total
        else:
            charge, paid = None, obj.amount
            running -= obj.amount
        entries.append(Entry(day=day, charge=charge, paid=paid, obj=obj, balance=running))
    return entries
