"""A payment provider's payout on the bank statement: reconciled, never booked as a payment.

The import (booking.py) records a credit from the provider (`onlinepay.payouts.is_payout`) as a
transaction in state PAYOUT and books no payment: each online payment it settles was booked when
the provider confirmed it. `reconcile_payout()` then has onlinepay settle those payments and
links the transaction to the resulting payout.
"""

from django.db import transaction

from mokesta.bank.models import BankTransaction
from mokesta.onlinepay.models import Payout
from mokesta.onlinepay.payouts import settle_payout


def reconcile_payout(*, bank_transaction: BankTransaction) -> Payout:
    """Settle the online payments `bank_transaction` (a booked credit from the provider) pays
    out, and link it to the payout (one payout per transaction)."""
    booked_on = bank_transaction.booked_on
    assert booked_on is not None  # only booked credits are payouts
    with transaction.atomic():
        payout = settle_payout(
            amount=bank_transaction.amount, booked_on=booked_on, text=bank_transaction.remittance
        )
        bank_transaction.payout = payout
        bank_transaction.save(update_fields=["payout"])
    return payout
