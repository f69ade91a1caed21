"""Matching as people write (issue 9.2): codes with spaces, numbers glued to text, payer codes;
ambiguity goes to the unmatched queue with the reason."""

import datetime as dt
from decimal import Decimal

import pytest

from mokesta.accounts.models import User
from mokesta.bank.booking import import_statement
from mokesta.bank.matching import candidates
from mokesta.bank.tests.camt import document, entry, tx
from mokesta.bank.tests.conftest import Ledger
from mokesta.billing.models import BillingPeriod, Invoice
from mokesta.customers.models import Contract, Customer
from mokesta.payments.models import Payment
from mokesta.testing.staff import admin_client, clerk  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def coded(ledger: Ledger) -> Ledger:
    """The payment-code invoice carries a real code (YYMM + contract id + Luhn digit), and a
    contract number of the shape „VKU-2024-0107" exists."""
    invoice_like(ledger.invoice, contract=ledger.by_payment_code, code="25040001056", sequence=2)
    Contract.objects.filter(pk=ledger.by_contract_number.pk).update(number="VKU-2024-0107")
    ledger.by_contract_number.refresh_from_db()
    return ledger


def invoice_like(invoice: Invoice, *, contract: Contract, code: str, sequence: int) -> Invoice:
    """Another issued invoice (issued invoices never change, so a copy is created)."""
    invoice = Invoice.objects.get(pk=invoice.pk)
    invoice.pk, invoice._state.adding = None, True
    invoice.number, invoice.sequence = f"VKU-{sequence:06d}", sequence
    invoice.payment_code, invoice.contract = code, contract
    invoice.period, _ = BillingPeriod.objects.get_or_create(month=dt.date(2025, sequence, 1))
    invoice.save()
    return invoice


def pay(text: str) -> Payment:
    import_statement(data=document(entry("12.34", tx(text), ref="E1")), filename="m.xml")
    return Payment.objects.get(amount=Decimal("12.34"))


@pytest.mark.parametrize(
    "text",
    [
        "25040001056",
        "2504 000105 6",
        "Įmokos kodas: 2504 000105 6.",
        "2504-000105-6",
        "mok.kodas25040001056",
        "2504 0001 056 už vandenį",
    ],
)
def test_a_payment_code_as_typed(coded: Ledger, text: str) -> None:
    assert pay(text).contract == coded.by_payment_code


@pytest.mark.parametrize(
    "text",
    [
        "Sut.Nr.VKU-2024-0107",
        "sutartis VKU-2024-0107, spalis",
        "(VKU-2024-0107)",
        "Sut.nr:vku-2024-0107",
        "sutVKU-2024-0107",
        "VKU-2024-0107/2026-10",
    ],
)
def test_a_contract_number_glued_to_text_or_punctuation(coded: Ledger, text: str) -> None:
    assert pay(text).contract == coded.by_contract_number


@pytest.mark.parametrize("text", ["Mok.k.49107080033", "kodas49107080033", "AK: 49107080033;"])
def test_a_payer_code(coded: Ledger, text: str) -> None:
    assert pay(text).contract == coded.by_payer_code


def test_two_contract_numbers_wait_in_the_queue_with_the_reason(coded: Ledger) -> None:
    payment = pay("VKU-2024-0107 ir VKU-2020-0090")

    assert payment.contract is None
    assert payment.unmatched_reason == Payment.UnmatchedReason.SEVERAL_NUMBERS
    assert payment.unmatched_detail == "VKU-2020-0090, VKU-2024-0107"
    assert payment.unmatched_because == (
        "nurodyti keli sutarčių numeriai: VKU-2020-0090, VKU-2024-0107"
    )


def test_payment_codes_of_two_contracts_wait_in_the_queue(coded: Ledger) -> None:
    invoice_like(coded.invoice, contract=coded.by_payer_code, code="25040000907", sequence=3)

    payment = pay("2504 000105 6 ir 25040000907")

    assert payment.contract is None
    assert payment.unmatched_reason == Payment.UnmatchedReason.SEVERAL_CODES


def test_a_payer_with_two_contracts_waits_in_the_queue(coded: Ledger) -> None:
    payment = pay("Ona, a.k. 39002150011")

    assert payment.contract is None
    assert payment.unmatched_reason == Payment.UnmatchedReason.PAYER_CONTRACTS
    assert payment.unmatched_detail == "39002150011: VKU-2019-0031, VKU-2021-0158"


def test_a_payer_with_one_contract_valid_that_day_is_matched(coded: Ledger) -> None:
    Contract.objects.filter(number="VKU-2021-0158").update(end_date=dt.date(2025, 1, 1))

    assert pay("a.k. 39002150011").contract == coded.by_payment_code


def test_two_payer_codes_wait_in_the_queue(coded: Ledger) -> None:
    payment = pay("49107080033 už 38505230047")

    assert payment.unmatched_reason == Payment.UnmatchedReason.SEVERAL_PAYERS


def test_nothing_found_is_said_too(coded: Ledger) -> None:
    payment = pay("Už vandenį")

    assert payment.unmatched_reason == Payment.UnmatchedReason.NONE_FOUND
    assert payment.unmatched_detail == ""


def test_a_number_that_is_no_contract_matches_nothing(coded: Ledger) -> None:
    # Loose cutting finds many candidates; only real codes count.
    assert pay("Sąskaita 2026-10, suma 12.34 EUR, tel. 860012345").contract is None


def test_the_queue_shows_the_reason(clerk: User, coded: Ledger) -> None:  # noqa: F811
    pay("VKU-2024-0107 ir VKU-2020-0090")

    html = admin_client(clerk).get("/admin/payments/unmatchedpayment/").content.decode()

    assert "nurodyti keli sutarčių numeriai: VKU-2020-0090, VKU-2024-0107" in html


def test_candidates_of_a_glued_text() -> None:
    found = candidates("Sut.Nr.VKU-2024-0107 2504 000105 6")

    assert {"VKU-2024-0107", "25040001056", "2024-0107"} <= found
    assert "SUT" not in found  # no digit: never a code


def test_matching_does_not_depend_on_other_customers(coded: Ledger) -> None:
    # A payer code that is also the start of someone's payment code does not confuse them.
    Customer.objects.create(name="X", payer_code="2504000105", address="D")

    assert pay("2504 000105 6").contract == coded.by_payment_code
