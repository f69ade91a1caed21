"""Declaration fixtures: a contract of alice's with tariffs, on 15 May 2026 in Vilnius."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mokesta.testing.factories import make_contract, make_tariffs

VILNIUS = ZoneInfo("Europe/Vilnius")


@pytest.fixture
def mid_may():
    with time_machine.travel(dt.datetime(2026, 5, 15, 12, 0, tzinfo=VILNIUS), tick=False):
        yield


@pytest.fixture
def contract(alice):
    contract = make_contract(user=alice)
    make_tariffs()
    return contract
