"""A credit note cancels its invoice from the start: the credited invoice never bears late
interest, even for the days between its due date and the credit note. Apartment tariffs: water
1.0200, wastewater 1.3400 €/m³, meter fee 0.7800 €/month, VAT 21 %, 0.02 % a day."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from mokesta.billing.credit_notes import issue_credit_note
from mokesta.billing.ledger import balance
from mokesta.billing.tests.conftest import add_meter, at, bill, invoice_of, make_contract
from mokesta.customers.models import Contract

D = Decimal


@pytest.fixture
def contract(tariffs: None) -> Contract:
    """September (10 m³) and October (40 m³) billed and never paid; November billed."""
    contract = make_contract()
    add_meter(
        contract,
        readings={"2026-08": 100, "2026-09": 110, "2026-10": 150, "2026-11": 156, "2026-12": 162},
    )
    bill("2026-09", on="2026-10-03")
    bill("2026-10", on="2026-11-03")
    bill("2026-11", on="2026-12-03")
    return contract


def test_a_credited_invoice_bears_no_interest_before_its_credit_note(contract: Contract) -> None:
    # September 10 m³: water 10.20 + 2.142→2.14; ww 13.40 + 2.814→2.81; fee 0.78 + 0.16
    assert invoice_of(contract, "2026-09").total == D("29.49")
    october = invoice_of(contract, "2026-10")
    assert (october.total, october.due_date) == (D("115.17"), dt.date(2026, 11, 30))
    with time_machine.travel(at("2026-12-15"), tick=False):
        issue_credit_note(invoice=october, reason="Klaidingi rodmenys")

    bill("2026-12", on="2027-01-04")

    december = invoice_of(contract, "2026-12")
    # Only September is overdue in December, all 31 days: 29.49 × 31 × 0.02 % = 0.182838 → 0.18.
    # October (due 30 Nov, credited 15 Dec) would have added 115.17 × 15 days → 0.53 in all.
    assert december.interest == D("0.18")
    # The balance still counts October and its credit note: they cancel out.
    november = invoice_of(contract, "2026-11")
    assert december.previous_balance == D("29.49") + november.total
    assert balance(contract, on=dt.date(2027, 1, 4)) == december.amount_due


def test_an_invoice_credited_after_the_month_still_bears_no_interest_for_it(
    contract: Contract,
) -> None:
    october = invoice_of(contract, "2026-10")
    with time_machine.travel(at("2027-01-02"), tick=False):
        issue_credit_note(invoice=october, reason="Klaidingi rodmenys")

    bill("2026-12", on="2027-01-04")

    # October was overdue all December until credited on 2 January: still no interest on it.
    assert invoice_of(contract, "2026-12").interest == D("0.18")
