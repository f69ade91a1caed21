"""Every bank transaction is booked exactly once (issue 9.1)."""

from decimal import Decimal

import pytest

from mokesta.bank.booking import import_statement
from mokesta.bank.models import BankTransaction
from mokesta.bank.parsing import StatementError
from mokesta.bank.tests.camt import document, entry, tx
from mokesta.bank.tests.conftest import Ledger
from mokesta.payments.models import Payment

pytestmark = pytest.mark.django_db


def batch(count: int, *, ref: str = "") -> str:
    """A batch entry of `count` transfers of 10.00 €, each with EndToEndId NOTPROVIDED."""
    total = f"{10 * count}.00"
    return entry(
        total, *[tx(f"VKU-2018-0007 mok. {i}", amount="10.00") for i in range(count)], ref=ref
    )


@pytest.mark.parametrize("count", [2, 5])
@pytest.mark.parametrize("ref", ["B-100", ""])
def test_each_notprovided_transaction_of_a_batch_entry_is_a_payment(
    ledger: Ledger, count: int, ref: str
) -> None:
    result = import_statement(data=document(batch(count, ref=ref)), filename="batch.xml")

    payments = Payment.objects.filter(amount=Decimal("10.00"))
    assert payments.count() == count
    assert {p.contract for p in payments} == {ledger.by_contract_number}
    references = {p.bank_reference for p in payments}
    assert len(references) == count
    assert not any("NOTPROVIDED" in str(reference) for reference in references)
    if ref:
        assert references == {f"B-100/{i}" for i in range(1, count + 1)}
    assert (result.statement.entries, result.statement.matched) == (count, count)


def test_a_later_batch_with_the_same_placeholders_is_booked_too(ledger: Ledger) -> None:
    import_statement(data=document(batch(2, ref="B-1")), filename="monday.xml")
    # Another day, other entries: the same NOTPROVIDED ids must not make them "already imported".
    tuesday = document(
        entry(
            "20.00",
            tx("VKU-2018-0007", amount="10.00"),
            tx("VKU-2018-0007", amount="10.00"),
            booked="2026-11-03",
        )
    )

    result = import_statement(data=tuesday, filename="tuesday.xml")

    assert Payment.objects.count() == 4
    assert result.statement.duplicates == 0


def test_reimporting_a_batch_books_nothing(ledger: Ledger) -> None:
    data = document(batch(5), batch(2, ref="B-2"))
    import_statement(data=data, filename="a.xml")

    again = import_statement(data=data, filename="a.xml")

    assert Payment.objects.count() == 7
    assert (again.statement.entries, again.statement.duplicates) == (7, 7)
    assert again.statement.matched == 0


def test_an_overlapping_file_books_only_the_new_transactions(ledger: Ledger) -> None:
    monday = entry("11.00", tx("VKU-2018-0007"), ref="E1")
    tuesday = entry("12.00", tx("VKU-2018-0007"), ref="E2", booked="2026-11-03")
    wednesday = entry("13.00", tx("VKU-2018-0007"), ref="E3", booked="2026-11-04")
    import_statement(data=document(monday, tuesday), filename="mon-tue.xml")

    result = import_statement(data=document(tuesday, wednesday), filename="tue-wed.xml")

    assert sorted(Payment.objects.values_list("amount", flat=True)) == [
        Decimal("11.00"),
        Decimal("12.00"),
        Decimal("13.00"),
    ]
    assert (result.statement.matched, result.statement.duplicates) == (1, 1)
    listed = result.statement.transactions.order_by("entry_number")
    assert [(t.reference, t.state) for t in listed] == [("E2", "duplicate"), ("E3", "matched")]


@pytest.mark.parametrize(
    ("status", "version"),
    [
        ("<Sts>PDNG</Sts>", "001.02"),
        ("<Sts>INFO</Sts>", "001.02"),
        ("<Sts><Cd>PDNG</Cd></Sts>", "001.08"),
        ("<Sts><Cd>INFO</Cd></Sts>", "001.08"),
    ],
)
def test_pending_and_information_entries_are_listed_not_booked(
    ledger: Ledger, status: str, version: str
) -> None:
    booked = entry(
        "25.40",
        tx("VKU-2018-0007"),
        ref="E1",
        status=status.replace("PDNG", "BOOK").replace("INFO", "BOOK"),
    )
    pending = entry("99.00", tx("VKU-2018-0007"), ref="E2", status=status, booked="")

    result = import_statement(data=document(booked, pending, version=version), filename="p.xml")

    assert list(Payment.objects.values_list("amount", flat=True)) == [Decimal("25.40")]
    s = result.statement
    assert (s.entries, s.matched, s.skipped) == (2, 1, 1)
    skipped = BankTransaction.objects.get(state=BankTransaction.State.SKIPPED)
    assert (skipped.amount, skipped.payment, skipped.checksum) == (Decimal("99.00"), None, None)
    assert "nepatvirtinti banko" in result.summary


def test_a_pending_entry_is_booked_once_the_bank_books_it(ledger: Ledger) -> None:
    import_statement(
        data=document(entry("99.00", tx("VKU-2018-0007"), ref="E9", status="<Sts>PDNG</Sts>")),
        filename="today.xml",
    )

    result = import_statement(
        data=document(entry("99.00", tx("VKU-2018-0007"), ref="E9")), filename="tomorrow.xml"
    )

    assert Payment.objects.get().amount == Decimal("99.00")
    assert result.statement.matched == 1


def test_a_batch_whose_transactions_do_not_add_up_is_refused(ledger: Ledger) -> None:
    data = document(entry("30.00", tx("a", amount="10.00"), tx("b", amount="10.00")))

    with pytest.raises(StatementError, match="1 įrašas"):
        import_statement(data=data, filename="bad.xml")
    assert not Payment.objects.exists()
