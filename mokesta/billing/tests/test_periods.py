"""Closing a period locks its readings."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction

from mokesta.billing.models import BillingPeriod
from mokesta.billing.periods import PeriodNotEnded, close_period, ensure_month_open
from mokesta.billing.tests.conftest import add_meter, at, make_contract
from mokesta.metering.models import Meter, Reading


@pytest.fixture
def meter(db: None) -> Meter:
    return add_meter(make_contract(), readings={"2026-10": 110})


def close(month: str) -> BillingPeriod:
    with time_machine.travel(at("2026-12-03"), tick=False):
        return close_period(month=dt.date.fromisoformat(f"{month}-01"))


def test_it_refuses_a_new_reading_in_a_closed_period(meter: Meter) -> None:
    close("2026-11")
    with pytest.raises(ValidationError):
        Reading.objects.create(
            meter=meter, period=dt.date(2026, 11, 1), value=120, source="customer"
        )
    assert not Reading.objects.filter(period="2026-11-01").exists()


def test_it_refuses_to_edit_or_delete_a_reading_of_a_closed_period(meter: Meter) -> None:
    close("2026-10")
    reading = Reading.objects.get(period="2026-10-01")
    reading.value = 111
    with pytest.raises(ValidationError):
        reading.save()
    # Delete runs its signals inside a transaction that the refusal rolls back.
    with pytest.raises(ValidationError), transaction.atomic():
        reading.delete()
    assert Reading.objects.get(pk=reading.pk).value == 110


def test_it_refuses_to_move_a_reading_out_of_a_closed_period(meter: Meter) -> None:
    close("2026-10")
    reading = Reading.objects.get(period="2026-10-01")
    reading.period = dt.date(2026, 12, 1)
    with pytest.raises(ValidationError):
        reading.save()


def test_it_still_accepts_readings_of_an_open_period(meter: Meter) -> None:
    close("2026-10")
    Reading.objects.create(meter=meter, period=dt.date(2026, 11, 1), value=120, source="customer")
    ensure_month_open(dt.date(2026, 11, 1))


def test_it_refuses_to_close_a_month_that_has_not_ended(db: None) -> None:
    with time_machine.travel(at("2026-11-30"), tick=False), pytest.raises(PeriodNotEnded):
        close_period(month=dt.date(2026, 11, 1))
    assert not BillingPeriod.objects.filter(state="closed").exists()


def test_closing_twice_keeps_the_first_close_time(db: None) -> None:
    first = close("2026-11")
    assert close("2026-11").closed_at == first.closed_at
