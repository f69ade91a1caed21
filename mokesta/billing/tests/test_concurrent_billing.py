"""Two billing runs of the same period started at once (a double click, two workers)."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from mokesta.billing.models import Invoice
from mokesta.billing.run import bill_period
from mokesta.billing.tests.conftest import add_meter, at, make_contract, make_tariffs


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_issue_each_invoice_once_with_gapless_numbers() -> None:
    make_tariffs()
    contracts = [make_contract(f"C-{i}") for i in range(12)]
    for contract in contracts:
        add_meter(contract, readings={"2026-10": 110, "2026-11": 116})
    barrier = threading.Barrier(2)
    issued: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            issued.append(bill_period(month=dt.date(2026, 11, 1), chunk_size=3))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(at("2026-12-03"), tick=False):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert errors == []
    assert sum(issued) == 12
    rows = list(Invoice.objects.values_list("contract_id", "sequence"))
    assert sorted(contract_id for contract_id, _ in rows) == sorted(c.pk for c in contracts)
    assert sorted(sequence for _, sequence in rows) == list(range(1, 13))
