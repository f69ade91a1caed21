"""The metering query layer's plain queries read what the ORM reads, scoped to the user."""

import datetime as dt

from mokesta.customers.models import ServicePoint
from mokesta.metering.models import AwayPeriod, Meter, Reading
from mokesta.metering.queries import (
    away_periods,
    consumption_rows,
    contract_page,
    dashboard_meters,
)
from mokesta.testing.factories import add_readings, make_contract, make_meter


def history(user):
    """Two linked contracts (one with two service points, a removed meter and a point without
    meters) and another user's."""
    first = make_contract(user=user)
    kept, removed = make_meter(first), make_meter(first)
    Meter.objects.filter(pk=removed.pk).update(removed_on=dt.date(2025, 12, 31))
    second_point = ServicePoint.objects.create(contract=first, address="Sodų g. 1")
    Meter.objects.create(
        service_point=second_point,
        serial_number="B-1",
        installed_on=dt.date(2021, 1, 1),
        verified_on=dt.date(2021, 1, 1),
    )
    ServicePoint.objects.create(contract=first, address="Be skaitiklių")
    add_readings(kept, last_month=dt.date(2026, 3, 1), count=4)
    second = make_contract(user=user)
    add_readings(make_meter(second), last_month=dt.date(2026, 2, 1), count=2)
    make_meter(make_contract())  # another user's
    return first, second


def test_dashboard_meters_are_the_current_meters_of_the_users_contracts(alice):
    first, second = history(alice)
    found = {(row.contract, row.point, row.meter) for row in dashboard_meters(alice)}
    orm = {
        (point.contract_id, point.pk, meter.pk)
        for point in ServicePoint.objects.filter(contract__accesses__user=alice)
        for meter in point.meters.filter(removed_on__isnull=True)
    }
    empty = {
        (point.contract_id, point.pk, None)
        for point in ServicePoint.objects.filter(contract__accesses__user=alice)
        if not point.meters.filter(removed_on__isnull=True).exists()
    }
    assert found == orm | empty
    assert [row.number for row in dashboard_meters(alice)] == sorted(
        row.number for row in dashboard_meters(alice)
    )


def test_the_contract_page_lists_every_meter_of_every_point(alice, bob):
    first, _second = history(alice)
    contract, points = contract_page(alice, first.pk)
    assert (contract.pk, contract.number, contract.customer_name) == (
        first.pk,
        first.number,
        first.customer.name,
    )
    assert [point.address for point in points] == [
        p.address for p in first.service_points.order_by("pk")
    ]
    assert [[m.pk for m in point.meters] for point in points] == [
        [m.pk for m in p.meters.order_by("serial_number")]
        for p in first.service_points.order_by("pk")
    ]
    assert contract_page(bob, first.pk) is None


def test_consumption_rows_are_each_meters_readings(alice, bob):
    first, _second = history(alice)
    found = [
        (row.meter, row.period, row.value, row.source)
        for row in consumption_rows(alice, first.pk)
        if row.period is not None
    ]
    orm = list(
        Reading.objects.filter(meter__service_point__contract=first)
        .order_by("meter__serial_number", "period")
        .values_list("meter_id", "period", "value", "source")
    )
    assert found == orm and found
    assert consumption_rows(bob, first.pk) == []


def test_the_away_periods_not_over_are_the_orms(db):
    contract = make_contract(address="Liepų g. 3")
    point = ServicePoint.objects.create(contract=contract, address="Sodų g. 1")
    for starts, ends, where in [
        ("2026-01-01", "2026-03-31", None),  # over
        ("2026-06-01", "2026-06-30", point),
        ("2026-05-01", "2026-05-20", None),  # ends on the day asked: not over
        ("2026-07-01", "2026-09-30", None),
    ]:
        AwayPeriod.objects.create(
            contract=contract,
            service_point=where,
            starts_on=dt.date.fromisoformat(starts),
            ends_on=dt.date.fromisoformat(ends),
        )
    AwayPeriod.objects.create(
        contract=make_contract(), starts_on=dt.date(2026, 6, 1), ends_on=dt.date(2026, 6, 30)
    )
    today = dt.date(2026, 5, 20)
    orm = (
        AwayPeriod.objects.filter(contract=contract, ends_on__gte=today)
        .select_related("service_point")
        .order_by("starts_on", "pk")
    )
    assert away_periods(contract.pk, today) == [
        (a.starts_on, a.ends_on, a.service_point.address if a.service_point else None) for a in orm
    ]
    assert [a.address for a in away_periods(contract.pk, today)] == [None, "Sodų g. 1", None]
