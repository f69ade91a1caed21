import datetime as dt

from mokesta.metering.history import ReadingRow, readings_by_meter
from mokesta.metering.models import Reading
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
