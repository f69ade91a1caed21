"""Worked examples of the billing run, with the expected amounts computed by hand in comments.
Apartment tariffs: water 1.0200, wastewater 1.3400 €/m³, meter fee 0.7800 €/month, VAT 21 %."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from mokesta.billing.ledger import balance
from mokesta.billing.models import BillingPeriod, Invoice, Tariff
from mokesta.billing.numbering import is_valid_payment_code
from mokesta.billing.periods import PeriodNotEnded
from mokesta.billing.run import BillingError, bill_period
from mokesta.billing.tests.conftest import add_meter, at, bill, invoice_of, make_contract
from mokesta.metering.models import Reading
from mokesta.payments.models import Payment

D = Decimal


def lines(invoice: Invoice) -> list[tuple[str, Decimal, Decimal, Decimal, Decimal, bool]]:
    return [
        (line.service, line.quantity, line.unit_price, line.net, line.vat, line.estimated)
        for line in invoice.lines.all()
    ]


def amounts(invoice: Invoice) -> tuple[Decimal, ...]:
    return (
        invoice.net,
        invoice.vat,
        invoice.interest,
        invoice.total,
        invoice.previous_balance,
        invoice.amount_due,
    )


def assert_previous_balance_is_the_portal_figure(invoice: Invoice) -> None:
    after = balance(invoice.contract, on=invoice.issue_date)
    assert invoice.previous_balance == after - invoice.total


@pytest.mark.usefixtures("tariffs")
class TestWorkedExamples:
    def test_it_bills_a_plain_month(self) -> None:
        contract = make_contract()
        add_meter(contract, readings={"2026-10": 110, "2026-11": 116})

        assert bill("2026-11", on="2026-12-03") == 1

        invoice = invoice_of(contract, "2026-11")
        # 6 m³: water 6.12 + VAT 1.2852→1.29; wastewater 8.04 + 1.6884→1.69; fee 0.78 + 0.1638→0.16
        assert lines(invoice) == [
            ("water", D("6.000"), D("1.0200"), D("6.12"), D("1.29"), False),
            ("wastewater", D("6.000"), D("1.3400"), D("8.04"), D("1.69"), False),
            ("fee", D("1.000"), D("0.7800"), D("0.78"), D("0.16"), False),
        ]
        assert amounts(invoice) == (D("14.94"), D("3.14"), D("0"), D("18.08"), D("0"), D("18.08"))
        assert invoice.number == "VKU000001"
        assert invoice.issue_date == dt.date(2026, 12, 3)
        assert invoice.due_date == dt.date(2026, 12, 31)
        assert invoice.payment_code.startswith(f"2611{contract.pk:06d}")
        assert is_valid_payment_code(invoice.payment_code)
        assert invoice.customer_name == contract.customer.name
        assert BillingPeriod.objects.get(month="2026-11-01").is_closed

    def test_it_keeps_issued_prices_when_the_tariff_changes(self) -> None:
        Tariff.objects.filter(service="water").update(valid_to="2026-10-31")
        Tariff.objects.create(
            service="water", category="apartment", price=D("1.1000"), valid_from="2026-11-01"
        )
        contract = make_contract()
        add_meter(contract, readings={"2026-09": 104, "2026-10": 114, "2026-11": 120})

        bill("2026-10", on="2026-11-05")
        bill("2026-11", on="2026-12-03")

        october, november = invoice_of(contract, "2026-10"), invoice_of(contract, "2026-11")
        # October, 10 m³ at the old price: water 10.20 + 2.142→2.14; ww 13.40 + 2.814→2.81
        assert lines(october)[0] == (
            "water",
            D("10.000"),
            D("1.0200"),
            D("10.20"),
            D("2.14"),
            False,
        )
        assert amounts(october) == (D("24.38"), D("5.11"), D("0"), D("29.49"), D("0"), D("29.49"))
        # November, 6 m³ at the new price: water 6.60 + 1.386→1.39
        assert lines(november)[0] == ("water", D("6.000"), D("1.1000"), D("6.60"), D("1.39"), False)
        # previous balance: October unpaid (due 30 Nov, so no interest yet)
        assert amounts(november) == (
            D("15.42"),
            D("3.24"),
            D("0"),
            D("18.66"),
            D("29.49"),
            D("48.15"),
        )
        assert_previous_balance_is_the_portal_figure(november)

    def test_it_estimates_a_missing_reading_and_corrects_it_on_the_next_invoice(self) -> None:
        contract = make_contract()
        # Oct 2025 … Sep 2026: 66 m³ in 12 months since installation (initial 100).
        values = [105, 110, 116, 121, 127, 132, 138, 143, 149, 154, 160, 166]
        months = [f"{2025 + (9 + i) // 12}-{(9 + i) % 12 + 1:02d}" for i in range(12)]
        meter = add_meter(
            contract,
            installed="2025-10-01",
            initial=100,
            readings=dict(zip(months, values, strict=True)),
        )

        bill("2026-10", on="2026-11-04")

        october = invoice_of(contract, "2026-10")
        # average 66/12 = 5.5 → 6 m³ (half up), estimate 166 + 6 = 172
        estimate = Reading.objects.get(meter=meter, period="2026-10-01")
        assert (estimate.value, estimate.source) == (172, Reading.Source.ESTIMATE)
        assert lines(october) == [
            ("water", D("6.000"), D("1.0200"), D("6.12"), D("1.29"), True),
            ("wastewater", D("6.000"), D("1.3400"), D("8.04"), D("1.69"), True),
            ("fee", D("1.000"), D("0.7800"), D("0.78"), D("0.16"), False),
        ]
        assert "(apskaičiuota)" in october.lines.all()[0].description

        Reading.objects.create(meter=meter, period="2026-11-01", value=170, source="customer")
        bill("2026-11", on="2026-12-03")

        november = invoice_of(contract, "2026-11")
        # actual 170 − estimated 172 = −2 m³: water −2.04, VAT −0.4284→−0.43;
        # wastewater −2.68, VAT −0.5628→−0.56; fee 0.78 + 0.16
        assert lines(november) == [
            ("water", D("-2.000"), D("1.0200"), D("-2.04"), D("-0.43"), False),
            ("wastewater", D("-2.000"), D("1.3400"), D("-2.68"), D("-0.56"), False),
            ("fee", D("1.000"), D("0.7800"), D("0.78"), D("0.16"), False),
        ]
        assert amounts(november) == (
            D("-3.94"),
            D("-0.83"),
            D("0"),
            D("-4.77"),
            D("18.08"),
            D("13.31"),
        )

    def test_it_counts_both_meters_of_a_replacement(self) -> None:
        contract = make_contract()
        old = add_meter(contract, readings={"2026-10": 110})
        Reading.objects.create(meter=old, period="2026-11-01", value=113, source="replacement")
        old.removed_on = dt.date(2026, 11, 15)
        old.save()
        add_meter(contract, installed="2026-11-15", initial=0, readings={"2026-11": 4})

        bill("2026-11", on="2026-12-03")

        invoice = invoice_of(contract, "2026-11")
        # 3 m³ on the old meter + 4 on the new one = 7: water 7.14 + 1.4994→1.50;
        # ww 9.38 + 1.9698→1.97; one meter fee (the old one is gone at month end)
        assert lines(invoice) == [
            ("water", D("7.000"), D("1.0200"), D("7.14"), D("1.50"), False),
            ("wastewater", D("7.000"), D("1.3400"), D("9.38"), D("1.97"), False),
            ("fee", D("1.000"), D("0.7800"), D("0.78"), D("0.16"), False),
        ]
        assert amounts(invoice) == (D("17.30"), D("3.63"), D("0"), D("20.93"), D("0"), D("20.93"))

    def test_it_bills_a_contract_starting_mid_period_from_its_start_with_the_full_fee(
        self,
    ) -> None:
        contract = make_contract(start="2026-11-16")
        add_meter(contract, installed="2026-11-16", initial=50, readings={"2026-11": 53})
        later = make_contract("S-2", start="2026-12-01")
        add_meter(later, installed="2026-12-01")
        ended = make_contract("S-3", start="2020-01-01", end_date=dt.date(2026, 10, 31))
        add_meter(ended)

        assert bill("2026-11", on="2026-12-03") == 1

        invoice = invoice_of(contract, "2026-11")
        # 3 m³: water 3.06 + 0.6426→0.64; ww 4.02 + 0.8442→0.84; fee in full 0.78 + 0.16
        assert amounts(invoice) == (D("7.86"), D("1.64"), D("0"), D("9.50"), D("0"), D("9.50"))

    def test_it_carries_an_overpayment_forward(self) -> None:
        contract = make_contract()
        add_meter(contract, readings={"2026-09": 104, "2026-10": 110, "2026-11": 116})
        bill("2026-10", on="2026-11-03")
        Payment.objects.create(
            contract=contract, amount=D("30.00"), paid_on="2026-11-20", source="bank"
        )

        bill("2026-11", on="2026-12-03")

        november = invoice_of(contract, "2026-11")
        # 18.08 billed − 30.00 paid = −11.92 advance; 18.08 this month → 6.16 to pay
        assert amounts(november) == (
            D("14.94"),
            D("3.14"),
            D("0"),
            D("18.08"),
            D("-11.92"),
            D("6.16"),
        )
        assert_previous_balance_is_the_portal_figure(november)

    def test_it_charges_late_interest_on_the_next_invoice(self) -> None:
        contract = make_contract()
        add_meter(
            contract,
            readings={"2026-09": 100, "2026-10": 140, "2026-11": 146, "2026-12": 152},
        )
        bill("2026-10", on="2026-11-03")
        october = invoice_of(contract, "2026-10")
        # 40 m³: water 40.80 + 8.568→8.57; ww 53.60 + 11.256→11.26; fee 0.94 → 115.17
        assert october.total == D("115.17")
        bill("2026-11", on="2026-12-03")
        assert invoice_of(contract, "2026-11").interest == D("0")  # October is due 30 Nov
        Payment.objects.create(
            contract=contract, amount=D("50.00"), paid_on="2026-12-11", source="bank"
        )

        bill("2026-12", on="2027-01-04")

        december = invoice_of(contract, "2026-12")
        # overdue 115.17 on 1–10 Dec (10 days) and 65.17 on 11–31 Dec (21 days):
        # (1151.70 + 1368.57) × 0.02 % = 0.504054 → 0.50, a line without VAT
        assert december.interest == D("0.50")
        assert lines(december)[-1] == ("", D("1.000"), D("0.5000"), D("0.50"), D("0.00"), False)
        # previous 115.17 + 18.08 − 50.00 = 83.25; total 18.08 + 0.50 = 18.58
        assert amounts(december) == (
            D("14.94"),
            D("3.14"),
            D("0.50"),
            D("18.58"),
            D("83.25"),
            D("101.83"),
        )
        assert_previous_balance_is_the_portal_figure(december)


@pytest.mark.usefixtures("tariffs")
class TestRunRules:
    def test_it_bills_a_garden_meter_for_water_only(self) -> None:
        contract = make_contract()
        add_meter(contract, readings={"2026-10": 110, "2026-11": 116})
        add_meter(contract, garden=True, initial=0, readings={"2026-10": 10, "2026-11": 14})

        bill("2026-11", on="2026-12-03")

        quantities = {line[0]: line[1] for line in lines(invoice_of(contract, "2026-11"))}
        assert quantities == {"water": D("10"), "wastewater": D("6"), "fee": D("2")}

    def test_it_bills_nothing_twice(self) -> None:
        contract = make_contract()
        add_meter(contract, readings={"2026-10": 110, "2026-11": 116})

        assert bill("2026-11", on="2026-12-03") == 1
        assert bill("2026-11", on="2026-12-04") == 0

        assert Invoice.objects.filter(contract=contract).count() == 1

    def test_it_numbers_invoices_without_gaps_across_chunks(self) -> None:
        for i in range(5):
            add_meter(make_contract(f"S-{i}"), readings={"2026-11": 110})

        with time_machine.travel(at("2026-12-03"), tick=False):
            bill_period(month=dt.date(2026, 11, 1), chunk_size=2)

        assert sorted(Invoice.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5]

    def test_it_refuses_a_month_that_has_not_ended(self) -> None:
        make_contract()
        with pytest.raises(PeriodNotEnded):
            bill("2026-11", on="2026-11-30")
        assert not Invoice.objects.exists()

    def test_it_refuses_to_start_without_a_tariff(self) -> None:
        make_contract(category="company")
        with pytest.raises(BillingError, match="company"):
            bill("2026-11", on="2026-12-03")
        assert not Invoice.objects.exists()

    def test_it_issues_late_runs_dated_the_tenth(self) -> None:
        add_meter(make_contract(), readings={"2026-11": 110})
        bill("2026-11", on="2027-02-01")
        assert Invoice.objects.get().issue_date == dt.date(2026, 12, 10)

    def test_it_bills_the_positive_difference_when_the_actual_reading_is_above_the_estimate(
        self,
    ) -> None:
        contract = make_contract()
        meter = add_meter(contract, readings={"2026-09": 110})
        bill("2026-10", on="2026-11-04")  # average since installation: 10 m³ in 21 months → 0
        assert Reading.objects.get(meter=meter, period="2026-10-01").value == 110

        Reading.objects.create(meter=meter, period="2026-11-01", value=113, source="customer")
        bill("2026-11", on="2026-12-03")

        november = invoice_of(contract, "2026-11")
        assert [line[:2] for line in lines(november)] == [
            ("water", D("3.000")),
            ("wastewater", D("3.000")),
            ("fee", D("1.000")),
        ]
        assert "patikslinimu" in november.lines.all()[0].description

    def test_it_bills_the_fee_alone_to_a_contract_without_meters(self) -> None:
        contract = make_contract()

        bill("2026-11", on="2026-12-03")

        assert lines(invoice_of(contract, "2026-11")) == [
            ("fee", D("1.000"), D("0.7800"), D("0.78"), D("0.16"), False)
        ]
