"""The billing query layer's plain queries read what the ORM and the ledger read, scoped to the
user; on SQLite (decimals as floats) and PostgreSQL alike."""

import datetime as dt
import random

import pytest

from mokesta.billing import ledger
from mokesta.billing.invoice_readings import meter_readings
from mokesta.billing.models import BilledReading, Invoice
from mokesta.billing.queries import (
    billed_readings,
    contract_due,
    contract_entries,
    contract_invoices,
    contract_readings,
    contracts_money,
    invoice_with_lines,
    paid_by_contract,
)
from mokesta.billing.tests.test_ledger import generate
from mokesta.customers.models import ContractAccess
from mokesta.metering.models import Reading
from mokesta.payments.models import Payment
from mokesta.testing.factories import (
    add_member,
    add_readings,
    make_contract,
    make_invoice,
    make_meter,
)


@pytest.fixture
def contracts(alice):
    found = generate(random.Random(7))
    for contract in found:
        ContractAccess.objects.create(user=alice, contract=contract, via=ContractAccess.Via.CODE)
    return found


def test_each_contracts_money_is_the_ledgers(alice, bob, contracts):
    money = contracts_money(alice, dt.date(2025, 6, 15))
    assert set(money) == {c.pk for c in contracts}
    assert contracts_money(bob, dt.date(2025, 6, 15)) == {}
    for contract in contracts:
        billed, paid, latest = money[contract.pk][:3]
        assert ledger.balance_of([billed], [paid]) == ledger.balance(contract)
        newest = contract.invoices.order_by("-issue_date", "-sequence").first()
        assert (latest and latest.pk) == (newest and newest.pk)
        if newest is not None:
            assert (latest.amount_due, latest.payment_code) == (
                newest.amount_due,
                newest.payment_code,
            )


@pytest.mark.parametrize(
    "day", [dt.date(2025, 1, 31), dt.date(2025, 3, 31), dt.date(2025, 7, 1), dt.date(2026, 1, 1)]
)
def test_what_is_due_on_the_dashboard_and_invoice_page_is_the_ledgers(alice, contracts, day):
    money = contracts_money(alice, day)
    for contract in contracts:
        expected = ledger.amount_due_now(contract, on=day)
        assert money[contract.pk].due == expected
        siblings, paid = contract_invoices(contract.pk)
        assert contract_due(siblings, paid, day) == expected


def test_paid_by_contract_is_paid_totals(alice, contracts):
    totals = ledger.paid_totals([c.pk for c in contracts])
    assert paid_by_contract(alice) == {c.pk: totals.get(c.pk, ledger.ZERO) for c in contracts}


def test_a_contracts_invoices_are_the_orms(contracts):
    for contract in contracts:
        rows, paid = contract_invoices(contract.pk)
        orm = Invoice.objects.filter(contract=contract).values_list(
            "pk", "contract_id", "corrects_id", "total", "issue_date", "sequence", "number"
        )
        assert sorted(tuple(map(repr, row[:7])) for row in rows) == sorted(
            tuple(map(repr, row)) for row in orm
        )
        assert paid == ledger.paid_totals([contract.pk]).get(contract.pk, ledger.ZERO)


def test_the_payments_pages_entries_are_the_orms(alice, bob, contracts):
    for contract in contracts:
        number, invoices, payments = contract_entries(alice, contract.pk)
        assert number == contract.number
        orm = Invoice.objects.filter(contract=contract)
        assert sorted((i.pk, i.number, i.kind, i.issue_date, i.total) for i in invoices) == sorted(
            orm.values_list("pk", "number", "kind", "issue_date", "total")
        )
        assert sorted(payments) == sorted(
            Payment.objects.filter(contract=contract).values_list(
                "pk", "paid_on", "amount", "source"
            )
        )
        assert contract_entries(bob, contract.pk) is None


def test_a_contracts_readings_are_the_orms(db):
    contract = make_contract()
    for meter in (make_meter(contract), make_meter(contract)):
        add_readings(meter, last_month=dt.date(2026, 4, 1), count=5)
    april = dt.date(2026, 3, 1)
    found = [
        (row.meter, row.period, row.value, row.source)
        for row in contract_readings(contract.pk, april)
    ]
    orm = Reading.objects.filter(meter__service_point__contract=contract, period__lte=april)
    assert found == list(
        orm.order_by("meter__serial_number", "period").values_list(
            "meter_id", "period", "value", "source"
        )
    )
    assert len(meter_readings(contract.pk, april)) == 2


def test_an_invoices_billed_readings_are_the_orms(db):
    contract = make_contract()
    invoice = make_invoice(contract, month=dt.date(2026, 4, 1))
    other = make_invoice(contract, month=dt.date(2026, 5, 1))
    for number, target in enumerate([invoice, other, invoice]):
        BilledReading.objects.create(
            invoice=target,
            meter_serial=f"SN{number}",
            previous=100 + number,
            previous_estimated=bool(number % 2),
            current=120 + number,
            current_estimated=number == 2,
        )
    found = billed_readings(invoice.pk)
    orm = list(BilledReading.objects.filter(invoice=invoice).order_by("pk"))
    assert [r.meter_serial for r in found] == ["SN0", "SN2"]
    for read, expected in zip(found, orm, strict=True):
        assert {f.attname: getattr(read, f.attname) for f in BilledReading._meta.fields} == {
            f.attname: getattr(expected, f.attname) for f in BilledReading._meta.fields
        }
    assert found[1].current_estimated is True and found[0].used == 20
    assert billed_readings(10**6) == []


def test_the_invoice_page_reads_the_users_role_with_the_invoice(alice, bob):
    contract = make_contract(user=bob)
    invoice = make_invoice(contract, month=dt.date(2026, 4, 1))
    assert invoice_with_lines(alice, invoice.pk) == []
    add_member(contract, alice, ContractAccess.Role.VIEW)
    assert {row.role for row in invoice_with_lines(alice, invoice.pk)} == {"view"}
    assert {row.role for row in invoice_with_lines(bob, invoice.pk)} == {"holder"}
