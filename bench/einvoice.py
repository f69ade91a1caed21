"""E-invoice export benchmark (not part of `make test`).

    .venv/bin/python bench/einvoice.py 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mokesta_x \\
        .venv/bin/python bench/einvoice.py 100000

Creates N contracts with an e-invoice order, one meter each with the month's and the previous
month's readings, and the month's invoice (water, wastewater, fee; one in ten with late-payment
interest, one in ten to a VAT-registered company) in a throw-away database, then times the export
(`write_einvoice`) and its XSD and Footer check (`validate_einvoice`). For the comparison the
issue asks for, run `bench/statements.py N` (the bank statement import of N entries) on the same
database engine.
"""

import argparse
import datetime as dt
import tempfile
import time
from decimal import Decimal

from _setup import drop_database, fresh_database  # noqa: E402
from django.db import connection  # noqa: E402

from mokesta.billing.einvoice import validate_einvoice, write_einvoice  # noqa: E402
from mokesta.billing.models import BillingPeriod, Invoice, InvoiceLine  # noqa: E402
from mokesta.customers.models import (  # noqa: E402
    Contract,
    Customer,
    EInvoiceSubscription,
    ServicePoint,
)
from mokesta.metering.models import Meter, Reading  # noqa: E402
from mokesta.utility.models import Utility  # noqa: E402

BATCH = 5000
MONTH = dt.date(2026, 11, 1)
TODAY = dt.date(2026, 12, 7)


def populate(n: int) -> None:
    Utility.objects.create(
        name="VšĮ Velžio komunalinis ūkis",
        short_name="Bench",
        address="Velžio kelias 1, Velžys",
        company_code="168547123",
        iban="LT121000011101001000",
    )
    Customer.objects.bulk_create(
        (
            Customer(
                name=f"Mokėtoja Žąsinienė {i}",
                payer_code=f"B{i:09d}",
                address=f"Liepų g. {i}, Velžys",
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
    contracts = list(Contract.objects.order_by("pk").values_list("pk", flat=True))
    ServicePoint.objects.bulk_create(
        (ServicePoint(contract_id=c, address="Liepų g. 3, Velžys") for c in contracts),
        batch_size=BATCH,
    )
    points = ServicePoint.objects.order_by("pk").values_list("pk", flat=True)
    Meter.objects.bulk_create(
        (
            Meter(
                service_point_id=p,
                serial_number=f"SK{i:08d}",
                installed_on=dt.date(2025, 1, 1),
                verified_on=dt.date(2025, 1, 1),
                initial_reading=100,
            )
            for i, p in enumerate(points)
        ),
        batch_size=BATCH,
    )
    Reading.objects.bulk_create(
        (
            Reading(meter_id=m, period=period, value=value, source="customer")
            for m in Meter.objects.values_list("pk", flat=True)
            for period, value in ((dt.date(2026, 10, 1), 110), (MONTH, 116))
        ),
        batch_size=BATCH,
    )
    EInvoiceSubscription.objects.bulk_create(
        (
            EInvoiceSubscription(
                contract_id=c, bank="Swedbank", since=dt.date(2026, 1, 1), automatic_payment=True
            )
            for c in contracts
        ),
        batch_size=BATCH,
    )
    period = BillingPeriod.objects.create(month=MONTH)
    net, vat, interest = Decimal("30.00"), Decimal("6.30"), Decimal("0.50")
    Invoice.objects.bulk_create(
        (
            Invoice(
                series="VKU",
                sequence=i + 1,
                number=f"VKU{i + 1:06d}",
                contract_id=contract,
                period=period,
                issue_date=dt.date(2026, 12, 3),
                due_date=dt.date(2026, 12, 31),
                customer_name=f"Mokėtoja Žąsinienė {i}",
                customer_address=f"Liepų g. {i}, Velžys",
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
        for service, description in (
            ("water", "Geriamojo vandens tiekimas"),
            ("wastewater", "Nuotekų tvarkymas"),
            ("fee", "Apskaitos mokestis"),
        ):
            lines.append(
                InvoiceLine(
                    invoice_id=pk,
                    service=service,
                    description=description,
                    quantity=6 if service != "fee" else 1,
                    unit="m³",
                    unit_price=Decimal("1.6667"),
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
            started, cpu = time.perf_counter(), time.process_time()
            count = write_einvoice(out, month=MONTH, today=TODAY)
            written, cpu = time.perf_counter() - started, time.process_time() - cpu
            size = out.tell()
            print(
                f"write_einvoice: {count} invoices ({size / 1e6:.1f} MB) in {written:.2f} s = "
                f"{count / written:.0f} invoices/s (this process's CPU {cpu:.2f} s)"
            )
            out.seek(0)
            started = time.perf_counter()
            validate_einvoice(out)
            checked = time.perf_counter() - started
            print(
                f"validate_einvoice (XSD + Footer): {checked:.2f} s = {count / checked:.0f} "
                f"invoices/s; export + check {written + checked:.2f} s"
            )
    finally:
        drop_database(old_name)


if __name__ == "__main__":
    main()
