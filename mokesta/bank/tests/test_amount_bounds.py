"""Amounts enter only in the digits 0–9 and within the single-amount bound (lib.money), so the
sums made of them (a balance, an amount due, a credit note) fit in the money columns: a statement
entry, a payment typed by staff, and a credit note after a large payment never end in a 500."""

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from mokesta.accounts.models import User
from mokesta.bank.booking import import_statement
from mokesta.bank.models import BankTransaction, StatementImport
from mokesta.bank.parsing import StatementError
from mokesta.bank.tests.camt import document, entry, tx
from mokesta.bank.tests.conftest import Ledger, sample
from mokesta.billing.credit_notes import CreditNoteError, issue_credit_note
from mokesta.billing.models import Invoice
from mokesta.lib.money import MAX_SINGLE_AMOUNT
from mokesta.payments.models import Payment
from mokesta.testing.factories import make_contract, make_invoice, make_payment
from mokesta.testing.staff import accountant, admin_client  # noqa: F401

pytestmark = pytest.mark.django_db

PAYMENT_ADD = "/admin/payments/payment/add/"


def camt_amount(amount: str, text: str = "VKU-2018-0007") -> bytes:
    return document(entry("1.00", tx("x"), ref="E1"), entry(amount, tx(text), ref="E2"))


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (camt_amount("99999999999.99"), "a.xml", "2 įrašas: suma 99999999999.99 per didelė"),
        (camt_amount("1000000000.00"), "a.xml", "2 įrašas: suma 1000000000.00 per didelė"),
        (camt_amount("١٢"), "a.xml", "2 įrašas: suma ١٢ parašyta ne skaitmenimis 0–9"),
        (camt_amount("１２.00"), "a.xml", "2 įrašas: suma １２.00 parašyta ne skaitmenimis 0–9"),
        (
            sample("swedbank.csv").replace(b'"25,40"', '"١٢,٠٠"'.encode()),
            "s.csv",
            "3 eilutė: suma ١٢.٠٠ parašyta ne skaitmenimis 0–9",
        ),
        (
            sample("swedbank.csv").replace(b'"25,40"', b'"99999999999,99"'),
            "s.csv",
            "3 eilutė: suma 99999999999.99 per didelė",
        ),
    ],
)
def test_an_amount_out_of_bounds_or_in_other_digits_refuses_the_file(
    ledger: Ledger, data: bytes, filename: str, message: str
) -> None:
    with pytest.raises(StatementError) as refused:
        import_statement(data=data, filename=filename)
    assert message in str(refused.value)
    assert not (
        Payment.objects.exists()
        or BankTransaction.objects.exists()
        or StatementImport.objects.exists()
    )


def test_the_largest_entry_is_booked_and_the_contract_can_still_be_credited(
    ledger: Ledger,
) -> None:
    contract = ledger.by_contract_number
    invoice = make_invoice(contract, month=dt.date(2026, 9, 1), total="30.00")
    import_statement(data=camt_amount(str(MAX_SINGLE_AMOUNT)), filename="a.xml")
    assert Payment.objects.get(contract=contract).amount == MAX_SINGLE_AMOUNT

    note = issue_credit_note(invoice=invoice, reason="Klaidingi rodmenys")

    note.refresh_from_db()
    assert note.amount_due == -MAX_SINGLE_AMOUNT + Decimal("30.00") - Decimal("30.00")


def test_a_balance_beyond_the_columns_refuses_the_credit_note_with_a_message() -> None:
    contract = make_contract()
    invoice = make_invoice(contract, month=dt.date(2026, 9, 1), total="30.00")
    # Written past every bound (as old data or a direct database edit could be).
    for _ in range(101):
        make_payment(contract, amount=str(MAX_SINGLE_AMOUNT), day=dt.date(2026, 10, 1))
    with pytest.raises(CreditNoteError, match="daugiau, nei gali būti dokumente"):
        issue_credit_note(invoice=invoice, reason="Klaidingi rodmenys")
    assert not Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()


def test_the_credit_note_page_shows_the_message_instead_of_a_500(
    accountant: User,  # noqa: F811
    caplog: Any,
) -> None:
    contract = make_contract()
    invoice = make_invoice(contract, month=dt.date(2026, 9, 1), total="30.00")
    for _ in range(101):
        make_payment(contract, amount=str(MAX_SINGLE_AMOUNT), day=dt.date(2026, 10, 1))
    client = admin_client(accountant)
    client.raise_request_exception = True  # a 500 would raise here
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.post(
            f"/admin/billing/invoice/{invoice.pk}/credit-note/", {"reason": "Klaidingi rodmenys"}
        )
    assert response.status_code == 200
    assert 'id="id_reason_error"' in response.content.decode()
    assert "daugiau, nei gali būti dokumente" in response.content.decode()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()


def add_payment(client: Client, amount: str) -> Any:
    contract = make_contract()
    return client.post(
        PAYMENT_ADD,
        {
            "contract": contract.pk,
            "amount": amount,
            "paid_on": "2026-11-02",
            "source": "cash",
            "payer_name": "Ona",
            "details": "kasa",
        },
    )


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("١٢", "Sumą rašykite skaitmenimis 0–9"),
        ("１２,５０", "Sumą rašykite skaitmenimis 0–9"),
        ("99999999999.99", "Suma gali būti ne didesnė kaip 999999999.99 €"),
    ],
)
def test_staff_typing_a_payment_get_the_reason_next_to_the_amount(
    accountant: User,  # noqa: F811
    amount: str,
    message: str,
) -> None:
    response = add_payment(admin_client(accountant), amount)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_amount_error"' in html and message in html
    assert not Payment.objects.exists()


def test_staff_type_a_cash_payment(accountant: User) -> None:  # noqa: F811
    response = add_payment(admin_client(accountant), "12,50")
    assert response.status_code == 302
    assert Payment.objects.get().amount == Decimal("12.50")


def test_a_booked_bank_payment_keeps_its_amount_when_staff_correct_the_contract(
    accountant: User,  # noqa: F811
) -> None:
    contract, other = make_contract(), make_contract()
    payment = make_payment(contract, amount="12.50", day=dt.date(2026, 11, 2))
    client = admin_client(accountant)
    url = f"/admin/payments/payment/{payment.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"contract": other.pk, "amount": "١٢"})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert (payment.contract, payment.amount) == (other, Decimal("12.50"))
