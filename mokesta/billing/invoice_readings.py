"""The readings an invoice was billed from, per meter: the previous and the month's reading, each
marked when it is the billing run's estimate. The web page and the PDF show the same rows."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from mokesta.billing.models import Invoice
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


def invoice_readings(invoice: Invoice) -> list[InvoiceReading]:
    """One row per meter with a reading for the invoice's month: meter_readings()."""
    return meter_readings(invoice.contract_id, invoice.period.month)


def meter_readings(contract_id: int, month: dt.date) -> list[InvoiceReading]:
    """One row per meter of the contract with a reading for `month` (one query, whatever the
    history). A meter's previous reading is its last one before the month, or its initial
    reading; a meter without a reading in the month (a norm month, a broken meter) has no row."""
    # Plain rows: the whole history is read, and a model instance (two with the meter) per
    # reading was most of the invoice page's time.
    readings = (
        Reading.objects.filter(meter__service_point__contract_id=contract_id)
        .filter(period__lte=month)
        .order_by("meter__serial_number", "period")
        .values_list(
            *("meter_id", "period", "value", "source"),
            *("meter__serial_number", "meter__initial_reading"),
            named=True,
        )
    )
    by_meter: dict[int, list[Any]] = {}
    for reading in readings:
        by_meter.setdefault(reading.meter_id, []).append(reading)
    rows = []
    for meter_readings in by_meter.values():
        current = meter_readings[-1]
        if current.period != month:
            continue
        before = meter_readings[-2] if len(meter_readings) > 1 else None
        meter = _meter(current)
        rows.append(
            InvoiceReading(
                meter=meter,
                previous=before.value if before else meter.initial_reading,
                previous_estimated=before is not None and before.source == Reading.Source.ESTIMATE,
                current=current.value,
                current_estimated=current.source == Reading.Source.ESTIMATE,
            )
        )
    return rows


def _meter(row: Any) -> Meter:
    """The meter of a reading row with what was read of it; its other fields are deferred (read
    on first use), as with .only()."""
    known = {
        "id": row.meter_id,
        "serial_number": row.meter__serial_number,
        "initial_reading": row.meter__initial_reading,
    }
    fields = [f.attname for f in Meter._meta.concrete_fields if f.attname in known]
    return Meter.from_db("default", fields, [known[name] for name in fields])
