"""Random but reproducible billing histories for the tests that compare a fast read with the
ledger's own (the billing tests' ledger checks, the dashboard's sums)."""

import datetime as dt
import random

import time_machine

from mokesta.billing.credit_notes import issue_credit_note
from mokesta.customers.models import Contract
from mokesta.lib.dates import add_months
from mokesta.testing.billing import at
from mokesta.testing.factories import make_contract, make_invoice, make_payment

FIRST_MONTH = dt.date(2025, 1, 1)
MONTHS = 10


def random_cents(rng: random.Random, low: int, high: int) -> str:
    return f"{rng.randint(low * 100, high * 100) / 100:.2f}"


def generate(rng: random.Random, contracts: int = 4) -> list[Contract]:
    """Contracts billed monthly (some skipping months), some invoices credited and some of those
    months billed again, payments of random amounts on random days; one contract untouched."""
    made = [make_contract() for _ in range(contracts)]
    for contract in made[1:]:
        for i in range(MONTHS):
            if rng.random() < 0.15:
                continue
            month = add_months(FIRST_MONTH, i)
            invoice = make_invoice(contract, month=month, total=random_cents(rng, 5, 60))
            if rng.random() < 0.25:  # credited a few days to two months after its issue
                day = invoice.issue_date + dt.timedelta(days=rng.randint(1, 60))
                with time_machine.travel(at(day.isoformat()), tick=False):
                    issue_credit_note(invoice=invoice, reason="Klaidingi rodmenys")
                if rng.random() < 0.5:
                    make_invoice(contract, month=month, total=random_cents(rng, 5, 60))
        for _ in range(rng.randint(0, 12)):
            day = add_months(FIRST_MONTH, 1) + dt.timedelta(days=rng.randint(0, 31 * MONTHS))
            make_payment(contract, amount=random_cents(rng, 1, 90), day=day)
    return made
