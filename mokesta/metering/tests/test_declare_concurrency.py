"""Double submission (double click, two tabs): ten identical declarations at once leave one row.
Runs on whichever database the suite uses (SQLite and PostgreSQL in CI)."""

import threading

import pytest
from django.db import connection

from mokesta.customers.testing import make_contract, make_meter
from mokesta.metering.declare import current_month, declare_readings
from mokesta.metering.models import Reading


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_identical_declarations_leave_one(alice):
    contract = make_contract(user=alice)
    meter = make_meter(contract, initial=10)
    month = current_month()
    start = threading.Barrier(10)
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            start.wait()
            declare_readings(user=alice, contract=contract, month=month, values={meter.pk: 15})
        except BaseException as error:  # reported below, with the test's own assertion
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert list(Reading.objects.filter(meter=meter).values_list("period", "value")) == [(month, 15)]
