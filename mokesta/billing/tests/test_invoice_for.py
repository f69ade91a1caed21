"""invoice_for: one contract's invoice from plain data, without the database (no db fixture).
Worked examples to the cent. Apartment tariffs: water 1.0200, wastewater 1.3400 €/m³, meter fee
0.7800 €/month, fee without a meter 0.3500 €/month, VAT 21 %."""

import datetime as dt
from decimal import Decimal

from django.utils import translation

from mokesta.billing.models import Tariff
from mokesta.billing.pricing import Tariffs
from mokesta.billing.run import (
    ContractRow,
    InvoiceFigures,
    MeterRow,
    PastInvoice,
    PastPayment,
    PastReading,
    invoice_for,
)

D = Decimal
NOV = dt.date(2026, 11, 1)


def tariffs(*, no_meter_fee: str | None = None) -> Tariffs:
    prices = {"water": "1.0200", "wastewater": "1.3400", "fee": "0.7800"}
    if no_meter_fee is not None:
        prices["fee_no_meter"] = no_meter_fee
    return {
        (service, "apartment"): Tariff(
            service=service,
            category="apartment",
            price=D(price),
            vat_rate=D("21"),
            valid_from=dt.date(2020, 1, 1),
        )
        for service, price in prices.items()
    }


def contract(residents: int = 1) -> ContractRow:
    return ContractRow(
        id=7,
        category="apartment",
        daily_interest_rate=D("0.0200"),
        residents=residents,
        customer_name="Dalia Petrauskienė",
        customer_address="Liepų g. 3, Velžys",
        payer_code="48811120123",
    )


def meter(readings: dict[str, int], **extra: object) -> MeterRow:
    fields: dict = {
        "id": 70,
        "contract_id": 7,
        "garden": False,
        "installed_on": dt.date(2025, 1, 1),
        "removed_on": None,
        "initial_reading": 100,
        "broken_since": None,
    }
    fields.update(extra)
    row = MeterRow(**fields)
    row.readings = [
        PastReading(dt.date.fromisoformat(f"{month}-01"), value, "customer")
        for month, value in sorted(readings.items())
    ]
    return row


def compute(month: dt.date = NOV, **kwargs: object) -> InvoiceFigures:
    args: dict = {
        "contract": contract(),
        "meters": [],
        "invoices": [],
        "payments": [],
        "month": month,
        "issue_date": dt.date(2026, 12, 3),
        "tariffs": tariffs(),
        "norm": None,
    }
    args.update(kwargs)
    with translation.override("lt"):  # as the run issues invoices
        return invoice_for(**args)


def lines(figures: InvoiceFigures) -> list[tuple]:
    return [
        (line.service, D(line.quantity), line.unit_price, line.net, line.vat, line.estimated)
        for line in figures.lines
    ]


def amounts(figures: InvoiceFigures) -> tuple[Decimal, ...]:
    return (
        figures.net,
        figures.vat,
        figures.interest,
        figures.total,
        figures.previous_balance,
        figures.amount_due,
    )


def test_a_plain_month() -> None:
    figures = compute(meters=[meter({"2026-10": 110, "2026-11": 116})])
    # 6 m³: water 6.12 + VAT 1.2852→1.29; wastewater 8.04 + 1.6884→1.69; fee 0.78 + 0.1638→0.16
    assert lines(figures) == [
        ("water", D(6), D("1.0200"), D("6.12"), D("1.29"), False),
        ("wastewater", D(6), D("1.3400"), D("8.04"), D("1.69"), False),
        ("fee", D(1), D("0.7800"), D("0.78"), D("0.16"), False),
    ]
    assert amounts(figures) == (D("14.94"), D("3.14"), D(0), D("18.08"), D(0), D("18.08"))
    assert figures.estimates == []
    assert figures.lines[0].description == "Geriamojo vandens tiekimas"


def test_an_estimate_after_a_gap_is_the_average_of_the_two_latest_actual_readings() -> None:
    # The audit's case: about 21 m³ a month until 2025-01, then nothing until 2026-09: the
    # average is 200 m³ / 20 months = 10, not the meter's whole life 1767 / 93 = 19.
    old = meter(
        {"2025-01": 1567, "2026-09": 1767}, initial_reading=0, installed_on=dt.date(2019, 1, 7)
    )
    figures = compute(month=dt.date(2026, 10, 1), meters=[old], issue_date=dt.date(2026, 11, 4))
    # 10 m³ estimated: water 10.20 + 2.142→2.14; wastewater 13.40 + 2.814→2.81; fee 0.78 + 0.16
    assert lines(figures) == [
        ("water", D(10), D("1.0200"), D("10.20"), D("2.14"), True),
        ("wastewater", D(10), D("1.3400"), D("13.40"), D("2.81"), True),
        ("fee", D(1), D("0.7800"), D("0.78"), D("0.16"), False),
    ]
    assert amounts(figures) == (D("24.38"), D("5.11"), D(0), D("29.49"), D(0), D("29.49"))
    [estimate] = figures.estimates
    assert (estimate.meter_id, estimate.period, estimate.value, estimate.source) == (
        70,
        dt.date(2026, 10, 1),
        1777,
        "estimate",
    )
    # The mark is in the description once: pages and PDFs print it as issued.
    assert figures.lines[0].description == "Geriamojo vandens tiekimas (apskaičiuota)"


