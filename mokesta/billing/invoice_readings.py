"""The readings an invoice was billed from, per meter: the previous and the month's reading, each
marked when it is the billing run's estimate. An issued invoice keeps them (BilledReading,
written by the billing run in the transaction that issues it): the web page and the PDF show
those rows (invoice_readings), so a reading corrected after issue never changes the invoice.
meter_readings() reads the same figures live from the meters' readings (what the month's next
invoice would bill; documents issued before the copy were filled the same way by a migration)."""

import datetime as dt
from dataclasses import dataclass

from mokesta.billing.models import BilledReading, Invoice
from mokesta.billing.queries import ReadingWithMeter, billed_readings, contract_readings
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
    def meter_serial(self) -> str:  # named as BilledReading names it
        return self.meter.serial_number


def invoice_readings(invoice: Invoice | int) -> list[BilledReading]:
    """The readings `invoice` (or the invoice with that id) billed, as issued: one row per meter
    line, by meter serial number (a credit note has none)."""
    return billed_readings(invoice if isinstance(invoice, int) else invoice.pk)


def meter_readings(contract_id: int, month: dt.date) -> list[InvoiceReading]:
    """One row per meter of the contract with a reading for `month` (one query, whatever the
    history). A meter's previous reading is its last one before the month, or its initial
    reading; a meter without a reading in the month (a norm month, a broken meter) has no row."""
    return _rows(contract_readings(contract_id, month), month)


def _rows(readings: list[ReadingWithMeter], month: dt.date) -> list[InvoiceReading]:
    """The rows of a contract's readings, ordered by meter and period."""
    by_meter: dict[int, list[ReadingWithMeter]] = {}
    for reading in readings:
        by_meter.setdefault(reading.meter, []).append(reading)
    rows = []
    for history in by_meter.values():
        last = history[-1]
        if last.period != month:
            continue
        before = history[-2] if len(history) > 1 else None
        rows.append(
            InvoiceReading(
                meter=_meter(last.meter, last.serial_number, last.initial_reading),
                previous=before.value if before else last.initial_reading,
                previous_estimated=before is not None and before.source == Reading.Source.ESTIMATE,
                current=last.value,
                current_estimated=last.source == Reading.Source.ESTIMATE,
            )
        )
    return rows


def _meter(pk: int, serial_number: str, initial_reading: int) -> Meter:
    """The meter of a reading row with what was read of it; its other fields are deferred (read
    on first use), as with .only()."""
    known = {"id": pk, "serial_number": serial_number, "initial_reading": initial_reading}
    fields = [f.attname for f in Meter._meta.concrete_fields if f.attname in known]
    return Meter.from_db("default", fields, [known[name] for name in fields])
