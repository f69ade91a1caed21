"""Billing run benchmark (not part of `make test`).

    .venv/bin/python bench/billing.py 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mokesta .venv/bin/python bench/billing.py 100000

Creates N contracts (one meter each) with 13 months of readings in a throw-away database, leaves
one in ten meters without a reading for the billed month (so the run estimates them), bills that
month with the real run and prints invoices/s next to the time of a raw bulk_create of the same
rows (invoices, lines, billed readings, estimates, outbox messages) measured in the same run. One
contract in three has a self-service user who takes the invoice by e-mail, by SMS, by both or
neither, so the run queues deliveries as in service. Target: the run takes at most twice the raw
insert.
"""

import argparse
import datetime as dt
import os
import random
import time
from decimal import Decimal

# Sending is a worker's job in service: the run only enqueues a task per chunk.
os.environ.setdefault("TASK_BACKEND", "database")

from _setup import drop_database, fresh_database  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from mokesta.accounts.models import User  # noqa: E402
from mokesta.billing.models import (  # noqa: E402
    BilledReading,
    BillingPeriod,
    Invoice,
    InvoiceLine,
    Tariff,
)
from mokesta.billing.run import CHUNK_SIZE, bill_period  # noqa: E402
from mokesta.customers.models import Contract, ContractAccess, Customer, ServicePoint  # noqa: E402
from mokesta.lib.dates import add_months, local_today, month_start  # noqa: E402
from mokesta.metering.models import Meter, Reading  # noqa: E402
from mokesta.outbox.models import OutgoingMessage  # noqa: E402
from mokesta.payments.models import Payment  # noqa: E402
from mokesta.utility.models import Utility  # noqa: E402

HISTORY = 13
BATCH = 5000


def populate(n: int, month: dt.date) -> None:
    rng = random.Random(4)  # noqa: S311 - benchmark data
    Utility.objects.create(name="Bench", short_name="Bench", invoice_series="VKU")
    for service, price in (("water", "1.0200"), ("wastewater", "1.3400"), ("fee", "0.7800")):
        Tariff.objects.create(
            service=service, category="apartment", price=Decimal(price), valid_from="2000-01-01"
        )
    start = add_months(month, -HISTORY)
    Customer.objects.bulk_create(
        (
            Customer(name=f"Mokėtojas {i}", payer_code=f"B{i:09d}", address=f"Gatvė {i}")
            for i in range(n)
        ),
        batch_size=BATCH,
    )
    customers = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    Contract.objects.bulk_create(
        (
            Contract(number=f"B-{i:09d}", customer_id=c, start_date=start, category="apartment")
            for i, c in enumerate(customers)
        ),
        batch_size=BATCH,
    )
    contracts = list(Contract.objects.order_by("pk").values_list("pk", flat=True))
    ServicePoint.objects.bulk_create(
        (ServicePoint(contract_id=c, address=f"Gatvė {c}") for c in contracts), batch_size=BATCH
    )
    points = list(ServicePoint.objects.order_by("pk").values_list("pk", flat=True))
    Meter.objects.bulk_create(
        (
            Meter(
                service_point_id=p,
                serial_number=f"BM{p:09d}",
                installed_on=start,
                verified_on=start,
                initial_reading=100,
            )
            for p in points
        ),
        batch_size=BATCH,
    )
    meters = list(Meter.objects.order_by("pk").values_list("pk", flat=True))
    readings = []
    for meter in meters:
        value = 100
        last_reading = month if rng.random() > 0.1 else add_months(month, -1)
        period = start
        while period <= last_reading:
            value += rng.randint(2, 9)
            readings.append(Reading(meter_id=meter, period=period, value=value, source="customer"))
            period = add_months(period, 1)
        if len(readings) >= 50_000:
            Reading.objects.bulk_create(readings, batch_size=BATCH)
            readings = []
    Reading.objects.bulk_create(readings, batch_size=BATCH)
    # One contract in three has a user: e-mail only, SMS only, both, or neither (in turn).
    User.objects.bulk_create(
        (
            User(
                email=f"bench{c}@example.lt",
                password="!",  # unusable, like an account that never set one
                first_name="Ona",
                last_name="Bench",
                invoices_by_email=(i % 4) in (0, 2),
                sms_opt_in=(i % 4) in (1, 2),
                phone="+37060000000" if (i % 4) in (1, 2) else "",
            )
            for i, c in enumerate(contracts[::3])
        ),
        batch_size=BATCH,
    )
    users = dict(User.objects.filter(email__startswith="bench").values_list("email", "pk"))
    ContractAccess.objects.bulk_create(
        (
            ContractAccess(user_id=users[f"bench{c}@example.lt"], contract_id=c, via="code")
            for c in contracts[::3]
        ),
        batch_size=BATCH,
    )
    # One customer in five has paid something: the run reads payments for the balance.
    Payment.objects.bulk_create(
        (
            Payment(contract_id=c, amount=Decimal("20.00"), paid_on=month, source="bank")
            for c in contracts[::5]
        ),
        batch_size=BATCH,
    )


