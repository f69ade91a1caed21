"""The provider's payouts: which online payments a payout settles.

Each online payment is booked when the provider confirms it; days later the provider transfers
the day's payments to the utility's account as one lump sum (less its fees). The bank import
(`bank/payouts.py`) asks `is_payout()` about every credit and, for a payout, books no payment but
calls `settle_payout()`, which records the payout and ties it to the confirmed online payments it
settles, keeping the difference for staff; the bank transaction then links to the payout.
"""

import datetime as dt
import re
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mokesta.lib.money import ZERO
from mokesta.onlinepay.models import PaymentOrder, Payout

ORDER_ID = re.compile(r"\bMK[0-9A-F]{20}\b")


def is_payout(*, payer_name: str) -> bool:
    """A credit whose payer is the payment provider itself (ONLINEPAY_PAYOUT_PAYERS)."""
    payer = payer_name.casefold()
    return any(name.casefold() in payer for name in settings.ONLINEPAY_PAYOUT_PAYERS if name)


def settle_payout(*, amount: Decimal, booked_on: dt.date, text: str) -> Payout:
    """Record a payout of `amount` received on `booked_on` and settle the online payments it pays
    out: those `text` names by order id, else every confirmed one not yet paid out, confirmed by
    the end of its booking day. Each payment is settled by one payout (the rows are locked)."""
    provider = settings.PAYMENT_PROVIDER or "paysera"
    with transaction.atomic():
        orders = PaymentOrder.objects.select_for_update().filter(
            provider=provider, state=PaymentOrder.State.CONFIRMED, payout__isnull=True
        )
        named = ORDER_ID.findall(text)
        if named:
            orders = orders.filter(order_id__in=named)
        else:
            orders = orders.filter(confirmed_at__lt=day_end(booked_on))
        settled = list(orders.order_by("pk"))
        payout = Payout.objects.create(
            provider=provider,
            amount=amount,
            settled=sum((order.amount for order in settled), ZERO),
            booked_on=booked_on,
        )
        PaymentOrder.objects.filter(pk__in=[order.pk for order in settled]).update(payout=payout)
    return payout


def day_end(day: dt.date) -> dt.datetime:
    """The first moment after `day` in the utility's time zone."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
