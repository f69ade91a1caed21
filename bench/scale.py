"""Data at scale: N contracts of realistic shape on PostgreSQL, written with COPY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mokesta .venv/bin/python bench/scale.py 100000

Builds the database `<name>_scale<N>` beside the configured one (dropped first if it exists),
migrates it and fills it, per contract: a customer, a service point, 1.5 meters (every other
contract has two), 24 months of readings of each meter up to last month, the 12 closed months
before last month billed (an invoice with its three lines and billed readings per month, the
previous balance carried), and a payment of each invoice but for one contract in ten, which
skips the last two; one contract in three has a self-service user (e-mail invoices, SMS or
both). Last month is left open and unbilled, so `bill_period` of it is the next run at scale.
It prints the time and rows/s of each table and keeps the database for the other benchmarks
(`_setup.scale_database(N)`); `--drop` removes it at the end.

Rows are written with psycopg's `cursor.copy` (COPY … FROM STDIN), ids given by the script
(the sequences are moved past them afterwards), foreign keys not checked row by row
(`session_replication_role = replica`: the data is consistent by construction), indexes kept.
"""

import argparse
import contextlib
import datetime as dt
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

import _setup
import psycopg
from django.db import connection, models
from django.utils import timezone

from mokesta.accounts.models import User
from mokesta.billing.models import (
    BilledReading,
    BillingPeriod,
    Invoice,
    InvoiceLine,
    InvoiceSequence,
    Seller,
    Tariff,
)
from mokesta.billing.numbering import format_number, payment_code
from mokesta.billing.run import due_date_for, issue_date_for
from mokesta.customers.models import Contract, ContractAccess, Customer, ServicePoint
from mokesta.lib.dates import add_months, local_today, month_start
from mokesta.metering.models import Meter, Reading
from mokesta.payments.models import Payment
from mokesta.utility.models import Utility

READ_MONTHS = 24
BILLED_MONTHS = 12
PRICES = {"water": 102, "wastewater": 134, "fee": 78}  # cents without VAT
VAT = 21
SERIES = "VKU"


def cents(value: int) -> str:
    sign = "-" if value < 0 else ""
    value = abs(value)
    return f"{sign}{value // 100}.{value % 100:02d}"


def vat_of(net: int) -> int:
    return (net * VAT + 50) // 100  # half up, in cents


class Copier:
    """COPY of one model's rows: every concrete column, each value given or the field's
    default (auto_now fields: now), ids from `first_id` on."""

    def __init__(self, model: type[models.Model], ids: bool) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if ids or not f.primary_key]
        now = timezone.now()
        self.defaults: dict[str, Any] = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            elif not f.primary_key:
                self.defaults[f.attname] = f.get_db_prep_save(f.get_default(), connection)
        self.columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        self.names = [f.attname for f in self.fields]
        self.template = [self.defaults.get(n) for n in self.names]
        self.position = {n: i for i, n in enumerate(self.names)}
        self.rows = 0

    def first_id(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {self.model._meta.db_table}")
            return int(cursor.fetchone()[0])

    def row(self, values: dict[str, Any]) -> list[Any]:
        """The full row: the defaults with `values` put in their columns."""
        row = self.template.copy()
        position = self.position
        for name, value in values.items():
            row[position[name]] = value
        return row

    def copy(self, rows: Iterable[dict[str, Any]]) -> int:
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor
            with raw.copy(f"COPY {table} ({self.columns}) FROM STDIN") as copy:
                write, make = copy.write_row, self.row
                for values in rows:
                    write(make(values))
                    self.rows += 1
        return self.rows

    def move_sequence(self) -> None:
        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT coalesce(max(id), 1) FROM {table}))"
            )


class Timer:
    def __init__(self) -> None:
        self.lines: list[tuple[str, int, float]] = []

    def run(self, name: str, step: Callable[[], int]) -> None:
        started = time.perf_counter()
        rows = step()
        elapsed = time.perf_counter() - started
        self.lines.append((name, rows, elapsed))
        print(f"  {name:<22} {rows:>12,} rows {elapsed:>8.1f} s {rows / elapsed:>10,.0f} rows/s")
        sys.stdout.flush()


def meters_of(i: int) -> int:
    return 2 if i % 2 else 1


