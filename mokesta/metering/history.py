"""The readings of many meters as plain rows, in one query.

Pages show a meter's history on every view; the ORM took several times longer to build this
query (and model instances to fill) than the database to answer it, so it is plain SQL (Django's
default table names). No decimal column: the rows read the same from SQLite and PostgreSQL."""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from typing import NamedTuple

from django.db import connection


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
