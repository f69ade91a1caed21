import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from mokesta.billing.credit_notes import CreditNoteError, issue_credit_note
from mokesta.billing.ledger import balance
from mokesta.billing.models import Invoice
from mokesta.billing.run import bill_period
from mokesta.billing.tests.conftest import add_meter, at, make_contract


@pytest.fixture
def invoice(tariffs: None) -> Invoice:
    add_meter(make_contract(), readings={"2026-10": 110, "2026-11": 116})
    with time_machine.travel(at("2026-12-03"), tick=False):
        bill_period(month=dt.date(2026, 11, 1))
    return Invoice.objects.get()


def test_it_reverses_the_invoice_with_the_next_number(invoice: Invoice) -> None:
    with time_machine.travel(at("2026-12-05"), tick=False):
        note = issue_credit_note(invoice=invoice, reason="Klaidingi rodmenys")

    assert (note.kind, note.corrects, note.number) == ("credit_note", invoice, "VKU000002")
    assert (note.net, note.vat, note.total) == (
        Decimal("-14.94"),
        Decimal("-3.14"),
        Decimal("-18.08"),
    )
    assert [line.total for line in note.lines.all()] == [
        Decimal("-7.41"),
        Decimal("-9.73"),
        Decimal("-0.94"),
    ]
    assert (note.previous_balance, note.amount_due) == (Decimal("18.08"), Decimal("0.00"))
    assert note.issue_date == dt.date(2026, 12, 5)
    assert balance(invoice.contract) == Decimal("0.00")
    # the credited invoice itself is untouched
    assert Invoice.objects.get(pk=invoice.pk).total == Decimal("18.08")


def test_it_refuses_to_credit_an_invoice_twice(invoice: Invoice) -> None:
    issue_credit_note(invoice=invoice, reason="Klaida")
    with pytest.raises(CreditNoteError):
        issue_credit_note(invoice=invoice, reason="Dar kartą")
    assert Invoice.objects.filter(kind="credit_note").count() == 1


def test_it_refuses_a_credit_note_without_a_reason(invoice: Invoice) -> None:
    with pytest.raises(CreditNoteError):
        issue_credit_note(invoice=invoice, reason="  ")
    assert Invoice.objects.count() == 1


def test_it_refuses_to_credit_a_credit_note(invoice: Invoice) -> None:
    note = issue_credit_note(invoice=invoice, reason="Klaida")
    with pytest.raises(CreditNoteError):
        issue_credit_note(invoice=note, reason="Klaida")
