"""A contract's balance: issued invoices (credit notes included) minus payments.

Positive = the customer owes (debt); negative = overpaid (an advance). The portal, the PDF and
the back office all read this one figure.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import TypedDict

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django_stubs_ext import WithAnnotations

from mokesta.billing.models import Invoice
from mokesta.customers.models import Contract
from mokesta.lib.money import ZERO
from mokesta.payments.models import Payment


def balance(contract: Contract, *, on: dt.date | None = None) -> Decimal:
    """Amount owed on `contract` (after everything up to and including `on`, if given)."""
    invoices = Invoice.objects.filter(contract=contract)
    payments = Payment.objects.filter(contract=contract)
    if on is not None:
        invoices = invoices.filter(issue_date__lte=on)
        payments = payments.filter(paid_on__lte=on)
    # Invoice totals: a credit note carries a negative total.
    billed = invoices.aggregate(s=Sum("total"))["s"] or ZERO
    paid = payments.aggregate(s=Sum("amount"))["s"] or ZERO
    return billed - paid


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
    """`contracts` with `.balance`, by the rule of balance() (invoice totals, credit notes
    included, minus payments), in the one query that lists them: two correlated subqueries,
    not a join, which would multiply each invoice by the contract's payments."""
    return contracts.annotate(
        balance=_per_contract(Invoice.objects.all(), "total")
        - _per_contract(Payment.objects.all(), "amount")
    )


PAID, UNPAID, CREDITED, CREDIT_NOTE = "paid", "unpaid", "credited", "credit_note"


def invoice_states(invoices: list[Invoice]) -> dict[int, str]:
    """Paid, unpaid or credited, per invoice. Each credit note is first offset against the invoice
    it corrects (a credited invoice is settled, not unpaid, and takes no payment); then a
    contract's payments cover its remaining invoices oldest first."""
    contract_ids = {invoice.contract_id for invoice in invoices}
    paid = dict(
        Payment.objects.filter(contract_id__in=contract_ids)
        .values_list("contract_id")
        .annotate(s=Sum("amount"))
    )
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
