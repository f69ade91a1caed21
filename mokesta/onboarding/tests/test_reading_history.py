"""The reading history file: recognised by its header, checked across rows and against the
readings in the system, and counted like declared readings by the averages."""

from collections.abc import Iterator

import pytest
import time_machine
from django.utils import translation

from mokesta.billing.models import BillingPeriod
from mokesta.metering.models import Reading
from mokesta.onboarding.importing import import_file
from mokesta.onboarding.tests.helpers import csv_file, history, row, xlsx_file
from mokesta.testing.billing import at


@pytest.fixture(autouse=True)
def _meter(db: None) -> Iterator[None]:
    """Meter M-1 (5 digits, installed 2021-03-15) read 500 in November 2026."""
    with time_machine.travel(at("2026-12-02"), tick=False), translation.override("lt"):
        assert import_file(data=csv_file([row()]), dry_run=False).written
        yield


def problems(data: bytes) -> list[tuple[int, str]]:
    return [(p.row, p.column) for p in import_file(data=data, dry_run=True).problems]


def test_it_imports_history_with_estimates_marked() -> None:
    result = import_file(
        data=history(("M-1", "2026-09", 480, 0), ("M-1", "2026-10", 490, 1)), dry_run=False
    )

    assert result.kind == "history" and result.counts["readings_created"] == 2
    assert list(Reading.objects.values_list("period", "value", "source")) == [
        (Reading.objects.get(value=480).period, 480, "staff"),
        (Reading.objects.get(value=490).period, 490, "estimate"),
        (Reading.objects.get(value=500).period, 500, "staff"),
    ]


def test_the_same_history_twice_changes_nothing() -> None:
    data = history(("M-1", "2026-09", 480, 0))
    import_file(data=data, dry_run=False)
    result = import_file(data=data, dry_run=False)
    assert result.ok and not any(result.counts.values())


def test_a_history_that_goes_down_is_refused_at_its_row() -> None:
    data = history(
        ("M-1", "2026-08", 470, 0),
        ("M-1", "2026-09", 460, 0),  # row 3: below August
        ("M-1", "2026-10", 510, 0),  # row 4: above November's 500 in the system
    )
    assert problems(data) == [(3, "reading"), (4, "reading")]


def test_every_wrong_value_is_named() -> None:
    data = history(
        ("M-9", "2026-09", 1, 0),  # unknown meter
        ("M-1", "2026-13", 1, 0),  # no such month
        ("M-1", "2026-09", 100000, 0),  # over 5 digits
        ("M-1", "2019-01", 1, 0),  # before the meter was installed
        ("M-1", "2026-08", 1, "taip?"),  # estimated is 0 or 1
        ("M-1", "2027-01", 1, 0),  # a month to come
        ("M-1", "2026-07", 400, 0),
        ("M-1", "2026-07", 400, 0),  # the month twice
    )
    assert problems(data) == [
        (2, "meter_serial"),
        (3, "period"),
        (4, "reading"),
        (5, "period"),
        (6, "estimated"),
        (7, "period"),
        (9, "period"),
    ]


def test_a_closed_month_cannot_be_changed() -> None:
    BillingPeriod.objects.create(month="2026-10-01", state=BillingPeriod.State.CLOSED)
    assert problems(history(("M-1", "2026-10", 490, 0))) == [(2, "period")]


def test_an_xlsx_history_with_excel_dates_as_months() -> None:
    import datetime as dt

    data = xlsx_file(
        [["M-1", dt.datetime(2026, 9, 1), 480, 0]],
        ["meter_serial", "period", "reading", "estimated"],
    )
    assert import_file(data=data, dry_run=False).counts["readings_created"] == 1


def test_lithuanian_headers_are_recognised() -> None:
    data = csv_file(
        [{"Skaitiklio numeris": "M-1", "Laikotarpis": "2026-09", "Rodmenys": 480}],
        header=["Skaitiklio numeris", "Laikotarpis", "Rodmenys", "Apskaičiuoti"],
    )
    assert import_file(data=data, dry_run=False).counts["readings_created"] == 1
