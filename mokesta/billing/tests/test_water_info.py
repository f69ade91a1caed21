"""The Drinking Water Directive's figures (EU 2020/2184, Annex IV): price per m³ and per litre,
the contract's last 12 months and the 12 before, the average household of its category — to the
litre and the cent, and written on the invoice by the billing run."""

import datetime as dt
import io
import itertools
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from lxml import html
from pypdf import PdfReader

from mokesta.accounts.models import User
from mokesta.billing.models import BillingPeriod, Invoice, Tariff
from mokesta.billing.pdf import render_invoice_pdf
from mokesta.billing.pricing import tariffs_on
from mokesta.billing.tests.conftest import add_meter, bill, invoice_of, make_contract
from mokesta.billing.water_info import (
    MIN_HOUSEHOLDS,
    BilledMonth,
    change_percent,
    household_averages,
    prices,
    yearly_consumption,
)
from mokesta.customers.models import Contract, ContractAccess
from mokesta.lib.dates import add_months, month_end
from mokesta.testing.billing import make_tariffs

D = Decimal
DEC = dt.date(2026, 12, 1)
_numbers = itertools.count(1)


def issued(contract: Contract, month: dt.date, m3: str, *, kind: str = "invoice") -> Invoice:
    """A document of `month` that billed `m3` of drinking water (amounts do not matter here)."""
    n = next(_numbers)
    period, _ = BillingPeriod.objects.get_or_create(month=month)
    return Invoice.objects.create(
        series="T",
        sequence=n,
        number=f"T{n:06d}",
        kind=kind,
        corrects=Invoice.objects.get(contract=contract, period=period)
        if kind != "invoice"
        else None,
        contract=contract,
        period=period,
        issue_date=add_months(month, 1).replace(day=3),
        due_date=month_end(add_months(month, 1)),
        customer_name="Mokėtojas",
        customer_address="Liepų g. 3",
        payer_code=contract.customer.payer_code,
        net=D(0),
        vat=D(0),
        total=D(0),
        amount_due=D(0),
        payment_code=f"T{n:06d}",
        water_m3=D(m3),
    )


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def months(last: dt.date, count: int) -> list[dt.date]:
    """The `count` months ending with `last`, oldest first."""
    return [add_months(last, -offset) for offset in range(count - 1, -1, -1)]


# --- price ---------------------------------------------------------------------------------


def test_the_price_is_water_and_wastewater_with_vat_per_m3_and_per_litre(db: None) -> None:
    make_tariffs()  # water 1.0200, wastewater 1.3400 without VAT, 21 %
    per_m3, per_litre = prices(tariffs_on(DEC), "apartment")
    # 1.02 × 1.21 + 1.34 × 1.21 = 1.2342 + 1.6214 = 2.8556 € per m³
    assert per_m3 == D("2.86")
    assert per_litre == D("0.0029")  # 0.0028556 € per litre, to 0.0001 €


# --- the contract's years ------------------------------------------------------------------


def billed(month: dt.date, m3: str, *, standing: bool = True) -> BilledMonth:
    return BilledMonth(month, standing, D(m3))


def test_the_year_is_this_invoice_and_the_11_months_before() -> None:
    history = [billed(month, "6.5") for month in months(add_months(DEC, -1), 11)]
    year, before = yearly_consumption(history, month=DEC, this_m3=D("7.250"))
    assert year == D("78.750")  # 11 × 6.5 + 7.25
    assert before is None  # nothing billed before those 12 months


def test_the_year_before_needs_all_of_its_12_months() -> None:
    history = [billed(month, "5") for month in months(add_months(DEC, -1), 23)]
    assert yearly_consumption(history, month=DEC, this_m3=D(4)) == (D(59), D(60))
    gap = [row for row in history if row.period != add_months(DEC, -20)]
    assert yearly_consumption(gap, month=DEC, this_m3=D(4)) == (D(59), None)


def test_a_month_missing_from_the_year_shows_no_year() -> None:
    history = [billed(month, "5") for month in months(add_months(DEC, -2), 10)]
    assert yearly_consumption(history, month=DEC, this_m3=D(4)) == (None, None)


def test_a_credited_month_counts_once_billed_again_with_the_credit_note_netted() -> None:
    history = [billed(month, "5") for month in months(add_months(DEC, -1), 11)]
    march = add_months(DEC, -9)
    # March billed 73 m³, credited (−73) and billed again at 37 m³ instead of its 5.
    history = [row for row in history if row.period != march] + [
        billed(march, "73", standing=False),
        billed(march, "-73", standing=False),
        billed(march, "37"),
    ]
    assert yearly_consumption(history, month=DEC, this_m3=D(5)) == (D(92), None)  # 10×5 + 37 + 5
    only_credited = [row for row in history if not (row.period == march and row.standing)]
    assert yearly_consumption(only_credited, month=DEC, this_m3=D(5)) == (None, None)


