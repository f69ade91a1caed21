"""Double submission (double click, two tabs): ten identical declarations at once leave one row.
Runs on whichever database the suite uses (SQLite and PostgreSQL in CI)."""

import pytest

from mokesta.metering.models import Reading
from mokesta.portal.declare import current_month, declare_readings
from mokesta.testing.factories import make_contract, make_meter, run_in_threads


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_identical_declarations_leave_one(alice):
    contract = make_contract(user=alice)
    meter = make_meter(contract, initial=10)
    month = current_month()

    def submit() -> None:
        declare_readings(user=alice, contract=contract, month=month, values={meter.pk: 15})

    assert run_in_threads(submit, 10) == []
    assert list(Reading.objects.filter(meter=meter).values_list("period", "value")) == [(month, 15)]
