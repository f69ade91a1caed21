"""i.SAF export benchmark (not part of `make test`).

    .venv/bin/python bench/isaf.py 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mokesta .venv/bin/python bench/isaf.py 100000

Creates N invoices issued in one month (three 21 % lines each, one in ten with late-payment
interest, one in ten to a VAT-registered company) in a throw-away database, then times the
export (`write_isaf`) and its XSD check (`validate_isaf`) and prints them beside a baseline
measured in the same run: the same rows read with two plain queries and written as text with
f-strings (no XML library, no check). Then runs `manage.py isaf_export` on the same data in a
child process and prints its time and peak memory, which must not grow with N (the file is
streamed both ways).
"""

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

from _setup import drop_database, fresh_database  # noqa: E402
from django.db import connection  # noqa: E402

from mokesta.billing.isaf import validate_isaf, write_isaf  # noqa: E402
from mokesta.billing.models import BillingPeriod, Invoice, InvoiceLine  # noqa: E402
from mokesta.customers.models import Contract, Customer  # noqa: E402
from mokesta.utility.models import Utility  # noqa: E402

BATCH = 5000
MONTH = dt.date(2026, 11, 1)


def populate(n: int) -> None:
    Utility.objects.create(name="Bench", short_name="Bench", company_code="168547123")
    Customer.objects.bulk_create(
        (
            Customer(
                name=f"Mokėtojas {i}",
                payer_code=f"B{i:09d}",
                address=f"Gatvė {i}",
                company_code="302222222" if i % 10 == 0 else "",
                vat_code="LT100001234567" if i % 10 == 0 else "",
            )
            for i in range(n)
        ),
        batch_size=BATCH,
    )
    customers = list(Customer.objects.order_by("pk").values_list("pk", "company_code", "vat_code"))
    Contract.objects.bulk_create(
        (
            Contract(number=f"B-{i:09d}", customer_id=c[0], start_date=MONTH, category="apartment")
            for i, c in enumerate(customers)
        ),
        batch_size=BATCH,
    )
    period = BillingPeriod.objects.create(month=dt.date(2026, 10, 1))
    contracts = list(Contract.objects.order_by("pk").values_list("pk", flat=True))
    net, vat, interest = Decimal("30.00"), Decimal("6.30"), Decimal("0.50")
    Invoice.objects.bulk_create(
        (
            Invoice(
                series="VKU",
                sequence=i + 1,
                number=f"VKU{i + 1:06d}",
                contract_id=contract,
                period=period,
                issue_date=MONTH + dt.timedelta(days=2),
                due_date=MONTH + dt.timedelta(days=40),
                customer_name=f"Mokėtojas {i}",
                customer_address=f"Gatvė {i}",
                payer_code=f"B{i:09d}",
                document_type="vat_invoice" if code else "payment_notice",
                buyer_company_code=company,
                buyer_vat_code=code,
                net=net,
                vat=vat,
                interest=interest if i % 10 == 1 else 0,
                total=net + vat + (interest if i % 10 == 1 else 0),
                amount_due=net + vat + (interest if i % 10 == 1 else 0),
                payment_code=f"9{i:010d}",
            )
            for i, (contract, (_pk, company, code)) in enumerate(
                zip(contracts, customers, strict=True)
            )
        ),
        batch_size=BATCH,
    )
    lines = []
    for pk, with_interest in Invoice.objects.values_list("pk", "interest"):
        for service in ("water", "wastewater", "fee"):
            lines.append(
                InvoiceLine(
                    invoice_id=pk,
                    service=service,
                    description=service,
                    quantity=1,
                    unit="",
                    unit_price=10,
                    net=Decimal("10.00"),
                    vat_rate=21,
                    vat=Decimal("2.10"),
                    total=Decimal("12.10"),
                )
            )
        if with_interest:
            lines.append(
                InvoiceLine(
                    invoice_id=pk,
                    description="Delspinigiai",
                    quantity=1,
                    unit="",
                    unit_price=interest,
                    net=interest,
                    vat_rate=0,
                    vat=0,
                    total=interest,
                )
            )
    InvoiceLine.objects.bulk_create(lines, batch_size=BATCH)


def baseline(out: tempfile._TemporaryFileWrapper) -> None:
    """The same rows in two queries, summed per invoice and written as text: the floor."""
    sums: dict[int, list[Decimal]] = {}
    for invoice_id, net, vat in InvoiceLine.objects.exclude(service="").values_list(
        "invoice_id", "net", "vat"
    ):
        pair = sums.setdefault(invoice_id, [Decimal(0), Decimal(0)])
        pair[0] += net
        pair[1] += vat
    out.write(b"<?xml version='1.0' encoding='UTF-8'?><iSAFFile>")
    for pk, number, name, vat_code, issued in (
        Invoice.objects.order_by("series", "sequence")
        .values_list("pk", "number", "customer_name", "buyer_vat_code", "issue_date")
        .iterator(chunk_size=2000)
    ):
        net, vat = sums[pk]
        out.write(
            f"<Invoice><InvoiceNo>{number}</InvoiceNo><Name>{name}</Name>"
            f"<VAT>{vat_code or 'ND'}</VAT><Date>{issued}</Date><TaxableValue>{net:.2f}"
            f"</TaxableValue><Amount>{vat:.2f}</Amount></Invoice>".encode()
        )
    out.write(b"</iSAFFile>")


# Runs the command in a fresh interpreter and prints its own peak memory: VmHWM belongs to the
# process image, unlike getrusage's maxrss, which a child inherits from the forked parent.
CHILD = """
import os, sys
sys.path.insert(0, sys.argv[1])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mokesta.settings")
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", "isaf_export", sys.argv[2], "-o", os.devnull])
with open("/proc/self/status") as status:
    print(next(line for line in status if line.startswith("VmHWM")).split()[1], file=sys.stderr)
"""


def command(count: int) -> None:
    """`manage.py isaf_export` on the bench database in a child process: time and peak memory."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    connection.close()  # SQLite: let the child read without waiting for this connection
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir)
    started = time.perf_counter()
    child = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-c", CHILD, root, f"{MONTH:%Y-%m}"],
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - started
    peak = int(child.stderr.split()[-1]) / 1024
    print(
        f"manage.py isaf_export (written, checked, copied; Django start-up included): "
        f"{took:.2f} s = {count / took:.0f} documents/s, peak memory {peak:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of invoices")
    args = parser.parse_args()
    old_name = fresh_database()
    try:
        t = time.perf_counter()
        populate(args.n)
        print(f"{connection.vendor}: {args.n} invoices created in {time.perf_counter() - t:.1f} s")
        with tempfile.TemporaryFile() as out:
            started = time.perf_counter()
            count = write_isaf(out, month=MONTH)
            written = time.perf_counter() - started
            size = out.tell()
            out.seek(0)
            started = time.perf_counter()
            validate_isaf(out)
            checked = time.perf_counter() - started
        with tempfile.TemporaryFile() as out:
            started = time.perf_counter()
            baseline(out)
            raw = time.perf_counter() - started
        total = written + checked
        print(
            f"export: {count} documents, {size / 1e6:.1f} MB, written in {written:.2f} s, "
            f"checked against the XSD in {checked:.2f} s = {count / total:.0f} documents/s"
        )
        print(f"baseline (two queries, text written with f-strings): {raw:.2f} s")
        print(f"export / baseline = {total / raw:.2f}")
        command(count)
    finally:
        drop_database(old_name)


if __name__ == "__main__":
    main()
