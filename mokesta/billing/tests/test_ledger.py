"""The ledger's bulk forms give what its single-contract forms give, on generated histories:
several contracts with random invoices, credit notes (some months billed again after them) and
payments, from seeded random numbers so a failure can be replayed. Runs on SQLite and
PostgreSQL alike (`DATABASE_URL`)."""

import datetime as dt
import random
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from mokesta.billing import ledger
from mokesta.billing.credit_notes import issue_credit_note
from mokesta.billing.models import Invoice
from mokesta.billing.run import bill_period
from mokesta.billing.tests.conftest import at
from mokesta.customers.models import Contract
from mokesta.lib.dates import add_months
from mokesta.lib.money import ZERO, round_money
from mokesta.payments.models import Payment
from mokesta.testing.factories import make_tariffs
from mokesta.testing.history import FIRST_MONTH, MONTHS, generate

SEEDS = [1, 2, 3, 4, 5]


def history_days(contracts: list[Contract]) -> list[dt.date]:
    """Every day something happened, the day before each, and one after everything."""
    days = set(Invoice.objects.filter(contract__in=contracts).values_list("issue_date", flat=True))
    days |= set(Payment.objects.filter(contract__in=contracts).values_list("paid_on", flat=True))
    days |= {day - dt.timedelta(days=1) for day in days}
    return sorted(days) + [dt.date(2030, 1, 1)]


@pytest.mark.parametrize("seed", SEEDS)
def test_balances_equal_balance_on_every_day(db: None, seed: int) -> None:
    rng = random.Random(seed)
    contracts = generate(rng)
    ids = [c.pk for c in contracts]
    for day in [None, *rng.sample(history_days(contracts), 12)]:
        assert ledger.balances(ids, on=day) == {c.pk: ledger.balance(c, on=day) for c in contracts}


@pytest.mark.parametrize("seed", SEEDS)
def test_with_balance_equals_balance(db: None, seed: int) -> None:
    contracts = generate(random.Random(seed))
    listed = ledger.with_balance(Contract.objects.filter(pk__in=[c.pk for c in contracts]))
    assert {c.pk: round_money(c.balance) for c in listed} == {
        c.pk: ledger.balance(c) for c in contracts
    }


@pytest.mark.parametrize("seed", SEEDS)
def test_the_running_balance_is_the_balance_after_each_day(db: None, seed: int) -> None:
    for contract in generate(random.Random(seed)):
        entries = ledger.running_balance(
            Invoice.objects.filter(contract=contract), Payment.objects.filter(contract=contract)
        )
        last_of_day = {entry.day: entry.balance for entry in entries}  # the day's last entry
        assert last_of_day == {day: ledger.balance(contract, on=day) for day in last_of_day}
        assert (entries[-1].balance if entries else ZERO) == ledger.balance(contract)


@pytest.mark.parametrize("seed", SEEDS)
def test_invoice_states_of_many_contracts_equal_each_contracts_own(db: None, seed: int) -> None:
    contracts = generate(random.Random(seed))
    every = list(Invoice.objects.filter(contract__in=contracts).order_by("?"))
    bulk = ledger.invoice_states(every)
    single: dict[int, str] = {}
    for contract in contracts:
        single |= ledger.contract_invoice_states(contract)
    assert bulk == single
    assert len(bulk) == len(every)


@pytest.mark.parametrize("seed", SEEDS)
def test_paid_sql_gives_paid_totals(db: None, seed: int) -> None:
    """As a query's parameter and as a column of each row, to the cent and its digits."""
    contracts = generate(random.Random(seed))
    ids = [c.pk for c in contracts]
    expected = {pk: str(paid) for pk, paid in ledger.paid_totals(ids).items()}
    with connection.cursor() as cursor:
        for pk in ids:
            cursor.execute(f"SELECT {ledger.paid_sql('%s')}", [pk])
            assert str(ledger.paid_value(cursor.fetchone()[0])) == expected.get(pk, "0.00")
        cursor.execute(
            f"SELECT c.id, {ledger.paid_sql('c.id')} FROM customers_contract c WHERE c.id IN "
            f"({', '.join(['%s'] * len(ids))})",
            ids,
        )
        found = {pk: str(ledger.paid_value(value)) for pk, value in cursor.fetchall()}
    assert found == {pk: expected.get(pk, "0.00") for pk in ids}


@pytest.mark.parametrize("seed", SEEDS)
def test_a_contract_has_an_unpaid_invoice_exactly_when_it_owes(db: None, seed: int) -> None:
    for contract in generate(random.Random(seed)):
        states = ledger.contract_invoice_states(contract)
        assert (ledger.UNPAID in states.values()) == (ledger.balance(contract) > 0)
        credited = Invoice.objects.filter(contract=contract, credited=True)
        assert all(states[invoice.pk] == ledger.CREDITED for invoice in credited)
        notes = Invoice.objects.filter(contract=contract, kind=Invoice.Kind.CREDIT_NOTE)
        assert all(states[note.pk] == ledger.CREDIT_NOTE for note in notes)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_billing_run_takes_the_previous_balance_from_the_ledger(db: None, seed: int) -> None:
    contracts = generate(random.Random(seed))
    make_tariffs()
    month = add_months(FIRST_MONTH, MONTHS + 1)
    with time_machine.travel(at(add_months(month, 1).replace(day=3).isoformat()), tick=False):
        assert bill_period(month=month) == len(contracts)
    # One of them credited and the month billed again later: dated that day, after the note.
    first = Invoice.objects.filter(contract=contracts[-1], period__month=month).get()
    later = first.issue_date + dt.timedelta(days=20)
    with time_machine.travel(at(later.isoformat()), tick=False):
        issue_credit_note(invoice=first, reason="Klaidingi rodmenys")
        assert bill_period(month=month) == 1
    billed = Invoice.objects.filter(
        contract__in=contracts, period__month=month, kind=Invoice.Kind.INVOICE
    )
    assert billed.count() == len(contracts) + 1
    for invoice in billed:
        before = ledger.balance(invoice.contract, on=invoice.issue_date) - invoice.total
        assert invoice.previous_balance == before


