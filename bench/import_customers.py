"""Customer import speed: `python bench/import_customers.py N` builds a customer file of N
contracts with 1.5 N meters (every second contract has two), each with its latest reading, a
third of them owing and a seventh overpaid, and a reading history file of 12 months for every
meter, both CSV as Lithuanian Excel writes them. Then, in one run, on a fresh database:

  1. baseline: a raw bulk_create of the same customers, contracts, service points, meters,
     readings and opening entries (then removed),
  2. the customer file: dry run, real run; 3. the history file: dry run, real run;
  4. the customer file again (nothing changes),

printing rows/s, each real run as a multiple of the baseline, and the process's peak memory
(resource.getrusage's ru_maxrss, the resident set: the files themselves included).
Uses DATABASE_URL (a throw-away database is created and dropped); not a test."""

import datetime as dt
import os
import resource
import sys
import time
from decimal import Decimal

from _setup import drop_database, fresh_database
from django.db import connection, transaction

MONTHS = 12


def contract_row(i: int) -> list[str]:
    balance = ""
    if i % 3 == 0:
        balance = f"{10 + i % 90},{i % 100:02d}"
    elif i % 7 == 0:
        balance = f"-{5 + i % 20},00"
    return [
        f"BEN-{i:07d}",
        f"{10000000 + i}",
        "person",
        f"Mokėtojas {i}",
        "",
        "",
        f"klientas{i}@example.lt" if i % 2 else "",
        f"+3706{i % 10000000:07d}",
        f"Bandymų g. {i % 200 + 1}-{i % 50 + 1}, Velžys",
        "apartment",
        "2015-01-01",
        str(1 + i % 4),
        balance,
    ]


def meters_of(i: int) -> list[str]:
    return [f"BM{i:07d}A", f"BM{i:07d}B"] if i % 2 == 0 else [f"BM{i:07d}A"]


def history_value(i: int, k: int) -> int:
    """The k-th month's reading (k = 0 the oldest; MONTHS is November 2026)."""
    return 100 + i % 50 + k * (3 + i % 5)


def history_months() -> list[str]:
    out = []
    year, month = 2025, 11
    for _ in range(MONTHS):
        out.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out  # 2025-11 .. 2026-10


def build(n: int) -> tuple[bytes, bytes, int, int]:
    from mokesta.onboarding.files import CUSTOMER_COLUMNS

    lines = [";".join(CUSTOMER_COLUMNS)]
    history = ["meter_serial;period;reading;estimated"]
    months = history_months()
    meters = 0
    for i in range(n):
        row = contract_row(i)
        head, amount = ";".join(row[:12]), row[12]
        for serial in meters_of(i):
            meters += 1
            latest = history_value(i, MONTHS)
            lines.append(
                f"{head};{serial};apartment;6;2020-05-04;2020-05-04;{latest};2026-11-28;{amount}"
            )
            for k, month in enumerate(months):
                history.append(f"{serial};{month};{history_value(i, k)};{1 if k == 5 else 0}")
    bom = b"\xef\xbb\xbf"
    return (
        bom + "\r\n".join(lines).encode() + b"\r\n",
        bom + "\r\n".join(history).encode() + b"\r\n",
        meters,
        len(history) - 1,
    )


