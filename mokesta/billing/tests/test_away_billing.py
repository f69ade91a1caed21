"""„Išvykstu" in the billing run, to the cent (README: Away periods). Apartment tariffs: water
1.0200, wastewater 1.3400 €/m³, meter fee 0.7800 €/month, VAT 21 %."""

import datetime as dt
from decimal import Decimal

import pytest

from mokesta.billing.models import Invoice
from mokesta.billing.tests.conftest import add_meter, bill, invoice_of, make_contract
from mokesta.metering.models import AwayPeriod, AwayReading, Reading
from mokesta.payments.models import Payment

D = Decimal


def lines(invoice: Invoice) -> list[tuple[str, str, Decimal, Decimal, Decimal, bool]]:
    return [
        (line.service, line.description, line.quantity, line.net, line.vat, line.estimated)
        for line in invoice.lines.order_by("pk")
    ]


def away(contract, meter, *, starts: str, ends: str, leaving: int, point=None) -> AwayPeriod:
    period = AwayPeriod.objects.create(
        contract=contract,
        service_point=point,
        starts_on=dt.date.fromisoformat(starts),
        ends_on=dt.date.fromisoformat(ends),
    )
    AwayReading.objects.create(away=period, meter=meter, value=leaving)
    return period


def pay(contract, invoice: Invoice, day: str) -> None:
    Payment.objects.create(
        contract=contract, amount=invoice.total, paid_on=dt.date.fromisoformat(day), source="bank"
    )


@pytest.mark.usefixtures("tariffs")
def test_away_months_are_estimated_at_zero_with_the_fee_and_settled_on_return() -> None:
    contract = make_contract()
    # 6 m³ a month before leaving: the average would estimate 6 m³.
    meter = add_meter(contract, readings={"2026-08": 104, "2026-09": 110, "2026-10": 116})
    away(contract, meter, starts="2026-11-20", ends="2027-01-15", leaving=119)

    # November, the month of leaving, not declared: billed to the reading on leaving, 3 m³.
    bill("2026-11", on="2026-12-03")
    november = invoice_of(contract, "2026-11")
    # water 3.06 + 0.6426→0.64; wastewater 4.02 + 0.8442→0.84; fee 0.78 + 0.1638→0.16
    assert lines(november) == [
        ("water", "Geriamojo vandens tiekimas", D("3.000"), D("3.06"), D("0.64"), False),
        ("wastewater", "Nuotekų tvarkymas", D("3.000"), D("4.02"), D("0.84"), False),
        ("fee", "Apskaitos kaina", D("1.000"), D("0.78"), D("0.16"), False),
    ]
    assert (november.net, november.vat, november.total) == (D("7.86"), D("1.64"), D("9.50"))
    leaving = Reading.objects.get(meter=meter, period="2026-11-01")
    assert (leaving.value, leaving.source) == (119, Reading.Source.CUSTOMER)
    pay(contract, november, "2026-12-10")

    # December, away all month: 0 m³ „(išvykę)", the fee stays.
    bill("2026-12", on="2027-01-05")
    december = invoice_of(contract, "2026-12")
    assert lines(december) == [
        ("water", "Geriamojo vandens tiekimas (išvykę)", D("0.000"), D("0.00"), D("0.00"), True),
        ("wastewater", "Nuotekų tvarkymas (išvykę)", D("0.000"), D("0.00"), D("0.00"), True),
        ("fee", "Apskaitos kaina", D("1.000"), D("0.78"), D("0.16"), False),
    ]
    assert (december.net, december.vat, december.total) == (D("0.78"), D("0.16"), D("0.94"))
    assert december.previous_balance == D("0.00")
    estimate = Reading.objects.get(meter=meter, period="2026-12-01")
    assert (estimate.value, estimate.source) == (119, Reading.Source.ESTIMATE)
    pay(contract, december, "2027-01-10")

    # Back on 15 January; the first actual reading, 121, against the reading on leaving, 119:
    # 2 m³ billed like a corrected estimate.
    Reading.objects.create(
        meter=meter, period="2027-01-01", value=121, source=Reading.Source.CUSTOMER
    )
    bill("2027-01", on="2027-02-03")
    january = invoice_of(contract, "2027-01")
    # water 2.04 + 0.4284→0.43; wastewater 2.68 + 0.5628→0.56; fee 0.78 + 0.16
    assert lines(january) == [
        (
            "water",
            "Geriamojo vandens tiekimas (su apskaičiuoto kiekio patikslinimu)",
            D("2.000"),
            D("2.04"),
            D("0.43"),
            False,
        ),
        (
            "wastewater",
            "Nuotekų tvarkymas (su apskaičiuoto kiekio patikslinimu)",
            D("2.000"),
            D("2.68"),
            D("0.56"),
            False,
        ),
        ("fee", "Apskaitos kaina", D("1.000"), D("0.78"), D("0.16"), False),
    ]
    assert (january.net, january.vat, january.total) == (D("5.50"), D("1.15"), D("6.65"))
    assert january.amount_due == D("6.65")


@pytest.mark.usefixtures("tariffs")
def test_without_an_away_period_the_same_month_is_estimated_at_the_average() -> None:
    contract = make_contract()
    meter = add_meter(contract, readings={"2026-08": 104, "2026-09": 110, "2026-10": 116})
    bill("2026-11", on="2026-12-03")
    assert Reading.objects.get(meter=meter, period="2026-11-01").value > 116


@pytest.mark.usefixtures("tariffs")
def test_a_reading_declared_while_away_is_billed_as_it_is() -> None:
    contract = make_contract()
    meter = add_meter(contract, readings={"2026-09": 110, "2026-10": 116, "2026-12": 125})
    away(contract, meter, starts="2026-11-01", ends="2026-12-31", leaving=116)
    bill("2026-11", on="2026-12-03")  # leaving month, leaving reading = the last one: 0 m³
    bill("2026-12", on="2027-01-05")
    december = invoice_of(contract, "2026-12")
    water = next(line for line in december.lines.all() if line.service == "water")
    assert (water.quantity, water.estimated) == (D("9.000"), False)


@pytest.mark.usefixtures("tariffs")
def test_a_service_point_away_leaves_the_other_meters_estimated_as_usual() -> None:
    contract = make_contract()
    home = add_meter(contract, readings={"2026-09": 110, "2026-10": 116})
    garden = add_meter(contract, readings={"2026-09": 50, "2026-10": 52})
    other_point = contract.service_points.create(address="Sodų g. 1, Velžys")
    garden.service_point = other_point
    garden.save()
    away(contract, garden, starts="2026-10-25", ends="2027-03-31", leaving=52, point=other_point)
    bill("2026-11", on="2026-12-03")
    assert Reading.objects.get(meter=garden, period="2026-11-01").value == 52  # away: 0 m³
    assert Reading.objects.get(meter=home, period="2026-11-01").value == 122  # average 6
    descriptions = [line.description for line in invoice_of(contract, "2026-11").lines.all()]
    assert "Geriamojo vandens tiekimas (išvykę)" in descriptions
    assert "Geriamojo vandens tiekimas (apskaičiuota)" in descriptions
