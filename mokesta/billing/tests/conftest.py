"""Billing fixtures: apartment tariffs and a small helper to build contracts with meters."""

import datetime as dt
import itertools
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from mokesta.billing.models import Invoice, Tariff
from mokesta.customers.models import Contract, Customer, ServicePoint
from mokesta.metering.models import Meter, Reading
from mokesta.utility.models import Utility

VILNIUS = zoneinfo.ZoneInfo("Europe/Vilnius")
_serials = itertools.count(1)


def at(day: str) -> dt.datetime:
    """Morning of `day` in Vilnius, for time_machine."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(9), tzinfo=VILNIUS)


def bill(month: str, on: str) -> int:
    """Run the billing of `month` (YYYY-MM) on the morning of `on`."""
    from mokesta.billing.run import bill_period

    with time_machine.travel(at(on), tick=False):
        return bill_period(month=dt.date.fromisoformat(f"{month}-01"))


def invoice_of(contract: Contract, month: str) -> Invoice:
    return Invoice.objects.get(
        contract=contract, period__month=f"{month}-01", kind=Invoice.Kind.INVOICE
    )


def make_tariffs(category: str = "apartment", valid_from: str = "2020-01-01") -> None:
    for service, price in (("water", "1.0200"), ("wastewater", "1.3400"), ("fee", "0.7800")):
        Tariff.objects.create(
            service=service,
            category=category,
            price=Decimal(price),
            vat_rate=Decimal("21"),
            valid_from=dt.date.fromisoformat(valid_from),
        )


@pytest.fixture
def tariffs(db: None) -> None:
    make_tariffs()


def make_contract(
    number: str = "S-1", *, start: str = "2025-01-01", category: str = "apartment", **extra: object
) -> Contract:
    customer = Customer.objects.create(
        name=f"Mokėtojas {number}", payer_code=f"P{number}", address="Liepų g. 3, Velžys"
    )
    contract = Contract.objects.create(
        number=number,
        customer=customer,
        start_date=dt.date.fromisoformat(start),
        category=category,
        **extra,
    )
    ServicePoint.objects.create(contract=contract, address="Liepų g. 3-1, Velžys")
    return contract


def add_meter(
    contract: Contract,
    *,
    installed: str = "2025-01-01",
    initial: int = 100,
    garden: bool = False,
    readings: dict[str, int] | None = None,
    source: str = Reading.Source.CUSTOMER,
) -> Meter:
    day = dt.date.fromisoformat(installed)
    meter = Meter.objects.create(
        service_point=contract.service_points.get(),
        serial_number=f"SK{next(_serials):06d}",
        installed_on=day,
        verified_on=day,
        initial_reading=initial,
        garden=garden,
    )
    for month, value in (readings or {}).items():
        Reading.objects.create(
            meter=meter, period=dt.date.fromisoformat(f"{month}-01"), value=value, source=source
        )
    return meter


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
