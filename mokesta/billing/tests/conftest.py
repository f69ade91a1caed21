"""Billing fixtures: apartment tariffs, a billing run on a given day, and the builders of
contracts with meters (shared with other apps' tests from mokesta/testing/billing.py)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from mokesta.billing.models import Invoice
from mokesta.customers.models import Contract
from mokesta.testing.billing import add_meter, at, make_contract, make_tariffs  # noqa: F401


def bill(month: str, on: str) -> int:
    """Run the billing of `month` (YYYY-MM) on the morning of `on`."""
    from mokesta.billing.run import bill_period

    with time_machine.travel(at(on), tick=False):
        return bill_period(month=dt.date.fromisoformat(f"{month}-01"))


def invoice_of(contract: Contract, month: str) -> Invoice:
    return Invoice.objects.get(
        contract=contract, period__month=f"{month}-01", kind=Invoice.Kind.INVOICE
    )


@pytest.fixture
def tariffs(db: None) -> None:
    make_tariffs()


def invoice_with_interest() -> Invoice:
    """December 2026 invoice of a contract that paid October late: 18.08 + 0.50 interest
    (the billing run's own figures, see test_bill_period)."""
    from mokesta.billing.run import bill_period
    from mokesta.payments.models import Payment

    contract = make_contract("S-INT")
    add_meter(contract, readings={"2026-09": 100, "2026-10": 140, "2026-11": 146, "2026-12": 152})
    for month, day in [("2026-10", "2026-11-03"), ("2026-11", "2026-12-03")]:
        with time_machine.travel(at(day), tick=False):
            bill_period(month=dt.date.fromisoformat(f"{month}-01"))
    Payment.objects.create(
        contract=contract, amount=Decimal("50.00"), paid_on="2026-12-11", source="bank"
    )
    with time_machine.travel(at("2027-01-04"), tick=False):
        bill_period(month=dt.date(2026, 12, 1))
    return Invoice.objects.get(contract=contract, period__month=dt.date(2026, 12, 1))
