"""A contract's balance: issued invoices (credit notes included) minus payments.

Positive = the customer owes (debt); negative = overpaid (an advance). The portal, the PDF and
the back office all read this one figure.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

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
