"""The provider's payouts on the bank statement.

Each online payment is booked when the provider confirms it; days later the provider transfers
the day's payments to the utility's account as one lump sum (less its fees). That transfer must
not be booked again nor wait in the unmatched queue: the bank import asks `is_payout()` about
every credit and, for a payout, records the transaction and calls `reconcile_payout()`, which
ties it to the confirmed online payments it settles and keeps the difference for staff.
"""

import datetime as dt
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mokesta.lib.money import ZERO
from mokesta.onlinepay.models import PaymentOrder, Payout
from mokesta.payments.models import BankTransaction

ORDER_ID = re.compile(r"\bMK[0-9A-F]{20}\b")


def is_payout(*, payer_name: str) -> bool:
    """A credit whose payer is the payment provider itself (ONLINEPAY_PAYOUT_PAYERS)."""
    payer = payer_name.casefold()
    return any(name.casefold() in payer for name in settings.ONLINEPAY_PAYOUT_PAYERS if name)


def reconcile_payout(*, bank_transaction: BankTransaction) -> Payout:
    """Record `bank_transaction` as a payout and settle the online payments it pays out: those
    its text names by order id, else every confirmed one not yet paid out, confirmed by the end
    of its booking day. Each payment is settled by one payout (the rows are locked)."""
    provider = settings.PAYMENT_PROVIDER or "paysera"
    booked_on = bank_transaction.booked_on
    assert booked_on is not None  # only booked credits are payouts
    with transaction.atomic():
        orders = PaymentOrder.objects.select_for_update().filter(
            provider=provider, state=PaymentOrder.State.CONFIRMED, payout__isnull=True
        )
        named = ORDER_ID.findall(bank_transaction.remittance)
        if named:
            orders = orders.filter(order_id__in=named)
        else:
            orders = orders.filter(confirmed_at__lt=day_end(booked_on))
        settled = list(orders.order_by("pk"))
        payout = Payout.objects.create(
            bank_transaction=bank_transaction,
            provider=provider,
            amount=bank_transaction.amount,
            settled=sum((order.amount for order in settled), ZERO),
            booked_on=booked_on,
        )
        PaymentOrder.objects.filter(pk__in=[order.pk for order in settled]).update(payout=payout)
    return payout


def day_end(day: dt.date) -> dt.datetime:
    """The first moment after `day` in the utility's time zone."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
