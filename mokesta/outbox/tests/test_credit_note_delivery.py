"""A credit note reaches the users who opted in, by e-mail and SMS, with its own wording: what it
takes off which invoice, and what is left to pay (or overpaid) after it."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from mokesta.billing.credit_notes import CreditNoteError, issue_credit_note
from mokesta.billing.models import Invoice
from mokesta.outbox.models import OutgoingMessage
from mokesta.payments.models import Payment
from mokesta.utility.models import Utility

from .conftest import make_invoice, opt_in

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def utility(db: None) -> Utility:
    return Utility.objects.create(
        name="VšĮ Velžio komunalinis ūkis", short_name="Velžio komunalinis ūkis"
    )


@pytest.fixture
def credit(alice, contract, utility, django_capture_on_commit_callbacks):
    """Alice makes her choices; the invoice VKU-000500 (24,68 €) is credited in full and the
    transaction commits, so the task (immediate backend) sends."""

    def credit(*, paid: str = "0.00", **choices: object) -> Invoice:
        opt_in(alice, contract, **choices)
        invoice = make_invoice(contract, sequence=500)
        if Decimal(paid):
            Payment.objects.create(
                contract=contract, amount=paid, paid_on=dt.date(2026, 11, 10), source="bank"
            )
        with (
            time_machine.travel(TODAY, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return issue_credit_note(invoice=invoice, reason="Klaidingi rodmenys")

    return credit


def test_a_credit_note_is_queued_with_what_it_credits_and_the_balance_after_it(
    alice, contract, utility
) -> None:
    opt_in(alice, contract, invoices_by_email=True, sms_opt_in=True, phone="+37061234567")
    invoice = make_invoice(contract, sequence=500)
    make_invoice(contract, sequence=501, month=dt.date(2026, 9, 1))  # still unpaid

    note = issue_credit_note(invoice=invoice, reason="Klaidingi rodmenys")

    rows = OutgoingMessage.objects.filter(invoice=note)
    assert sorted(rows.values_list("channel", flat=True)) == ["email", "sms"]
    first = rows.first()
    assert first is not None
    context = first.context
    assert context["kind"] == "credit_note"
    assert context["corrects"] == "VKU-000500"
    assert context["amount_credited"] == "24.68"
    assert context["amount_due"] == "24.68" == str(note.amount_due)  # the other invoice


def test_a_credit_note_that_is_not_issued_queues_nothing(alice, contract, utility) -> None:
    opt_in(alice, contract, invoices_by_email=True)
    invoice = make_invoice(contract, sequence=500)
    issue_credit_note(invoice=invoice, reason="Klaida")
    with pytest.raises(CreditNoteError):
        issue_credit_note(invoice=invoice, reason="Dar kartą")
    assert OutgoingMessage.objects.filter(invoice__kind="credit_note").count() == 1


def test_the_credit_note_sms_says_what_was_credited_and_that_nothing_is_due(
    credit, infobip
) -> None:
    note = credit(sms_opt_in=True, phone="+37061234567")
    assert infobip.problems == []
    assert [sms["text"] for sms in infobip.received] == [
        f"Velžio komunalinis ūkis: kreditinė sąskaita {note.number}: sąskaita VKU-000500 "
        "sumažinta 24,68 EUR. Mokėti nieko nereikia."
    ]
    assert "pay by" not in infobip.received[0]["text"]


def test_the_credit_note_sms_tells_an_overpayment_in_english(credit, infobip) -> None:
    note = credit(paid="30.00", sms_opt_in=True, phone="+37061234567", language="en")
    assert note.amount_due == Decimal("-30.00")
    assert [sms["text"] for sms in infobip.received] == [
        f"Velžio komunalinis ūkis: credit note {note.number} corrects invoice VKU-000500 "
        "by 24.68 EUR. Overpaid 30.00 EUR."
    ]


def test_the_credit_note_sms_tells_what_is_still_due(
    alice, contract, utility, infobip, django_capture_on_commit_callbacks
) -> None:
    opt_in(alice, contract, sms_opt_in=True, phone="+37061234567")
    invoice = make_invoice(contract, sequence=500)
    make_invoice(contract, sequence=501, month=dt.date(2026, 9, 1))
    with django_capture_on_commit_callbacks(execute=True):
        issue_credit_note(invoice=invoice, reason="Klaida")
    assert infobip.received[0]["text"].endswith(
        "sumažinta 24,68 EUR. Dabar mokėtina suma 24,68 EUR."
    )


def test_the_credit_note_email_is_titled_as_a_credit_note(credit, smtp_sink) -> None:
    note = credit(invoices_by_email=True)
    (message,) = smtp_sink.messages
    assert message["Subject"].strip() == (
        f"Kreditinė sąskaita {note.number} – Velžio komunalinis ūkis"
    )
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == f"{note.number}.pdf"
