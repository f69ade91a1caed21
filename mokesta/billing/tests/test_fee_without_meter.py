"""The monthly fee of a contract billed by the norm because it has no meter: the separate
„Abonentinis mokestis, kai nėra galimybės įrengti apskaitos prietaiso" when a price for it is in
force, else the metered fee. Apartment tariffs: water 1.0200, wastewater 1.3400 €/m³, meter fee
0.7800 €/month, fee without a meter 0.3500 €/month, VAT 21 %."""

import datetime as dt
from decimal import Decimal

import pytest

from mokesta.billing.models import ConsumptionNorm, Invoice, Tariff
from mokesta.billing.tests.conftest import add_meter, bill, invoice_of, make_contract

D = Decimal


def lines(invoice: Invoice) -> list[tuple]:
    return [
        (line.service, line.description, line.quantity, line.unit, line.net, line.vat)
        for line in invoice.lines.all()
    ]


@pytest.fixture
def norm(tariffs: None) -> None:
    ConsumptionNorm.objects.create(valid_from=dt.date(2026, 1, 1), m3_per_person_month=D("2.500"))


@pytest.fixture
def no_meter_fee(tariffs: None) -> Tariff:
    return Tariff.objects.create(
        service=Tariff.Service.FEE_NO_METER,
        category="apartment",
        price=D("0.3500"),
        vat_rate=D("21"),
        valid_from=dt.date(2026, 1, 1),
    )


@pytest.mark.usefixtures("norm", "no_meter_fee")
def test_a_contract_billed_by_the_norm_pays_the_fee_without_a_meter() -> None:
    contract = make_contract(residents=3)

    bill("2026-11", on="2026-12-03")

    november = invoice_of(contract, "2026-11")
    # 7.500 m³: water 7.65 + 1.6065→1.61; wastewater 10.05 + 2.1105→2.11;
    # fee without a meter 0.35 + 0.0735→0.07
    assert lines(november)[2] == (
        "fee_no_meter",
        "Abonentinis mokestis, kai nėra galimybės įrengti apskaitos prietaiso",
        D("1.000"),
        "mėn.",
        D("0.35"),
        D("0.07"),
    )
    assert (november.net, november.vat, november.total) == (D("18.05"), D("3.79"), D("21.84"))


@pytest.mark.usefixtures("norm", "no_meter_fee")
def test_a_metered_contract_pays_the_metered_fee() -> None:
    contract = make_contract()
    add_meter(contract, readings={"2026-10": 110, "2026-11": 116})

    bill("2026-11", on="2026-12-03")

    november = invoice_of(contract, "2026-11")
    # 6 m³: water 6.12 + 1.29; wastewater 8.04 + 1.69; meter fee 0.78 + 0.1638→0.16
    assert lines(november)[2] == (
        "fee",
        "Apskaitos kaina",
        D("1.000"),
        "skait. mėn.",
        D("0.78"),
        D("0.16"),
    )
    assert (november.net, november.vat, november.total) == (D("14.94"), D("3.14"), D("18.08"))


@pytest.mark.usefixtures("norm", "no_meter_fee")
def test_a_contract_whose_meters_are_all_broken_keeps_the_metered_fee() -> None:
    contract = make_contract(residents=2)
    meter = add_meter(contract, readings={"2026-10": 110})
    meter.broken_since = dt.date(2026, 11, 20)
    meter.save()

    bill("2026-11", on="2026-12-03")

    november = invoice_of(contract, "2026-11")
    # By the norm (5.000 m³), but the installed meter's fee: 0.78 + 0.16
    assert [line[0] for line in lines(november)] == ["water", "wastewater", "fee"]
    assert november.total == D("15.22")


@pytest.mark.usefixtures("norm")
def test_without_a_price_for_it_the_norm_contract_pays_the_metered_fee() -> None:
    contract = make_contract(residents=3)

    bill("2026-11", on="2026-12-03")

    november = invoice_of(contract, "2026-11")
    assert lines(november)[2] == (
        "fee",
        "Apskaitos kaina",
        D("1.000"),
        "skait. mėn.",
        D("0.78"),
        D("0.16"),
    )
    assert november.total == D("22.36")


@pytest.mark.usefixtures("norm", "no_meter_fee")
def test_a_no_meter_price_that_has_ended_is_not_used() -> None:
    Tariff.objects.filter(service=Tariff.Service.FEE_NO_METER).update(valid_to="2026-10-31")
    contract = make_contract(residents=3)

    bill("2026-11", on="2026-12-03")

    assert lines(invoice_of(contract, "2026-11"))[2][0] == "fee"
