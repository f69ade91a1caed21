import datetime as dt

from mokesta.customers.models import ServicePoint
from mokesta.metering.models import Meter, Reading
from mokesta.metering.queries import ReadingRow, meters_in_use, readings_by_meter
from mokesta.testing.factories import add_readings, make_contract, make_meter


def test_each_meters_readings_up_to_a_month_oldest_first(db):
    contract = make_contract()
    first, second, silent = make_meter(contract), make_meter(contract), make_meter(contract)
    add_readings(first, last_month=dt.date(2026, 3, 1), count=3, per_month=5)
    Reading.objects.create(meter=second, period=dt.date(2026, 4, 1), value=120, source="staff")
    found = readings_by_meter([first.pk, second.pk, silent.pk], until=dt.date(2026, 2, 1))
    assert [r.period for r in found[first.pk]] == [dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    assert found[second.pk] == [] and found[silent.pk] == []
    everything = readings_by_meter([second.pk])
    assert everything[second.pk] == [ReadingRow(dt.date(2026, 4, 1), 120, "staff")]
    assert readings_by_meter([]) == {}


def test_meters_in_use_follow_the_querysets_rule(db, django_assert_num_queries):
    """ACTIVE_SQL selects what MeterQuerySet.active_between() does, days at the edges included."""
    contract = make_contract()
    ServicePoint.objects.create(contract=contract, address="Sodų g. 1")
    meters = [make_meter(contract) for _ in range(5)]
    for meter, (installed, removed) in zip(
        meters,
        [
            (dt.date(2026, 1, 1), None),
            (dt.date(2026, 4, 30), None),  # installed on the last day
            (dt.date(2026, 5, 1), None),  # after
            (dt.date(2025, 1, 1), dt.date(2026, 4, 1)),  # removed on the first day
            (dt.date(2025, 1, 1), dt.date(2026, 3, 31)),  # before
        ],
        strict=True,
    ):
        Meter.objects.filter(pk=meter.pk).update(installed_on=installed, removed_on=removed)
    Meter.objects.filter(pk=meters[1].pk).update(service_point=contract.service_points.last())
    first, last = dt.date(2026, 4, 1), dt.date(2026, 4, 30)
    with django_assert_num_queries(1):
        found = meters_in_use(contract.pk, first, last)
        addresses = [meter.service_point.address for meter in found]
    expected = Meter.objects.filter(service_point__contract=contract).active_between(first, last)
    assert {meter.pk for meter in found} == {meter.pk for meter in expected}
    assert [meter.pk for meter in found] == [meters[0].pk, meters[3].pk, meters[1].pk]
    assert addresses == ["Liepų g. 3, Velžys", "Liepų g. 3, Velžys", "Sodų g. 1"]
