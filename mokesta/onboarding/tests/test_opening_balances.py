"""Opening balances and imported history, through every reader: the ledger, the dashboard, the
payments page, late-payment interest, the next invoice's previous balance and its estimate.

Apartment tariffs: water 1.0200, wastewater 1.3400 €/m³, meter fee 0.7800 €/month, VAT 21 %."""

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.billing.isaf import write_isaf
from mokesta.billing.ledger import balance, contract_invoice_states
from mokesta.billing.models import Invoice
from mokesta.billing.run import bill_period
from mokesta.customers.models import Contract, ContractAccess
from mokesta.metering.models import Reading
from mokesta.onboarding.importing import import_file
from mokesta.onboarding.tests.helpers import csv_file, history, row
from mokesta.payments.models import Payment
from mokesta.testing.billing import at, make_tariffs

D = Decimal


@pytest.fixture
def imported(db: None) -> Iterator[None]:
    """Imported on 2 December 2026 with balances as of 30 November: SUT-1 owes 100.00 €, SUT-2
    has paid 20.00 € too much; SUT-1's meter has 12 months of history, 5 m³ a month."""
    make_tariffs("apartment")
    with time_machine.travel(at("2026-12-02"), tick=False):
        result = import_file(
            data=csv_file(
                [
                    row(opening_balance="100,00"),
                    row(
                        contract_number="SUT-2",
                        payer_code="2002",
                        email="",
                        meter_serial="M-2",
                        reading="40",
                        opening_balance="-20,00",
                    ),
                ]
            ),
            dry_run=False,
        )
        assert result.ok, result.problems
        months = [f"{y}-{m:02d}" for y, m in [(2025, 11), (2025, 12)]] + [
            f"2026-{m:02d}" for m in range(1, 11)
        ]
        rows = [("M-1", month, 440 + 5 * k, 0) for k, month in enumerate(months)]
        rows += [("M-2", "2026-10", 36, 0), ("M-2", "2026-09", 30, 1)]
        result = import_file(data=history(*rows), dry_run=False)
        assert result.ok, result.problems
    yield


def contract(number: str) -> Contract:
    return Contract.objects.get(number=number)


@pytest.mark.usefixtures("imported")
class TestOpeningBalances:
    def test_a_debt_is_an_opening_document_and_an_overpayment_a_payment(self) -> None:
        debt = Invoice.objects.get()
        assert (debt.kind, debt.get_kind_display()) == ("opening", "pradinis likutis")
        assert (debt.total, debt.issue_date, debt.due_date) == (
            D("100.00"),
            dt.date(2026, 11, 30),
            dt.date(2026, 11, 30),
        )
        assert debt.contract == contract("SUT-1") and not debt.lines.exists()
        credit = Payment.objects.get()
        assert (credit.source, credit.get_source_display()) == ("opening", "pradinis likutis")
        assert (credit.amount, credit.paid_on, credit.contract) == (
            D("20.00"),
            dt.date(2026, 11, 30),
            contract("SUT-2"),
        )

    def test_the_ledger_reads_them(self) -> None:
        assert balance(contract("SUT-1")) == D("100.00")
        assert balance(contract("SUT-2")) == D("-20.00")
        assert list(contract_invoice_states(contract("SUT-1")).values()) == ["unpaid"]

    def test_a_new_file_never_brings_them_in_again(self) -> None:
        with time_machine.travel(at("2026-12-03"), tick=False):
            result = import_file(data=csv_file([row(opening_balance="55,00")]), dry_run=False)
        assert result.counts["opening_balances_kept"] == 1
        assert balance(contract("SUT-1")) == D("100.00")

    def test_the_next_invoice_carries_the_balance_interest_and_estimate_to_the_cent(
        self,
    ) -> None:
        with time_machine.travel(at("2027-01-05"), tick=False):
            bill_period(month=dt.date(2026, 12, 1))

        invoice = Invoice.objects.get(contract=contract("SUT-1"), kind="invoice")
        # December not declared: 12-month average of the imported history, 5 m³.
        # water 5 × 1.02 = 5.10 + VAT 1.071→1.07; wastewater 6.70 + 1.407→1.41; fee 0.78 + 0.16
        # interest: 100.00 overdue each day of December, 31 × 0.02 % × 100.00 = 0.62
        assert [
            (line.service, line.quantity, line.net, line.vat, line.estimated)
            for line in invoice.lines.all()
        ] == [
            ("water", D("5.000"), D("5.10"), D("1.07"), True),
            ("wastewater", D("5.000"), D("6.70"), D("1.41"), True),
            ("fee", D("1.000"), D("0.78"), D("0.16"), False),
            ("", D("1.000"), D("0.62"), D("0.00"), False),
        ]
        assert (invoice.net, invoice.vat, invoice.interest, invoice.total) == (
            D("12.58"),
            D("2.64"),
            D("0.62"),
            D("15.84"),
        )
        assert (invoice.previous_balance, invoice.amount_due) == (D("100.00"), D("115.84"))
        estimate = Reading.objects.get(meter__serial_number="M-1", period="2026-12-01")
        assert (estimate.value, estimate.source) == (505, "estimate")

        overpaid = Invoice.objects.get(contract=contract("SUT-2"), kind="invoice")
        assert overpaid.previous_balance == D("-20.00")
        assert overpaid.interest == D("0.00")
        assert overpaid.amount_due == overpaid.total - D("20.00")

    def test_an_opening_balance_is_no_sale_for_isaf(self) -> None:
        from mokesta.utility.models import Utility

        utility = Utility.current()
        utility.company_code = utility.company_code or "123456789"
        utility.save()
        out = io.BytesIO()
        assert write_isaf(out, month=dt.date(2026, 11, 1)) == 0
        assert b"LIKUTIS" not in out.getvalue()


@pytest.mark.usefixtures("imported")
class TestTheCustomerSeesThem:
    @pytest.fixture
    def client_of(self, alice: User) -> Client:
        for number in ("SUT-1", "SUT-2"):
            ContractAccess.objects.create(user=alice, contract=contract(number), via="code")
        client = Client()
        client.force_login(alice)
        return client

    def test_on_the_dashboard(self, client_of: Client) -> None:
        with time_machine.travel(at("2026-12-02"), tick=False):
            page = client_of.get(reverse("portal:dashboard")).content.decode()
        assert "100,00" in page and "20,00" in page

    def test_on_the_payments_page(self, client_of: Client) -> None:
        with time_machine.travel(at("2026-12-02"), tick=False):
            debt = client_of.get(reverse("payments:list", args=[contract("SUT-1").pk]))
            credit = client_of.get(reverse("payments:list", args=[contract("SUT-2").pk]))
        assert "100,00" in debt.content.decode()
        assert "20,00" in credit.content.decode()
