"""Post office file import speed: `python bench/postlt.py N [--readings-every K] [--contracts C]`
makes C contracts (default 20,000; at most N) with a meter read monthly for a year, builds a
Lietuvos paštas payment file of N lines paying them in turn (every line names its payer code,
every other one the contract number too; every K-th line, default every one, writes a plausible
reading of the contract's meter), and a camt.053 statement of N entries over the same contracts
(bench/statements.py), then in one run imports:

  1. the bank statement (the reference: the same statement import, same size),
  2. the post file (payments matched and booked, readings declared under the portal's rules or
     held, the day's transfer recorded),
  3. the post file again (every line a duplicate: nothing booked),

and prints lines/s for each and the post file's time as a multiple of the statement's.
Uses DATABASE_URL (a throw-away database is created and dropped); not a test."""

import argparse
import time
from decimal import Decimal

from _setup import drop_database, fresh_database  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402

ACCOUNT = "LT407300010012345678"  # the demo utility's account


def post_file(n: int, contracts: list[tuple[str, str, int | None]], every: int) -> bytes:
    """N lines in the post's format (Windows-1257, CR LF, 24 fields)."""
    from mokesta.lib.dates import local_today

    day = f"{local_today():%Y.%m.%d}"
    lines = []
    for i in range(n):
        number, payer_code, floor = contracts[i % len(contracts)]
        readings = [""] * 12
        if floor is not None and i % every == 0:
            readings[0], readings[1] = str(floor + 2), str(floor)
        amount = Decimal(f"{10 + i % 90}.{i % 100:02d}")
        fields = [
            f"{54000 + i % 500}",
            day,
            ACCOUNT,
            payer_code,
            number if i % 2 else "",
            f"Mokėtojas Žąsinas {i}",
            "Šermukšnių g. 1, Velžys",
            "",
            f"{amount}",
            "EUR",
            "2566074",
            day,
            *readings,
        ]
        lines.append("\t".join(fields))
    return ("\r\n".join(lines) + "\r\n").encode("cp1257")


def populate(k: int) -> list[tuple[str, str, int | None]]:
    """K contracts of K payers, each with one meter read monthly for a year up to last month:
    (contract number, payer code, the meter's last reading) of each."""
    from mokesta.customers.models import Contract, Customer, ServicePoint
    from mokesta.lib.dates import add_months, local_today, month_start
    from mokesta.metering.models import Meter, Reading
    from mokesta.utility.models import Utility

    Utility.objects.create(name="Bench", short_name="Bench", iban=ACCOUNT, invoice_series="VKU")
    last = add_months(month_start(local_today()), -1)
    start = add_months(last, -11)
    Customer.objects.bulk_create(
        Customer(name=f"Mokėtojas {i}", payer_code=f"3{i:010d}", address=f"Gatvė {i}")
        for i in range(k)
    )
    customers = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    Contract.objects.bulk_create(
        Contract(number=f"P-{i:09d}", customer_id=c, start_date=start, category="apartment")
        for i, c in enumerate(customers)
    )
    contracts = list(Contract.objects.order_by("pk").values_list("pk", flat=True))
    ServicePoint.objects.bulk_create(
        ServicePoint(contract_id=c, address="Gatvė") for c in contracts
    )
    points = list(ServicePoint.objects.order_by("pk").values_list("pk", flat=True))
    Meter.objects.bulk_create(
        Meter(
            service_point_id=p,
            serial_number=f"PM{p:09d}",
            installed_on=start,
            verified_on=start,
            initial_reading=100,
        )
        for p in points
    )
    meters = list(Meter.objects.order_by("pk").values_list("pk", flat=True))
    Reading.objects.bulk_create(
        (
            Reading(
                meter_id=m, period=add_months(start, i), value=100 + 5 * (i + 1), source="customer"
            )
            for m in meters
            for i in range(12)
        ),
        batch_size=5000,
    )
    return [(f"P-{i:09d}", f"3{i:010d}", 160) for i in range(k)]


def timed(label: str, n: int, data: bytes, name: str, reference: float | None = None) -> float:
    from mokesta.bank.booking import import_statement
    from mokesta.bank.models import HeldReading

    start, cpu = time.perf_counter(), time.process_time()
    result = import_statement(data=data, filename=name)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    versus = f", {took / reference:.2f}× the statement" if reference else ""
    held = HeldReading.objects.filter(statement=result.statement).count()
    print(
        f"{connection.vendor}: {label}: {n} lines ({len(data) / 1e6:.1f} MB) in {took:.2f} s = "
        f"{n / took:.0f} lines/s{versus} (CPU {cpu:.2f} s); {result.summary}"
        + (f" Held readings: {held}." if name.endswith(".txt") else "")
    )
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=2000)
    parser.add_argument("--readings-every", type=int, default=1)
    parser.add_argument("--contracts", type=int, default=20_000)
    args = parser.parse_args()
    old_name = fresh_database()
    try:
        from statements import build  # bench/statements.py: the same size of bank statement

        from mokesta.metering.models import Reading

        contracts = populate(min(args.n, args.contracts))
        post = post_file(args.n, contracts, args.readings_every)
        bank = build(args.n, [(number, code) for number, code, _ in contracts])
        with override_settings(STATEMENT_MAX_BYTES=max(len(post), len(bank))):
            reference = timed("bank statement import", args.n, bank, "bench.xml")
            readings = Reading.objects.count()
            timed("post file import", args.n, post, "postlt.txt", reference)
            print(f"readings written or replaced: {Reading.objects.count() - readings} new rows")
            timed("post file re-import", args.n, post, "postlt.txt", reference)
    finally:
        drop_database(old_name)


if __name__ == "__main__":
    main()