def baseline(n: int) -> float:
    """Seconds for a raw bulk_create of what the import writes (the same rows)."""
    from mokesta.billing.models import BillingPeriod, Invoice
    from mokesta.customers.models import Contract, Customer, ServicePoint
    from mokesta.metering.models import Meter, Reading
    from mokesta.payments.models import Payment

    start = time.perf_counter()
    day = dt.date(2026, 10, 31)
    months = [dt.date.fromisoformat(f"{m}-01") for m in history_months()]
    with transaction.atomic():
        period = BillingPeriod.objects.create(month=dt.date(2026, 10, 1))
        for first in range(0, n, 2000):
            ids = range(first, min(n, first + 2000))
            customers = []
            for i in ids:
                row = contract_row(i)
                customers.append(
                    Customer(
                        payer_code=row[1],
                        name=row[3],
                        email=row[6],
                        email_key=row[6],
                        phone=row[7],
                        address=row[8],
                    )
                )
            Customer.objects.bulk_create(customers)
            contracts = [
                Contract(
                    number=f"BEN-{i:07d}",
                    customer=c,
                    start_date=dt.date(2015, 1, 1),
                    category="apartment",
                    residents=1 + i % 4,
                )
                for i, c in zip(ids, customers, strict=True)
            ]
            Contract.objects.bulk_create(contracts)
            points = [ServicePoint(contract=c, address="Bandymų g. 1, Velžys") for c in contracts]
            ServicePoint.objects.bulk_create(points)
            meters = [
                (
                    i,
                    Meter(
                        serial_number=serial,
                        service_point=p,
                        digits=6,
                        installed_on=dt.date(2020, 5, 4),
                        verified_on=dt.date(2020, 5, 4),
                    ),
                )
                for i, p in zip(ids, points, strict=True)
                for serial in meters_of(i)
            ]
            Meter.objects.bulk_create([m for _i, m in meters])
            Reading.objects.bulk_create(
                [
                    Reading(meter=m, period=month, value=history_value(i, k), source="staff")
                    for i, m in meters
                    for k, month in enumerate([*months, dt.date(2026, 11, 1)])
                ]
            )
            debts, credits = [], []
            for i, c in zip(ids, contracts, strict=True):
                if i % 3 == 0:
                    amount = Decimal(f"{10 + i % 90}.{i % 100:02d}")
                    debts.append(
                        Invoice(
                            series="BASE",
                            sequence=i + 1,
                            number=f"BASE{i:07d}",
                            kind="opening",
                            contract=c,
                            period=period,
                            issue_date=day,
                            due_date=day,
                            customer_name="x",
                            customer_address="x",
                            payer_code="x",
                            net=amount,
                            vat=0,
                            total=amount,
                            interest=0,
                            previous_balance=0,
                            amount_due=amount,
                            payment_code=f"BASE{i:07d}",
                        )
                    )
                elif i % 7 == 0:
                    credits.append(
                        Payment(
                            contract=c, amount=Decimal(5 + i % 20), paid_on=day, source="opening"
                        )
                    )
            Invoice.objects.bulk_create(debts)
            Payment.objects.bulk_create(credits)
    took = time.perf_counter() - start
    with transaction.atomic(), connection.cursor() as cursor:
        for table in (
            "metering_reading",
            "metering_meter",
            "customers_servicepoint",
            "billing_invoice",
            "payments_payment",
            "customers_contract",
            "customers_customer",
            "billing_billingperiod",
        ):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names
    return took


def baseline_apart(n: int) -> float:
    """baseline() in a forked child, so that the peak memory printed is the import's own."""
    read, write = os.pipe()
    connection.close()  # the child opens its own
    pid = os.fork()
    if pid == 0:
        os.close(read)
        took = baseline(n)
        os.write(write, repr(took).encode())
        connection.close()
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        took = float(pipe.read())
    os.waitpid(pid, 0)
    return took


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    import time_machine

    from mokesta.onboarding.importing import import_file

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    old_name = fresh_database()
    try:
        customers, history, meters, readings = build(n)
        print(
            f"{connection.vendor}: {n} contracts, {meters} meters, {readings} history readings; "
            f"files {len(customers) / 1e6:.1f} + {len(history) / 1e6:.1f} MB; "
            f"peak memory {peak_mb():.0f} MB"
        )
        with time_machine.travel(dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC), tick=True):
            base = baseline_apart(n)
            print(f"  raw bulk_create of the same rows: {base:.1f} s (baseline, its own process)")
            total = 0.0
            for label, data, rows, dry in (
                ("customers, dry run", customers, meters, True),
                ("customers", customers, meters, False),
                ("history, dry run", history, readings, True),
                ("history", history, readings, False),
                ("customers again", customers, meters, False),
            ):
                start = time.perf_counter()
                result = import_file(data=data, dry_run=dry, balance_date=dt.date(2026, 11, 30))
                took = time.perf_counter() - start
                assert result.ok, result.problems[:5]
                if not dry and label != "customers again":
                    total += took
                print(
                    f"  {label}: {took:.1f} s = {rows / took:.0f} rows/s; peak memory "
                    f"{peak_mb():.0f} MB; {dict((k, v) for k, v in result.counts.items() if v)}"
                )
            print(f"  real runs together: {total:.1f} s = {total / base:.2f}× baseline")
    finally:
        drop_database(old_name)


if __name__ == "__main__":
    main()