def raw_insert(period: BillingPeriod, month: dt.date) -> float:
    """Seconds to bulk_create the run's rows again (as copies for another period)."""
    other = BillingPeriod.objects.create(month=add_months(month, 1))
    invoices = list(Invoice.objects.filter(period=period).order_by("pk"))
    lines = list(InvoiceLine.objects.filter(invoice__period=period).order_by("pk"))
    readings = list(BilledReading.objects.filter(invoice__period=period).order_by("pk"))
    estimates = list(Reading.objects.filter(period=month, source="estimate"))
    messages: dict[int, list[OutgoingMessage]] = {}
    for message in OutgoingMessage.objects.filter(invoice__period=period).order_by("pk"):
        message.pk = None
        message._state.adding = True
        message.dedup_key = f"R{message.dedup_key}"
        messages.setdefault(message.invoice_id, []).append(message)
    for invoice in invoices:
        invoice.pk, invoice.period = None, other
        invoice._state.adding = True
        invoice.number = f"R{invoice.number}"
        invoice.sequence += 10_000_000
        invoice.payment_code = f"R{invoice.payment_code}"
    by_old = {}
    for line in lines:
        line.pk = None
        line._state.adding = True
        by_old.setdefault(line.invoice_id, []).append(line)
    old_ids = list(by_old)
    readings_of: dict[int, list[BilledReading]] = {}
    for billed in readings:
        billed.pk = None
        billed._state.adding = True
        readings_of.setdefault(billed.invoice_id, []).append(billed)
    for reading in estimates:
        reading.pk, reading.period = None, other.month
        reading._state.adding = True
    started = time.perf_counter()
    # the same chunks, transactions and batch sizes as the run, without its reads and computing
    for i in range(0, len(invoices), CHUNK_SIZE):
        chunk = invoices[i : i + CHUNK_SIZE]
        with transaction.atomic():
            Reading.objects.bulk_create(
                estimates[i // 10 : (i + CHUNK_SIZE) // 10], batch_size=1000
            )
            Invoice.objects.bulk_create(chunk, batch_size=1000)
            chunk_lines = []
            for old_id, invoice in zip(old_ids[i : i + CHUNK_SIZE], chunk, strict=True):
                for line in by_old[old_id]:
                    line.invoice_id = invoice.pk
                    chunk_lines.append(line)
            InvoiceLine.objects.bulk_create(chunk_lines, batch_size=2000)
            chunk_readings = []
            for old_id, invoice in zip(old_ids[i : i + CHUNK_SIZE], chunk, strict=True):
                for billed in readings_of.get(old_id, []):
                    billed.invoice_id = invoice.pk
                    chunk_readings.append(billed)
            BilledReading.objects.bulk_create(chunk_readings, batch_size=2000)
            chunk_messages = []
            for old_id, invoice in zip(old_ids[i : i + CHUNK_SIZE], chunk, strict=True):
                for message in messages.get(old_id, []):
                    message.invoice_id = invoice.pk
                    chunk_messages.append(message)
            OutgoingMessage.objects.bulk_create(chunk_messages, ignore_conflicts=True)
    elapsed = time.perf_counter() - started
    # Throw the copies away (raw deletes: the models refuse to delete issued invoices).
    OutgoingMessage.objects.filter(invoice__period=other)._raw_delete(connection.alias)
    InvoiceLine.objects.filter(invoice__period=other)._raw_delete(connection.alias)
    BilledReading.objects.filter(invoice__period=other)._raw_delete(connection.alias)
    Invoice.objects.filter(period=other)._raw_delete(connection.alias)
    Reading.objects.filter(period=other.month)._raw_delete(connection.alias)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of contracts")
    args = parser.parse_args()
    old_name = fresh_database()
    try:
        month = add_months(month_start(local_today()), -1)
        t = time.perf_counter()
        populate(args.n, month)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics, as a database in service has
        print(
            f"{connection.vendor}: {args.n} contracts, {HISTORY} months of history "
            f"created in {time.perf_counter() - t:.1f} s"
        )
        started = time.perf_counter()
        issued = bill_period(month=month)
        run_time = time.perf_counter() - started
        period = BillingPeriod.objects.get(month=month)
        lines = InvoiceLine.objects.filter(invoice__period=period).count()
        estimates = Reading.objects.filter(period=month, source="estimate").count()
        queued = OutgoingMessage.objects.filter(invoice__period=period).count()
        raw = raw_insert(period, month)
        print(
            f"billing run: {issued} invoices ({lines} lines, {estimates} estimates, "
            f"{queued} messages queued) "
            f"in {run_time:.2f} s = {issued / run_time:.0f} invoices/s"
        )
        print(f"raw bulk_create of the same rows: {raw:.2f} s = {issued / raw:.0f} invoices/s")
        verdict = "OK" if run_time <= 2 * raw else "SLOWER THAN TARGET"
        print(f"run / raw = {run_time / raw:.2f} (target ≤ 2.00): {verdict}")
    finally:
        drop_database(old_name)


if __name__ == "__main__":
    main()