def test_the_change_is_in_whole_percent() -> None:
    assert change_percent(D(66), D(60)) == D(10)
    assert change_percent(D("56.7"), D(60)) == D(-6)  # −5.5 % rounds half up to −6
    assert change_percent(D(66), None) is None
    assert change_percent(D(66), D(0)) is None


# --- the average household -----------------------------------------------------------------


def test_the_average_household_is_the_mean_of_contracts_billed_all_12_months(
    db: None, django_assert_num_queries: object
) -> None:
    year = months(add_months(DEC, -1), 12)  # 2025-12 … 2026-11
    for i in range(MIN_HOUSEHOLDS):
        contract = make_contract(f"A-{i}")
        for month in year:
            issued(contract, month, str(D("5.125") + i))  # 12 × (5.125 + i) m³
    short = make_contract("A-short", start="2026-01-01")  # 11 months: not counted
    for month in year[1:]:
        issued(short, month, "90")
    for i in range(MIN_HOUSEHOLDS - 1):  # too few houses for an average
        house = make_contract(f"H-{i}", category="house")
        for month in year:
            issued(house, month, "10")
    company = make_contract("C-1", category="company")
    for month in year:
        issued(company, month, "900")
    issued(make_contract("A-dec"), DEC, "500")  # the billed month itself is not in it

    with django_assert_num_queries(1):  # type: ignore[operator]
        averages = household_averages(DEC)
    # mean of 12 × (5.125 + i), i = 0…9: 12 × 9.625 = 115.5 m³
    assert averages == {"apartment": D("115.500")}


def test_a_credited_month_not_billed_again_leaves_the_contract_out(db: None) -> None:
    year = months(add_months(DEC, -1), 12)
    contracts = [make_contract(f"A-{i}") for i in range(MIN_HOUSEHOLDS + 1)]
    for contract in contracts:
        for month in year:
            issued(contract, month, "10")
    Invoice.objects.filter(contract=contracts[0], period__month=year[3]).update(credited=True)
    issued(contracts[0], year[3], "-10", kind="credit_note")
    # contracts[0] has 11 standing months: the other ten average 120 m³ (to the litre)
    assert household_averages(DEC) == {"apartment": D("120.000")}


# --- on the invoice ------------------------------------------------------------------------


@pytest.fixture
def neighbours(tariffs: None) -> None:
    """Ten apartments billed for every month of 2025-12 … 2026-11 (12 × 9 m³ = 108 m³ each)."""
    for i in range(MIN_HOUSEHOLDS):
        contract = make_contract(f"N-{i}", start="2024-01-01")
        for month in months(add_months(DEC, -1), 12):
            issued(contract, month, "9")


def test_the_run_writes_the_figures_on_a_household_invoice(neighbours: None) -> None:
    contract = make_contract("S-1", start="2024-01-01")
    for month in months(add_months(DEC, -1), 23):  # 2025-01 … 2026-11
        issued(contract, month, "8" if month < add_months(DEC, -11) else "7")
    add_meter(contract, readings={"2026-11": 130, "2026-12": 136})
    bill("2026-12", on="2027-01-04")

    invoice = invoice_of(contract, "2026-12")
    assert invoice.water_m3 == D(6)
    assert (invoice.price_m3, invoice.price_litre) == (D("2.86"), D("0.0029"))
    assert invoice.year_m3 == D(83)  # 11 × 7 + 6
    assert invoice.year_before_m3 == D(96)  # 12 × 8
    # 2025-12 … 2026-11: ten neighbours with 108 m³ and S-1 itself with 8 + 11 × 7 = 85 m³
    assert invoice.household_average_m3 == D("105.909")  # 1165 / 11, to the litre


def test_a_new_household_gets_the_price_but_no_year(neighbours: None) -> None:
    contract = make_contract("S-NEW", start="2026-10-01")
    add_meter(contract, initial=0, installed="2026-10-01", readings={"2026-12": 5})
    bill("2026-12", on="2027-01-04")
    invoice = invoice_of(contract, "2026-12")
    assert invoice.price_m3 == D("2.86")
    assert (invoice.year_m3, invoice.year_before_m3, invoice.household_average_m3) == (
        None,
        None,
        None,
    )


