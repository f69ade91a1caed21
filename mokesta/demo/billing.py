"""Demo invoices and payments for `make run`, produced by the real billing run.

Every past month with readings is closed and billed in order, and after each month the
customers pay in their own way: the demo customer pays every invoice about two weeks after it is
issued (the newest one is still open); Petras Jankauskas stopped paying four months ago (a debt,
with late-payment interest on his newer invoices); Rasa Žukauskienė once paid 300 € too much (an
advance that reduces what she owes).
"""

import datetime as dt
from decimal import Decimal
from typing import TextIO

from django.db.models import Min

from mokesta.billing.models import Invoice
from mokesta.billing.run import bill_period
from mokesta.lib.dates import add_months, local_today, month_start
from mokesta.metering.models import Reading
from mokesta.payments.models import Payment

DEBTOR = "38505230047"
OVERPAYER = "49107080033"
UNPAID_MONTHS = 4
ADVANCE = Decimal("300.00")


def load_billing_demo(*, stdout: TextIO) -> None:
    first = Reading.objects.aggregate(first=Min("period"))["first"]
    if first is None:
        return
    today = local_today()
    last = add_months(month_start(today), -1)
    month, issued, paid = first, 0, 0
    while month <= last:
        issued += bill_period(month=month)
        for invoice in Invoice.objects.filter(period__month=month, kind=Invoice.Kind.INVOICE):
            paid += pay(invoice, month=month, last=last, today=today, first=first)
        month = add_months(month, 1)
    stdout.write(f"Billing demo: {issued} invoices issued, {paid} payments recorded.")


def pay(invoice: Invoice, *, month: dt.date, last: dt.date, today: dt.date, first: dt.date) -> int:
    """Record the customer's payment of `invoice` as the module docstring describes."""
    paid_on = invoice.issue_date + dt.timedelta(days=12)
    if paid_on > today or month == last:
        return 0  # the newest invoice is still open
    amount = invoice.amount_due if invoice.amount_due > 0 else Decimal(0)
    if invoice.payer_code == DEBTOR and month > add_months(last, -UNPAID_MONTHS):
        return 0
    if invoice.payer_code == OVERPAYER:
        amount = invoice.total + (ADVANCE if month == add_months(first, 2) else 0)
    if amount <= 0:
        return 0
    _payment, created = Payment.objects.get_or_create(
        bank_reference=f"DEMO-{invoice.number}",
        defaults={
            "contract_id": invoice.contract_id,
            "amount": amount,
            "paid_on": paid_on,
            "source": Payment.Source.BANK,
            "payer_name": invoice.customer_name,
            "details": f"Įmokos kodas {invoice.payment_code}",
        },
    )
    return int(created)