def build(n: int, month: dt.date, timer: Timer | None = None) -> dict[str, int]:
    """Fills the current (empty, migrated) database with `n` contracts; `month` is the month
    to bill next (last month). Returns rows per table."""
    timer = timer or Timer()
    rng = random.Random(24)  # noqa: S311 - benchmark data
    utility = Utility.objects.create(
        name="VšĮ Velžio komunalinis ūkis",
        short_name="Velžio KŪ",
        invoice_series=SERIES,
        company_code="300000001",
        iban="LT601010012345678901",
    )
    seller = Seller.of(utility)
    for service, price in PRICES.items():
        for category in ("apartment", "house", "company"):
            Tariff.objects.create(
                service=service,
                category=category,
                price=Decimal(price) / 100,
                valid_from="2000-01-01",
            )
    first_read = add_months(month, -(READ_MONTHS - 1))
    billed = [add_months(month, -BILLED_MONTHS + k) for k in range(BILLED_MONTHS)]  # before month
    periods = {m: BillingPeriod.objects.create(month=m, state="closed").pk for m in billed}
    start = add_months(first_read, -1)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no per-row FK triggers

    given_ids = {Customer, Contract, ServicePoint, Meter, Invoice, User}
    copiers = {
        m: Copier(m, ids=m in given_ids)
        for m in (
            Customer,
            Contract,
            ServicePoint,
            Meter,
            Reading,
            Invoice,
            InvoiceLine,
            BilledReading,
            Payment,
            User,
            ContractAccess,
        )
    }
    base = {m: c.first_id() for m, c in copiers.items()}
    cust0, contract0, point0 = base[Customer], base[Contract], base[ServicePoint]
    meter0, user0 = base[Meter], base[User]
    # meter ids of contract i: contiguous, 1 or 2 each
    meter_start = []
    next_meter = meter0
    for i in range(n):
        meter_start.append(next_meter)
        next_meter += meters_of(i)

    def customers() -> Iterator[dict[str, Any]]:
        for i in range(n):
            yield {
                "id": cust0 + i,
                "name": f"Mokėtojas {i}",
                "payer_code": f"S{i:010d}",
                "address": f"Gatvė {i % 500}-{i}, Panevėžys",
            }

    def contracts() -> Iterator[dict[str, Any]]:
        for i in range(n):
            yield {
                "id": contract0 + i,
                "number": f"S-{i:010d}",
                "customer_id": cust0 + i,
                "start_date": start,
                "category": "house" if i % 7 == 0 else "apartment",
            }

    def points() -> Iterator[dict[str, Any]]:
        for i in range(n):
            yield {"id": point0 + i, "contract_id": contract0 + i, "address": f"Gatvė {i}"}

    def meters() -> Iterator[dict[str, Any]]:
        for i in range(n):
            for k in range(meters_of(i)):
                pk = meter_start[i] + k
                yield {
                    "id": pk,
                    "service_point_id": point0 + i,
                    "serial_number": f"SM{pk:010d}",
                    "installed_on": start,
                    "verified_on": start,
                    "initial_reading": 100,
                }

    # The readings of every meter, kept only as far as the invoices need them (by contract).
    def values_of(i: int) -> list[list[int]]:
        """Per meter of contract i: its readings of the READ_MONTHS months (first_read on)."""
        local = random.Random(i)  # noqa: S311 - the same numbers for readings and invoices
        out = []
        for _k in range(meters_of(i)):
            value, series = 100, []
            for _m in range(READ_MONTHS):
                value += local.randint(1, 8)
                series.append(value)
            out.append(series)
        return out

    def readings() -> Iterator[dict[str, Any]]:
        months = [add_months(first_read, m) for m in range(READ_MONTHS)]
        for i in range(n):
            for k, series in enumerate(values_of(i)):
                meter = meter_start[i] + k
                for m, value in enumerate(series):
                    yield {
                        "meter_id": meter,
                        "period": months[m],
                        "value": value,
                        "source": "customer",
                    }

    index_of = {m: READ_MONTHS - 1 - BILLED_MONTHS + k for k, m in enumerate(billed)}
    invoice0 = base[Invoice]
    issued = {m: issue_date_for(m) for m in billed}
    due = {m: due_date_for(m) for m in billed}
    unit_prices = {service: cents(price) for service, price in PRICES.items()}

    def invoice_rows() -> Iterator[tuple[dict[str, Any], list[dict], list[dict], dict | None]]:
        """Invoices with their lines, billed readings and payment, contract by contract."""
        sequence = 0
        pk = invoice0
        for i in range(n):
            series = values_of(i)
            balance = 0
            skips = i % 10 == 0
            for b, m in enumerate(billed):
                at = index_of[m]
                water = sum(s[at] - s[at - 1] for s in series)
                net_lines = [
                    ("water", water, PRICES["water"] * water),
                    ("wastewater", water, PRICES["wastewater"] * water),
                    ("fee", len(series), PRICES["fee"] * len(series)),
                ]
                lines = []
                net = vat = 0
                for service, quantity, line_net in net_lines:
                    line_vat = vat_of(line_net)
                    net += line_net
                    vat += line_vat
                    lines.append(
                        {
                            "invoice_id": pk,
                            "service": service,
                            "description": service,
                            "quantity": quantity,
                            "unit": "m³" if service != "fee" else "mėn.",
                            "unit_price": unit_prices[service],
                            "net": cents(line_net),
                            "vat_rate": VAT,
                            "vat": cents(line_vat),
                            "total": cents(line_net + line_vat),
                        }
                    )
                total = net + vat
                sequence += 1
                invoice = {
                    "id": pk,
                    "series": SERIES,
                    "sequence": sequence,
                    "number": format_number(SERIES, sequence),
                    "contract_id": contract0 + i,
                    "period_id": periods[m],
                    "issue_date": issued[m],
                    "due_date": due[m],
                    "seller_id": seller.pk,
                    "contract_number": f"S-{i:010d}",
                    "customer_name": f"Mokėtojas {i}",
                    "customer_address": f"Gatvė {i % 500}-{i}, Panevėžys",
                    "payer_code": f"S{i:010d}",
                    "service_address": f"Gatvė {i}",
                    "net": cents(net),
                    "vat": cents(vat),
                    "total": cents(total),
                    "previous_balance": cents(balance),
                    "amount_due": cents(balance + total),
                    "payment_code": payment_code(m, contract0 + i),
                    "water_m3": water,
                }
                billed_readings = [
                    {
                        "invoice_id": pk,
                        "meter_serial": f"SM{meter_start[i] + k:010d}",
                        "previous": s[at - 1],
                        "current": s[at],
                    }
                    for k, s in enumerate(series)
                ]
                balance += total
                payment = None
                if not (skips and b >= BILLED_MONTHS - 2):
                    payment = {
                        "contract_id": contract0 + i,
                        "amount": cents(total),
                        "paid_on": due[m] - dt.timedelta(days=rng.randint(0, 20)),
                        "source": "bank",
                        "payer_name": f"Mokėtojas {i}",
                        "bank_reference": f"S{pk}",
                    }
                    balance -= total
                yield invoice, lines, billed_readings, payment
                pk += 1

    timer.run("customers", lambda: copiers[Customer].copy(customers()))
    timer.run("contracts", lambda: copiers[Contract].copy(contracts()))
    timer.run("service points", lambda: copiers[ServicePoint].copy(points()))
    timer.run("meters", lambda: copiers[Meter].copy(meters()))
    timer.run("readings", lambda: copiers[Reading].copy(readings()))

    # Invoices, lines, billed readings and payments in one pass: four COPY streams side by side,
    # Django's connection for the invoices and three more connections for the others.
    def billing() -> int:
        tables = [Invoice, InvoiceLine, BilledReading, Payment]
        extra = [psycopg.connect(_setup.conninfo(), autocommit=True) for _ in tables[1:]]
        with contextlib.ExitStack() as stack:
            for other in extra:
                stack.enter_context(other)
                other.execute("SET session_replication_role = replica")
            cursors = [stack.enter_context(connection.cursor()).cursor] + [
                other.cursor() for other in extra
            ]
            copies = [
                stack.enter_context(
                    cursor.copy(
                        f"COPY {connection.ops.quote_name(m._meta.db_table)} "
                        f"({copiers[m].columns}) FROM STDIN"
                    )
                )
                for cursor, m in zip(cursors, tables, strict=True)
            ]
            writers = [(copy, copiers[m]) for copy, m in zip(copies, tables, strict=True)]
            for invoice, lines, billed_readings, payment in invoice_rows():
                batches = ([invoice], lines, billed_readings, [payment] if payment else [])
                for (copy, copier), batch in zip(writers, batches, strict=True):
                    for values in batch:
                        copy.write_row(copier.row(values))
                    copier.rows += len(batch)
        return sum(copiers[m].rows for m in tables)

    timer.run("invoices+lines+billed+payments", billing)
    InvoiceSequence.objects.update_or_create(
        series=SERIES, defaults={"last_number": n * BILLED_MONTHS}
    )

    def users() -> Iterator[dict[str, Any]]:
        for j, i in enumerate(range(0, n, 3)):
            yield {
                "id": user0 + j,
                "email": f"scale{i}@example.lt",
                "password": "!",
                "first_name": "Ona",
                "last_name": "Skalė",
                "invoices_by_email": (j % 4) in (0, 2),
                "sms_opt_in": (j % 4) in (1, 2),
                "phone": "+37060000000" if (j % 4) in (1, 2) else "",
                "is_active": True,
                "date_joined": timezone.now(),
            }

    def accesses() -> Iterator[dict[str, Any]]:
        for j, i in enumerate(range(0, n, 3)):
            yield {"user_id": user0 + j, "contract_id": contract0 + i, "via": "code"}

    timer.run("users", lambda: copiers[User].copy(users()))
    timer.run("contract accesses", lambda: copiers[ContractAccess].copy(accesses()))
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = origin")
    for copier in copiers.values():
        copier.move_sequence()
    timer.run("ANALYZE", lambda: analyze())
    return {m._meta.db_table: c.rows for m, c in copiers.items()}


def analyze() -> int:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of contracts")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/scale.py needs PostgreSQL: DATABASE_URL=postgres://…")
    name = _setup.scale_database(args.n, build=False)
    month = add_months(month_start(local_today()), -1)
    print(f"{name}: {args.n:,} contracts, billing month {month:%Y-%m} left to bill")
    timer = Timer()
    started = time.perf_counter()
    build(args.n, month, timer)
    elapsed = time.perf_counter() - started
    rows = sum(r for _, r, _ in timer.lines)
    print(f"total: {rows:,} rows in {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size: {cursor.fetchone()[0]}")
    if args.drop:
        _setup.drop_scale_database(name)
    else:
        settings = connection.settings_dict
        print(
            f"kept: DATABASE_URL=postgres://{settings['USER']}@{settings['HOST']}:"
            f"{settings['PORT']}/{name}"
        )


if __name__ == "__main__":
    os.environ.setdefault("TASK_BACKEND", "database")
    main()
