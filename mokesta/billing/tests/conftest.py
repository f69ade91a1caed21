"""Billing fixtures: apartment tariffs, a billing run on a given day, and the builders of
contracts with meters (shared with other apps' tests from mokesta/testing/billing.py)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from mokesta.billing.models import Invoice
from mokesta.customers.models import Contract, Customer
from mokesta.testing.billing import add_meter, at, make_contract, make_tariffs  # noqa: F401
from mokesta.utility.models import Utility


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


# --- Public bodies (SABIS) and their Peppol e-invoices ---------------------------------------


@pytest.fixture
def sabis_utility(db: None) -> Utility:
    """A VAT-paying utility with the details a Peppol e-invoice needs."""
    return Utility.objects.create(
        name="VšĮ Velžio komunalinis ūkis",
        short_name="Velžio komunalinis ūkis",
        address="Liepų g. 1, Velžys",
        company_code="168547123",
        vat_code="LT685471219",
        iban="LT40 7300 0100 1234 5678",
        bank_name="Swedbank",
        invoice_series="VKU",
        vat_invoice_series="VKUPVM",
    )


def make_public_body(number: str = "B-1", **references: str) -> Contract:
    contract = make_contract(number)
    Customer.objects.filter(pk=contract.customer_id).update(
        name="Velžio lopšelis-darželis „Ąžuoliukas“",
        company_code="190000001",
        sabis=True,
        **(references or {"buyer_reference": "VLD-2026"}),
    )
    return contract


@pytest.fixture
def school(sabis_utility: Utility, tariffs: None) -> Contract:
    """A public body without a VAT code that paid October late: December has interest."""
    contract = make_public_body()
    add_meter(contract, readings={"2026-09": 100, "2026-10": 140, "2026-11": 146, "2026-12": 152})
    bill("2026-10", on="2026-11-03")
    bill("2026-11", on="2026-12-03")
    from mokesta.payments.models import Payment

    Payment.objects.create(
        contract=contract, amount=Decimal("50.00"), paid_on="2026-12-11", source="bank"
    )
    bill("2026-12", on="2027-01-04")
    return contract


def december(contract: Contract) -> Invoice:
    return Invoice.objects.get(contract=contract, period__month=dt.date(2026, 12, 1))


def issued_without_references() -> Invoice:
    """A public body's December invoice issued while its record had neither reference (imported
    past the form's check): the invoice keeps that, so its e-invoice breaks PEPPOL-EN16931-R003
    whatever the record says later."""
    contract = make_public_body("B-2", buyer_reference="", order_reference="")
    bill("2026-12", on="2027-01-04")
    return december(contract)
