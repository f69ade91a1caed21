"""Contracts without a meter are billed by the per-person consumption norm. Apartment tariffs:
water 1.0200, wastewater 1.3400 €/m³, meter fee 0.7800 €/month, VAT 21 %."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from mokesta.accounts.models import User
from mokesta.billing.models import ConsumptionNorm, Invoice
from mokesta.billing.pdf import render_invoice_pdf
from mokesta.billing.tests.conftest import add_meter, bill, invoice_of, make_contract

D = Decimal


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def lines(invoice: Invoice) -> list[tuple[str, Decimal, Decimal, Decimal, Decimal]]:
    return [
        (line.service, line.quantity, line.unit_price, line.net, line.vat)
        for line in invoice.lines.all()
    ]


def set_norm(valid_from: str, m3: str) -> None:
    ConsumptionNorm.objects.create(
        valid_from=dt.date.fromisoformat(valid_from), m3_per_person_month=D(m3)
    )


@pytest.mark.usefixtures("tariffs")
class TestBillingByTheNorm:
    def test_it_bills_a_contract_without_a_meter_by_the_norm_times_its_residents(self) -> None:
        set_norm("2026-01-01", "2.500")
        contract = make_contract(residents=3)

        bill("2026-11", on="2026-12-03")

        november = invoice_of(contract, "2026-11")
        # 2.500 × 3 = 7.500 m³: water 7.65 + 1.6065→1.61; wastewater 10.05 + 2.1105→2.11;
        # fee 0.78 + 0.1638→0.16
        assert lines(november) == [
            ("water", D("7.500"), D("1.0200"), D("7.65"), D("1.61")),
            ("wastewater", D("7.500"), D("1.3400"), D("10.05"), D("2.11")),
            ("fee", D("1.000"), D("0.7800"), D("0.78"), D("0.16")),
        ]
        assert (november.net, november.vat, november.total) == (D("18.48"), D("3.88"), D("22.36"))
        descriptions = [line.description for line in november.lines.all()]
        assert descriptions[0] == "Geriamojo vandens tiekimas (pagal normą)"
        assert "(pagal normą)" in descriptions[1]
        assert not any(line.estimated for line in november.lines.all())

    def test_the_pdf_writes_a_norm_quantity_with_a_decimal_comma(self) -> None:
        set_norm("2026-01-01", "2.500")
        contract = make_contract(residents=3)
        bill("2026-11", on="2026-12-03")

        text = " ".join(text_of(render_invoice_pdf(invoice_of(contract, "2026-11"))).split())
        assert "Geriamojo vandens tiekimas (pagal normą) 7,5 m³ 1,0200" in text
        assert "7.5" not in text
        assert "21 %" in text

    def test_it_uses_the_norm_in_force_on_the_first_day_of_the_month(self) -> None:
        set_norm("2026-01-01", "2.500")
        set_norm("2026-11-02", "4.000")  # from the 2nd: December's norm, not November's
        contract = make_contract(residents=2)

        bill("2026-11", on="2026-12-03")
        bill("2026-12", on="2027-01-04")

        assert lines(invoice_of(contract, "2026-11"))[0][:2] == ("water", D("5.000"))
        assert lines(invoice_of(contract, "2026-12"))[0][:2] == ("water", D("8.000"))

    def test_it_leaves_a_contract_with_a_meter_billed_by_its_meter(self) -> None:
        set_norm("2026-01-01", "2.500")
        contract = make_contract(residents=3)
        add_meter(contract, readings={"2026-10": 110, "2026-11": 116})

        bill("2026-11", on="2026-12-03")

        november = invoice_of(contract, "2026-11")
        assert [line[:2] for line in lines(november)] == [
            ("water", D("6.000")),
            ("wastewater", D("6.000")),
            ("fee", D("1.000")),
        ]
        assert not any("normą" in line.description for line in november.lines.all())

    def test_it_bills_by_the_norm_once_the_meter_was_removed_before_the_month(self) -> None:
        set_norm("2026-01-01", "2.500")
        contract = make_contract(residents=1)
        meter = add_meter(contract, readings={"2026-09": 110})
        meter.removed_on = dt.date(2026, 9, 30)
        meter.save()

        bill("2026-11", on="2026-12-03")

        assert [line[:2] for line in lines(invoice_of(contract, "2026-11"))] == [
            ("water", D("2.500")),
            ("wastewater", D("2.500")),
            ("fee", D("1.000")),
        ]

    def test_it_bills_the_fee_only_when_no_norm_is_in_force_yet(self) -> None:
        set_norm("2026-12-01", "2.500")
        contract = make_contract(residents=3)

        bill("2026-11", on="2026-12-03")

        assert [line[0] for line in lines(invoice_of(contract, "2026-11"))] == ["fee"]

    def test_it_loads_the_norm_once_whatever_the_number_of_contracts(self) -> None:
        set_norm("2026-01-01", "2.500")
        make_contract("N-1", residents=2)
        with CaptureQueriesContext(connection) as one:
            bill("2026-11", on="2026-12-03")
        for number in range(2, 7):
            make_contract(f"N-{number}", start="2026-12-01", residents=number)
        with CaptureQueriesContext(connection) as six:
            bill("2026-12", on="2027-01-04")

        assert Invoice.objects.filter(period__month="2026-12-01").count() == 6
        # The first run also creates the period and the series; a query per contract would add 5.
        assert len(six) <= len(one)
        norm_queries = [q for q in six.captured_queries if "consumptionnorm" in q["sql"]]
        assert len(norm_queries) == 1


def test_it_rejects_a_negative_norm_in_the_admin(client: Client, staff: User) -> None:
    client.force_login(staff)

    page = client.get("/admin/billing/consumptionnorm/add/").content.decode()
    response = client.post(
        "/admin/billing/consumptionnorm/add/",
        {"valid_from": "2026-01-01", "m3_per_person_month": "-1"},
    )

    assert "Norma, m³ vienam asmeniui per mėnesį" in page
    assert response.status_code == 200
    assert "Norma negali būti neigiama." in response.content.decode()
    assert not ConsumptionNorm.objects.exists()


def test_it_rejects_a_second_norm_from_the_same_day_in_the_admin(
    client: Client, staff: User
) -> None:
    client.force_login(staff)
    set_norm("2026-01-01", "2.500")

    response = client.post(
        "/admin/billing/consumptionnorm/add/",
        {"valid_from": "2026-01-01", "m3_per_person_month": "3"},
    )

    assert response.status_code == 200
    assert "jau egzistuoja" in response.content.decode()
    assert ConsumptionNorm.objects.get().m3_per_person_month == D("2.500")
