"""The readings an invoice was billed from, per meter: the previous and the month's reading, each
marked when it is the billing run's estimate. An issued invoice keeps them (BilledReading,
written by the billing run): the web page and the PDF show those rows, so a reading corrected
after issue never changes the invoice. meter_readings() reads the same figures live from the
meters' readings (what the billing run bills next; documents issued before the copy were filled
from it by a migration)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection

from mokesta.billing.models import BilledReading, Invoice
from mokesta.metering.models import Meter, Reading


@dataclass(frozen=True)
class InvoiceReading:
    meter: Meter
    previous: int
    previous_estimated: bool
    current: int
    current_estimated: bool

    @property
    def used(self) -> int:
        return self.current - self.previous

    @property
    def estimated(self) -> bool:
        return self.current_estimated

    @property
    def meter_serial(self) -> str:
        return self.meter.serial_number


def invoice_readings(invoice: Invoice) -> list[BilledReading]:
    """The readings `invoice` billed, as issued (a credit note has none)."""
    return list(BilledReading.objects.filter(invoice_id=invoice.pk).order_by("pk"))


# Every reading of the contract's meters up to the month, with its meter. In SQL: the ORM spent
# about 0.35 ms of Python building this query (the invoice page's), a cursor 0.05 ms. No decimal
# columns, so the rows read the same from SQLite and PostgreSQL without the ORM's converters.
READINGS_SQL = """
    SELECT r.meter_id, r.period, r.value, r.source, m.serial_number, m.initial_reading
    FROM metering_reading r
    JOIN metering_meter m ON m.id = r.meter_id
    JOIN customers_servicepoint s ON s.id = m.service_point_id
    WHERE s.contract_id = %s AND r.period <= %s
    ORDER BY m.serial_number, r.period
"""


def meter_readings(contract_id: int, month: dt.date) -> list[InvoiceReading]:
    """One row per meter of the contract with a reading for `month` (one query, whatever the
    history). A meter's previous reading is its last one before the month, or its initial
    reading; a meter without a reading in the month (a norm month, a broken meter) has no row."""
    with connection.cursor() as cursor:
        cursor.execute(READINGS_SQL, [contract_id, month])
        readings = cursor.fetchall()
    by_meter: dict[int, list[tuple[Any, ...]]] = {}
    for reading in readings:
        by_meter.setdefault(reading[0], []).append(reading)
    rows = []
    for history in by_meter.values():
        meter_id, period, value, source, serial_number, initial_reading = history[-1]
        if period != month:
            continue
        before = history[-2] if len(history) > 1 else None
        rows.append(
            InvoiceReading(
                meter=_meter(meter_id, serial_number, initial_reading),
                previous=before[2] if before else initial_reading,
                previous_estimated=before is not None and before[3] == Reading.Source.ESTIMATE,
                current=value,
                current_estimated=source == Reading.Source.ESTIMATE,
            )
        )
    return rows


def _meter(pk: int, serial_number: str, initial_reading: int) -> Meter:
    """The meter of a reading row with what was read of it; its other fields are deferred (read
    on first use), as with .only()."""
    known = {"id": pk, "serial_number": serial_number, "initial_reading": initial_reading}
    fields = [f.attname for f in Meter._meta.concrete_fields if f.attname in known]
    return Meter.from_db("default", fields, [known[name] for name in fields])
