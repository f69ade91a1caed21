"""Meters and their readings read with plain queries, for the customer pages.

Pages show a meter's history on every view; the ORM took several times longer to build these
queries (and model instances to fill) than the database to answer them, so they are plain SQL
(Django's default table names). No decimal column: the rows read the same from SQLite and
PostgreSQL."""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from typing import NamedTuple

from django.db import connection

from mokesta.customers.models import ServicePoint
from mokesta.metering.models import ACTIVE_SQL, Meter


class ReadingRow(NamedTuple):
    period: dt.date
    value: int
    source: str


READINGS_SQL = """
    SELECT meter_id, period, value, source FROM metering_reading
    WHERE meter_id IN ({marks}) AND period <= %s ORDER BY meter_id, period
"""


def readings_by_meter(
    meter_ids: Collection[int], *, until: dt.date = dt.date.max
) -> dict[int, list[ReadingRow]]:
    """Each meter's readings up to the month `until`, oldest first (an empty list for a meter
    without any)."""
    found: dict[int, list[ReadingRow]] = defaultdict(list)
    if meter_ids:
        marks = ", ".join(["%s"] * len(meter_ids))
        with connection.cursor() as cursor:
            cursor.execute(READINGS_SQL.format(marks=marks), [*meter_ids, until])
            for meter_id, *reading in cursor.fetchall():
                found[meter_id].append(ReadingRow(*reading))
    return found


METERS_IN_USE_SQL = f"""
    SELECT m.*, p.address AS point_address
    FROM metering_meter m JOIN customers_servicepoint p ON p.id = m.service_point_id
    WHERE p.contract_id = %s AND {ACTIVE_SQL}
    ORDER BY m.service_point_id, m.serial_number
"""  # noqa: S608 (ACTIVE_SQL is ours, not input)


def meters_in_use(contract_id: int, first: dt.date, last: dt.date) -> list[Meter]:
    """The contract's meters in use on a day of first..last (MeterQuerySet.active_between), by
    service point and serial number, each with its service point."""
    meters = list(Meter.objects.raw(METERS_IN_USE_SQL, [contract_id, last, first]))
    # The service point from the same row: no query when the page shows its address.
    for meter in meters:
        address = meter.point_address  # type: ignore[attr-defined]  # a column of the query
        meter.service_point = ServicePoint(
            id=meter.service_point_id, contract_id=contract_id, address=address
        )
    return meters