def test_late_interest_previous_balance_and_amount_due() -> None:
    # October (40 m³) 115.17 due 30 Nov, unpaid until 50 € on 11 Dec; November 18.08.
    october = PastInvoice(dt.date(2026, 11, 3), dt.date(2026, 11, 30), D("115.17"), D(0), False)
    november = PastInvoice(dt.date(2026, 12, 3), dt.date(2027, 1, 31), D("18.08"), D(0), False)
    figures = compute(
        month=dt.date(2026, 12, 1),
        meters=[meter({"2026-11": 146, "2026-12": 152})],
        invoices=[october, november],
        payments=[PastPayment(dt.date(2026, 12, 11), D("50.00"))],
        issue_date=dt.date(2027, 1, 4),
    )
    # Overdue 115.17 on 1–10 Dec, 65.17 on 11–31 Dec: (10 × 115.17 + 21 × 65.17) × 0.02 %
    # = 2520.27 × 0.0002 = 0.504 → 0.50, a line without VAT.
    assert lines(figures)[-1] == ("", D(1), D("0.50"), D("0.50"), D(0), False)
    # Previous balance 115.17 + 18.08 − 50.00 = 83.25; total 18.08 + 0.50 = 18.58.
    assert amounts(figures) == (
        D("14.94"),
        D("3.14"),
        D("0.50"),
        D("18.58"),
        D("83.25"),
        D("101.83"),
    )


def test_what_is_issued_or_paid_after_the_issue_date_does_not_count() -> None:
    later = PastInvoice(dt.date(2026, 12, 20), dt.date(2027, 1, 31), D("40.00"), D(0), False)
    figures = compute(
        meters=[meter({"2026-10": 110, "2026-11": 116})],
        invoices=[later],
        payments=[PastPayment(dt.date(2026, 12, 4), D("10.00"))],
    )
    assert (figures.previous_balance, figures.amount_due) == (D(0), D("18.08"))


def test_a_credited_invoice_and_its_credit_note_bear_no_interest_but_count_in_the_balance() -> None:
    credited = PastInvoice(dt.date(2026, 10, 5), dt.date(2026, 10, 31), D("30.00"), D(0), True)
    note = PastInvoice(dt.date(2026, 11, 2), dt.date(2026, 11, 2), D("-30.00"), D(0), True)
    figures = compute(meters=[meter({"2026-10": 110, "2026-11": 116})], invoices=[credited, note])
    assert figures.interest == D(0)
    assert amounts(figures) == (D("14.94"), D("3.14"), D(0), D("18.08"), D(0), D("18.08"))


def test_a_contract_without_a_meter_pays_the_norm_and_the_fee_without_a_meter() -> None:
    figures = compute(
        contract=contract(residents=3), norm=D("2.500"), tariffs=tariffs(no_meter_fee="0.3500")
    )
    # 2.500 × 3 = 7.500 m³: water 7.65 + 1.6065→1.61; wastewater 10.05 + 2.1105→2.11;
    # fee without a meter 0.35 + 0.0735→0.07
    assert lines(figures) == [
        ("water", D("7.500"), D("1.0200"), D("7.65"), D("1.61"), False),
        ("wastewater", D("7.500"), D("1.3400"), D("10.05"), D("2.11"), False),
        ("fee_no_meter", D(1), D("0.3500"), D("0.35"), D("0.07"), False),
    ]
    assert amounts(figures) == (D("18.05"), D("3.79"), D(0), D("21.84"), D(0), D("21.84"))
    assert figures.lines[2].description == (
        "Abonentinis mokestis, kai nėra galimybės įrengti apskaitos prietaiso"
    )


def test_without_a_price_for_it_a_contract_without_a_meter_pays_the_metered_fee() -> None:
    figures = compute(contract=contract(residents=3), norm=D("2.500"))
    assert lines(figures)[2] == ("fee", D(1), D("0.7800"), D("0.78"), D("0.16"), False)
    assert figures.total == D("22.36")


def test_a_metered_contract_pays_the_metered_fee_even_with_a_no_meter_price() -> None:
    figures = compute(
        meters=[meter({"2026-10": 110, "2026-11": 116})], tariffs=tariffs(no_meter_fee="0.3500")
    )
    assert lines(figures)[2] == ("fee", D(1), D("0.7800"), D("0.78"), D("0.16"), False)
    assert figures.total == D("18.08")


def test_a_contract_whose_meter_is_broken_pays_the_norm_and_the_metered_fee() -> None:
    broken = meter({"2026-10": 110}, broken_since=dt.date(2026, 11, 20))
    figures = compute(
        contract=contract(residents=2),
        meters=[broken],
        norm=D("2.500"),
        tariffs=tariffs(no_meter_fee="0.3500"),
    )
    # 5.000 m³ by the norm: water 5.10 + 1.071→1.07; wastewater 6.70 + 1.407→1.41; the
    # installed (broken) meter's fee 0.78 + 0.16
    assert lines(figures) == [
        ("water", D("5.000"), D("1.0200"), D("5.10"), D("1.07"), False),
        ("wastewater", D("5.000"), D("1.3400"), D("6.70"), D("1.41"), False),
        ("fee", D(1), D("0.7800"), D("0.78"), D("0.16"), False),
    ]
    assert figures.estimates == []
    assert figures.total == D("15.22")