def row(due: str, total: str, interest: str = "0.00") -> ledger.OwingRow:
    return (dt.date.fromisoformat(due), Decimal(total), Decimal(interest), dt.date(2026, 1, 5))


def test_overdue_counts_invoices_due_before_the_day_without_their_interest() -> None:
    invoices = [row("2026-02-28", "20.00"), row("2026-03-31", "30.50", interest="0.50")]
    paid = [(dt.date(2026, 3, 10), Decimal("5.00"))]
    assert ledger.overdue(invoices, paid, day=dt.date(2026, 2, 28)) == ZERO  # due that day
    assert ledger.overdue(invoices, [], day=dt.date(2026, 3, 1)) == Decimal("20.00")
    assert ledger.overdue(invoices, paid, day=dt.date(2026, 3, 10)) == Decimal("15.00")
    assert ledger.overdue(invoices, paid, day=dt.date(2026, 4, 1)) == Decimal("45.00")
    overpaid = [(dt.date(2026, 2, 1), Decimal("100.00"))]
    assert ledger.overdue(invoices, overpaid, day=dt.date(2026, 4, 1)) == ZERO


def test_late_interest_sums_each_days_overdue_amount_and_rounds_once() -> None:
    # 20.00 overdue from March 1st; 10.00 paid on the 11th: 10 days × 20 + 21 days × 10 = 410.
    invoices = [row("2026-02-28", "20.00")]
    paid = [(dt.date(2026, 3, 11), Decimal("10.00"))]
    interest = ledger.late_interest(
        invoices, paid, first=dt.date(2026, 3, 1), last=dt.date(2026, 3, 31), rate=Decimal("0.02")
    )
    assert interest == round_money(Decimal(410) * Decimal("0.02") / 100) == Decimal("0.08")


def test_only_an_uncredited_invoice_bears_interest() -> None:
    assert ledger.bears_interest(kind=Invoice.Kind.INVOICE, credited=False)
    assert not ledger.bears_interest(kind=Invoice.Kind.INVOICE, credited=True)
    assert not ledger.bears_interest(kind=Invoice.Kind.CREDIT_NOTE, credited=False)


@pytest.mark.parametrize("seed", SEEDS)
def test_billed_sql_minus_paid_sql_is_the_balance(db: None, seed: int) -> None:
    contracts = generate(random.Random(seed))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.id, {ledger.billed_sql('c.id')}, {ledger.paid_sql('c.id')} "
            f"FROM customers_contract c WHERE c.id IN ({', '.join(['%s'] * len(contracts))})",
            [c.pk for c in contracts],
        )
        found = {
            pk: ledger.balance_of([ledger.paid_value(billed)], [ledger.paid_value(paid)])
            for pk, billed, paid in cursor.fetchall()
        }
    assert found == {contract.pk: ledger.balance(contract) for contract in contracts}


# --- what is due now ---


def test_nothing_is_due_when_paid_or_overpaid() -> None:
    assert ledger.due_of(ZERO, Decimal("18.08"), dt.date(2026, 12, 31)) == ledger.Due(
        ZERO, ZERO, None
    )
    assert ledger.due_of(Decimal("-5.00"), ZERO, None).amount == ZERO


def test_an_amount_not_yet_due_is_payable_by_its_due_date_and_not_a_debt() -> None:
    due = ledger.due_of(Decimal("18.08"), Decimal("18.08"), dt.date(2026, 12, 31))
    assert (due.amount, due.overdue, due.later, due.by) == (
        Decimal("18.08"),
        ZERO,
        Decimal("18.08"),
        dt.date(2026, 12, 31),
    )


def test_only_what_is_past_its_due_date_is_overdue() -> None:
    # 10.00 left of an older invoice, 18.08 of the new one not yet due.
    due = ledger.due_of(Decimal("28.08"), Decimal("18.08"), dt.date(2026, 12, 31))
    assert (due.overdue, due.later) == (Decimal("10.00"), Decimal("18.08"))
    # A part payment covers the older (overdue) invoice first.
    due = ledger.due_of(Decimal("12.00"), Decimal("18.08"), dt.date(2026, 12, 31))
    assert (due.overdue, due.later) == (ZERO, Decimal("12.00"))


@pytest.mark.parametrize("seed", SEEDS)
def test_amount_due_now_is_the_rule_on_the_loaded_rows_on_every_day(db: None, seed: int) -> None:
    rng = random.Random(seed)
    contracts = generate(rng)
    for day in rng.sample(history_days(contracts), 8):
        for contract in contracts:
            invoices = Invoice.objects.filter(contract=contract)
            paid = ledger.paid_totals([contract.pk]).get(contract.pk, ZERO)
            rows = invoices.values_list("kind", "total", "due_date")
            due = ledger.amount_due_now(contract, on=day)
            assert due == ledger.due_of_rows(rows, paid, on=day)
            assert due.amount == max(ledger.balance(contract), ZERO)
            assert ZERO <= due.overdue <= due.amount