def test_a_company_invoice_has_none_of_it(db: None) -> None:
    make_tariffs("company")
    contract = make_contract("C-1", category="company")
    add_meter(contract, readings={"2026-11": 130, "2026-12": 136})
    bill("2026-12", on="2027-01-04")
    invoice = invoice_of(contract, "2026-12")
    assert invoice.water_m3 == D(6)
    assert (invoice.price_m3, invoice.price_litre, invoice.year_m3) == (None, None, None)


def test_the_pdf_prints_the_figures_the_invoice_kept(neighbours: None) -> None:
    contract = make_contract("S-1", start="2024-01-01")
    for month in months(add_months(DEC, -1), 23):
        issued(contract, month, "8" if month < add_months(DEC, -11) else "7")
    add_meter(contract, readings={"2026-11": 130, "2026-12": 136})
    bill("2026-12", on="2027-01-04")
    text = " ".join(pdf_text(render_invoice_pdf(invoice_of(contract, "2026-12"))).split())
    assert "Geriamasis vanduo (ES direktyva 2020/2184)" in text
    assert (
        "Kaina su PVM (vandens tiekimas ir nuotekos): 2,86 € už 1 m³, 0,0029 € už 1 litrą" in text
    )
    # (83 − 96) / 96 = −13.5 %
    assert "per paskutinius 12 mėnesių: 83 m³; per ankstesnius 12 mėnesių: 96 m³ (-14 %)" in text
    assert "namų ūkis per 12 mėnesių suvartojo 105,909 m³" in text


def test_the_pdf_of_a_new_household_says_when_the_year_will_show(neighbours: None) -> None:
    contract = make_contract("S-NEW", start="2026-10-01")
    add_meter(contract, initial=0, installed="2026-10-01", readings={"2026-12": 5})
    bill("2026-12", on="2027-01-04")
    text = " ".join(pdf_text(render_invoice_pdf(invoice_of(contract, "2026-12"))).split())
    assert "2,86 € už 1 m³" in text
    assert "kai pagal sutartį bus išrašytos 12 mėnesių sąskaitos" in text
    assert "Vidutinis" not in text


def main_text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(
        html.fromstring(response.content).get_element_by_id("main").text_content().split()
    )


def test_the_invoice_page_and_the_dashboard_show_the_figures_kept(
    neighbours: None, alice: User
) -> None:
    contract = make_contract("S-1", start="2024-01-01")
    ContractAccess.objects.create(user=alice, contract=contract)
    for month in months(add_months(DEC, -1), 23):
        issued(contract, month, "8" if month < add_months(DEC, -11) else "7")
    add_meter(contract, readings={"2026-11": 130, "2026-12": 136})
    bill("2026-12", on="2027-01-04")
    invoice = invoice_of(contract, "2026-12")
    client = Client()
    client.force_login(alice)

    page = main_text(client, reverse("billing:detail", args=[invoice.pk]))
    assert "Geriamasis vanduo (ES direktyva 2020/2184)" in page
    assert "Kaina su PVM (vandens tiekimas ir nuotekos) 2,86 € už 1 m³, 0,0029 € už 1 litrą" in page
    assert "Jūsų suvartojimas per paskutinius 12 mėnesių 83 m³" in page
    assert "Per ankstesnius 12 mėnesių 96 m³ (-14 %)" in page
    assert "Vidutinis tokio paties tipo namų ūkis per 12 mėnesių 105,909 m³" in page

    # Prices change later: the dashboard shows what the latest household invoice kept.
    Tariff.objects.filter(service="water").update(price=D("9.0000"))
    dashboard = main_text(client, reverse("portal:dashboard"))
    assert "2,86 € už 1 m³, 0,0029 € už 1 litrą" in dashboard
    assert "83 m³" in dashboard and "105,909 m³" in dashboard


def test_a_company_page_has_no_water_block(alice: User) -> None:
    make_tariffs("company")
    contract = make_contract("C-1", category="company")
    ContractAccess.objects.create(user=alice, contract=contract)
    add_meter(contract, readings={"2026-11": 130, "2026-12": 136})
    bill("2026-12", on="2027-01-04")
    client = Client()
    client.force_login(alice)
    page = main_text(client, reverse("billing:detail", args=[invoice_of(contract, "2026-12").pk]))
    assert "Skaitiklių rodmenys" in page and "ES direktyva" not in page
    assert "ES direktyva" not in main_text(client, reverse("portal:dashboard"))
