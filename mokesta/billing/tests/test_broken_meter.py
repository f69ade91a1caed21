"""A meter broken through no fault of the customer is not read: when all of a contract's meters
are broken in the month, the month is billed by the per-person norm, like a contract without a
meter. Apartment tariffs: water 1.0200, wastewater 1.3400 €/m³, meter fee 0.7800 €/month,
VAT 21 %."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mokesta.billing.models import ConsumptionNorm, Invoice
from mokesta.billing.tests.conftest import add_meter, bill, invoice_of, make_contract
from mokesta.metering.models import Meter, Reading

D = Decimal

pytestmark = pytest.mark.usefixtures("tariffs")


def lines(invoice: Invoice) -> list[tuple[str, Decimal, Decimal, Decimal, Decimal]]:
    return [
        (line.service, line.quantity, line.unit_price, line.net, line.vat)
        for line in invoice.lines.all()
    ]


def break_meter(meter: Meter, day: str) -> None:
    meter.broken_since = dt.date.fromisoformat(day)
    meter.save(update_fields=["broken_since"])


@pytest.fixture(autouse=True)
def norm(db: None) -> None:
    ConsumptionNorm.objects.create(valid_from=dt.date(2026, 1, 1), m3_per_person_month=D("2.500"))


def test_it_bills_by_the_norm_from_the_month_the_meter_broke_in_even_on_the_20th() -> None:
    contract = make_contract(residents=2)
    meter = add_meter(contract, readings={"2026-09": 110, "2026-10": 116})
    break_meter(meter, "2026-11-20")

    bill("2026-11", on="2026-12-03")

    november = invoice_of(contract, "2026-11")
    # 2.500 × 2 = 5.000 m³: water 5.10 + 1.071→1.07; wastewater 6.70 + 1.407→1.41;
    # the broken meter is still installed: fee 0.78 + 0.1638→0.16
    assert lines(november) == [
        ("water", D("5.000"), D("1.0200"), D("5.10"), D("1.07")),
        ("wastewater", D("5.000"), D("1.3400"), D("6.70"), D("1.41")),
        ("fee", D("1.000"), D("0.7800"), D("0.78"), D("0.16")),
    ]
    assert (november.net, november.vat, november.total) == (D("12.58"), D("2.64"), D("15.22"))
    assert november.lines.all()[0].description == "Geriamojo vandens tiekimas (pagal normą)"
    # Not read, so not estimated either: no estimate reading is written for the broken meter.
    assert not Reading.objects.filter(meter=meter, period="2026-11-01").exists()


def test_it_reads_the_meter_in_the_month_before_it_broke() -> None:
    contract = make_contract(residents=2)
    meter = add_meter(contract, readings={"2026-10": 110, "2026-11": 116})
    break_meter(meter, "2026-12-01")

    bill("2026-11", on="2026-12-03")

    november = invoice_of(contract, "2026-11")
    assert [line[:2] for line in lines(november)][:2] == [
        ("water", D("6.000")),
        ("wastewater", D("6.000")),
    ]
    assert not any("normą" in line.description for line in november.lines.all())


def test_it_bills_only_the_working_meter_when_the_other_is_broken() -> None:
    contract = make_contract(residents=4)
    add_meter(contract, readings={"2026-10": 110, "2026-11": 116})
    broken = add_meter(contract, initial=200, readings={"2026-10": 220, "2026-11": 250})
    break_meter(broken, "2026-11-05")

    bill("2026-11", on="2026-12-03")

    november = invoice_of(contract, "2026-11")
    # Only the working meter's 6 m³ (not 6 + 30, not the norm's 10); the fee counts both meters.
    assert lines(november) == [
        ("water", D("6.000"), D("1.0200"), D("6.12"), D("1.29")),
        ("wastewater", D("6.000"), D("1.3400"), D("8.04"), D("1.69")),
        ("fee", D("2.000"), D("0.7800"), D("1.56"), D("0.33")),
    ]
    assert not any("normą" in line.description for line in november.lines.all())


def test_it_writes_no_estimate_for_a_broken_meter_next_to_a_working_one() -> None:
    contract = make_contract(residents=1)
    working = add_meter(contract, readings={"2026-10": 110})
    broken = add_meter(contract, initial=200, readings={"2026-10": 220})
    break_meter(broken, "2026-10-15")

    bill("2026-11", on="2026-12-03")

    estimates = Reading.objects.filter(period="2026-11-01", source=Reading.Source.ESTIMATE)
    assert list(estimates.values_list("meter_id", flat=True)) == [working.pk]


def test_it_costs_no_query_per_contract_with_a_broken_meter() -> None:
    first = make_contract("B-1", residents=2)
    break_meter(add_meter(first, readings={"2026-10": 110}), "2026-11-01")
    with CaptureQueriesContext(connection) as one:
        bill("2026-11", on="2026-12-03")
    for number in range(2, 7):
        contract = make_contract(f"B-{number}", residents=number)
        break_meter(add_meter(contract, readings={"2026-10": 110}), "2026-12-01")
    with CaptureQueriesContext(connection) as six:
        bill("2026-12", on="2027-01-04")

    december = Invoice.objects.filter(period__month="2026-12-01")
    assert december.count() == 6
    assert all(invoice.lines.all()[0].description.endswith("(pagal normą)") for invoice in december)
    # The first run also creates the period and the series; a query per contract would add 5.
    assert len(six) <= len(one)
