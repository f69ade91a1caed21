"""A statement of another account is refused, naming both IBANs (camt and Swedbank CSV, the
admin upload and `manage.py import_statement`); the same bank reference with another amount is
never dropped as "already imported": it is booked and held for a clerk with the reason."""

import logging
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mokesta.accounts.models import User
from mokesta.bank.booking import import_statement
from mokesta.bank.models import BankTransaction, StatementImport
from mokesta.bank.parsing import StatementError
from mokesta.bank.tests.camt import document, entry, tx
from mokesta.bank.tests.conftest import ACCOUNT, Ledger, sample
from mokesta.bank.tests.test_statement_upload import upload
from mokesta.payments.models import Payment, UnmatchedPayment
from mokesta.testing.staff import accountant, admin_client  # noqa: F401
from mokesta.utility.models import Utility

pytestmark = pytest.mark.django_db

OTHER = "LT121000011101001000"


def other_account(data: bytes) -> bytes:
    return data.replace(ACCOUNT.encode(), OTHER.encode())


def nothing_imported() -> bool:
    return not (
        Payment.objects.exists()
        or BankTransaction.objects.exists()
        or StatementImport.objects.exists()
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("camt053.xml", f"1 įrašas yra iš sąskaitos {OTHER}, ne iš įmonės sąskaitos {ACCOUNT}"),
        ("swedbank.csv", f"3 eilutė yra iš sąskaitos {OTHER}, ne iš įmonės sąskaitos {ACCOUNT}"),
        (
            "swedbank_comma_iso8859-13.csv",
            f"eilutė yra iš sąskaitos {OTHER}, ne iš įmonės sąskaitos {ACCOUNT}",
        ),
    ],
)
def test_a_statement_of_another_account_is_refused_naming_both(
    ledger: Ledger, name: str, message: str
) -> None:
    with pytest.raises(StatementError) as refused:
        import_statement(data=other_account(sample(name)), filename=name)
    assert message in str(refused.value)
    assert nothing_imported()


def test_one_foreign_line_in_an_otherwise_good_file_refuses_it(ledger: Ledger) -> None:
    lines = sample("swedbank.csv").split(b"\n")
    lines[4] = other_account(lines[4])  # line 5
    with pytest.raises(StatementError, match=f"5 eilutė yra iš sąskaitos {OTHER}"):
        import_statement(data=b"\n".join(lines), filename="s.csv")
    assert nothing_imported()


def test_the_iban_is_compared_without_spaces_or_case(ledger: Ledger, utility: Utility) -> None:
    Utility.objects.filter(pk=utility.pk).update(iban="lt40 7300 0100 1234 5678")
    import_statement(data=sample("camt053.xml"), filename="camt053.xml")
    assert Payment.objects.count() == 4


def test_without_the_utilitys_iban_no_statement_is_imported(
    ledger: Ledger, utility: Utility
) -> None:
    Utility.objects.filter(pk=utility.pk).update(iban="")
    with pytest.raises(StatementError, match="Neįvesta įmonės banko sąskaita"):
        import_statement(data=sample("camt053.xml"), filename="camt053.xml")
    assert nothing_imported()


def test_the_upload_page_names_both_accounts_next_to_the_field(
    accountant: User,  # noqa: F811
    ledger: Ledger,
    caplog: Any,
) -> None:
    client = admin_client(accountant)
    client.raise_request_exception = True
    with caplog.at_level(logging.ERROR):
        response = upload(client, "camt053.xml", other_account(sample("camt053.xml")))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<ul class="errorlist" id="id_file_error"><li>1 įrašas yra iš sąskaitos' in html
    assert OTHER in html and ACCOUNT in html
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert nothing_imported()


def test_the_command_names_both_accounts(ledger: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_bytes(other_account(sample("swedbank.csv")))
    with pytest.raises(CommandError, match=f"sąskaitos {OTHER}, ne iš įmonės sąskaitos {ACCOUNT}"):
        call_command("import_statement", str(path))
    assert nothing_imported()


def two_amounts(first: str = "7.00", second: str = "8.00") -> bytes:
    return document(
        entry(first, tx("VKU-2018-0007"), ref="REF-1"),
        entry(second, tx("VKU-2018-0007"), ref="REF-1"),
    )


def test_the_same_reference_with_another_amount_is_booked_and_held_for_a_clerk(
    ledger: Ledger,
) -> None:
    result = import_statement(data=two_amounts(), filename="a.xml")

    s = result.statement
    assert (s.matched, s.unmatched, s.duplicates) == (1, 1, 0)
    first = Payment.objects.get(amount=Decimal("7.00"))
    assert first.contract == ledger.by_contract_number
    held = UnmatchedPayment.objects.get()
    assert held.amount == Decimal("8.00") and held.contract is None
    assert held.unmatched_reason == Payment.UnmatchedReason.REFERENCE_REUSED
    assert held.unmatched_because == (
        "ta pati banko įrašo nuoroda jau buvo su kita suma: REF-1 anksčiau įrašyta su suma 7.00 €"
    )
    assert sorted(s.transactions.values_list("reference", "state")) == [
        ("REF-1", "matched"),
        ("REF-1~8.00", "unmatched"),
    ]


def test_importing_the_file_again_books_nothing(ledger: Ledger) -> None:
    import_statement(data=two_amounts(), filename="a.xml")
    again = import_statement(data=two_amounts(), filename="a.xml").statement
    assert (again.matched, again.unmatched, again.duplicates) == (0, 0, 2)
    assert Payment.objects.count() == 2


def test_a_later_file_with_the_reference_and_another_amount_is_held_too(ledger: Ledger) -> None:
    import_statement(data=document(entry("7.00", tx("VKU-2018-0007"), ref="REF-1")), filename="a")
    later = document(
        entry("7.00", tx("VKU-2018-0007"), ref="REF-1"),  # the same transaction: a duplicate
        entry("9.50", tx("VKU-2018-0007"), ref="REF-1"),
    )
    s = import_statement(data=later, filename="b.xml").statement
    assert (s.matched, s.unmatched, s.duplicates) == (0, 1, 1)
    assert UnmatchedPayment.objects.get().amount == Decimal("9.50")
    assert Payment.objects.count() == 2


def test_the_same_reference_and_amount_stays_one_transaction(ledger: Ledger) -> None:
    s = import_statement(data=two_amounts("7.00", "7.00"), filename="a.xml").statement
    assert (s.matched, s.unmatched, s.duplicates) == (1, 0, 1)
    assert Payment.objects.count() == 1
