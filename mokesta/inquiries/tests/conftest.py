"""A linked contract with a meter and an invoice, photos made on the spot, private files in a
temporary folder."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from django.core.cache import cache

from mokesta.accounts.models import User
from mokesta.billing.models import Invoice
from mokesta.customers.models import Contract
from mokesta.metering.models import Meter
from mokesta.testing.factories import add_readings, make_contract, make_invoice, make_meter
from mokesta.testing.photos import bomb_png, jpeg_with_location, png_bytes, upload  # noqa: F401

VILNIUS = dt.timezone(dt.timedelta(hours=2))


@pytest.fixture(autouse=True)
def private_media(settings: object, tmp_path: object) -> object:
    settings.PRIVATE_MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    return tmp_path


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    """The per-user submission counts live in the cache, which outlives a test's rollback (and a
    user id comes back in the next test): start clean, and leave none behind."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def mid_month() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 11, 15, 12, 0, tzinfo=VILNIUS), tick=False):
        yield


@dataclass
class Setup:
    contract: Contract
    meter: Meter
    invoice: Invoice


@pytest.fixture
def home(alice: User) -> Setup:
    contract = make_contract(user=alice)
    meter = make_meter(contract, initial=100)
    add_readings(meter, last_month=dt.date(2026, 10, 1), count=3)
    invoice = make_invoice(contract, month=dt.date(2026, 10, 1))
    return Setup(contract, meter, invoice)
