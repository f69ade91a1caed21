"""The declaration rules' states read for many contracts at once are those read one by one."""

import datetime as dt

import pytest

from mokesta.metering.declaration import meter_states, meter_states_by_contract
from mokesta.testing.factories import add_readings, make_contract, make_meter

pytestmark = pytest.mark.django_db


def test_many_contracts_at_once_give_each_contracts_states_in_order() -> None:
    month = dt.date(2026, 11, 1)
    first, second, without = make_contract(), make_contract(), make_contract()
    for initial in (300, 100):
        add_readings(make_meter(first, initial=initial), last_month=dt.date(2026, 10, 1), count=4)
    add_readings(make_meter(second), last_month=dt.date(2026, 8, 1), count=2, per_month=9)
    make_meter(second, installed=dt.date(2027, 1, 1))  # not yet in use that month

    together = meter_states_by_contract([first.pk, second.pk, without.pk], month)

    for contract in (first, second, without):
        assert together[contract.pk] == meter_states(contract, month)
    assert [state.floor for state in together[first.pk]] == [320, 120]
