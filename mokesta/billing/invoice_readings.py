"""The readings an invoice was billed from, per meter: the previous and the month's reading, each
marked when it is the billing run's estimate. The web page and the PDF show the same rows."""

import datetime as dt
from dataclasses import dataclass

from mokesta.billing.models import Invoice
from mokesta.billing.queries import ReadingWithMeter, contract_readings, contracts_readings
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
    return _rows(contract_readings(contract_id, month), month)


def contracts_meter_readings(
    contract_ids: list[int], month: dt.date
) -> dict[int, list[InvoiceReading]]:
    """meter_readings of many contracts in one query: {contract id: its rows}."""
    found = contracts_readings(contract_ids, month)
    return {pk: _rows(readings, month) for pk, readings in found.items()}


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
