"""Peppol e-invoice export benchmark (not part of `make test`).

    .venv/bin/python bench/peppol.py [N]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mokesta .venv/bin/python bench/peppol.py 1000

Creates N VAT invoices issued in one month to public bodies (SABIS; three 21 % lines each, one
in ten with late-payment interest) in a throw-away database, then, in this one process and the
same run:
1. writes the PDFs of those invoices to a directory (`render_invoice_pdf`): the baseline;
2. runs `manage.py peppol_export` on the month with no PDF stored yet (each file renders and
   stores its PDF, embeds it, and is checked against the XSD and both rule sets);
3. runs it again, now that the PDFs are stored (the cost of the XML and its checks alone).
The rule sets are compiled once before (their one-off cost is printed on its own).
"""

import argparse
import datetime as dt
import tempfile
import time
from decimal import Decimal
from io import StringIO
from pathlib import Path

from _setup import drop_database, fresh_database
from django.core.management import call_command
from django.db import connection

from mokesta.billing.models import BillingPeriod, Invoice, InvoiceLine
from mokesta.billing.pdf import render_invoice_pdf
from mokesta.billing.peppol import _rule_sets, _xsd, public_body_documents
from mokesta.customers.models import Contract, Customer
from mokesta.utility.models import Utility

BATCH = 2000
MONTH = dt.date(2026, 12, 1)  # issue month; the invoices bill November
LINES = (
    ("water", "Geriamojo vandens tiekimas", "m³", Decimal("6"), Decimal("1.0200")),
    ("wastewater", "Nuotekų tvarkymas", "m³", Decimal("6"), Decimal("1.3400")),
    ("fee", "Apskaitos kaina", "skait. mėn.", Decimal("1"), Decimal("0.7800")),
)


def populate(n: int) -> None:
    Utility.objects.create(
        name="VšĮ Velžio komunalinis ūkis",
        short_name="Velžio komunalinis ūkis",
        address="Liepų g. 1, Velžys",
        company_code="168547123",
        vat_code="LT685471219",
        iban="LT407300010012345678",
        bank_name="Swedbank",
        invoice_series="VKU",
        vat_invoice_series="VKUPVM",
    )
    Customer.objects.bulk_create(
        (
            Customer(
                name=f"Biudžetinė įstaiga {i}",
                payer_code=f"B{i:09d}",
                address=f"Mokyklos g. {i}, Velžys",
                company_code=f"{190000000 + i}",
                sabis=True,
                buyer_reference=f"REF-{i}",
            )
            for i in range(n)
        ),
        batch_size=BATCH,
    )
    customers = list(Customer.objects.order_by("pk").values_list("pk", "company_code"))
    Contract.objects.bulk_create(
        (
            Contract(
                number=f"B-{i:09d}", customer_id=pk, start_date="2020-01-01", category="company"
            )
            for i, (pk, _code) in enumerate(customers)
        ),
        batch_size=BATCH,
    )
    period = BillingPeriod.objects.create(month=dt.date(2026, 11, 1), state="closed")
    contracts = Contract.objects.order_by("pk").values_list("pk", flat=True)
    priced = [
        (service, text, unit, qty, price, (qty * price).quantize(Decimal("0.01")))
        for service, text, unit, qty, price in LINES
    ]
    net = sum(line[5] for line in priced)
    vats = [(line[5] * Decimal("0.21")).quantize(Decimal("0.01")) for line in priced]
    vat = sum(vats, Decimal(0))
    interest = Decimal("0.50")
    invoices = []
    for i, (contract, (_pk, code)) in enumerate(zip(contracts, customers, strict=True)):
        extra = interest if i % 10 == 1 else Decimal(0)
        invoices.append(
            Invoice(
                series="VKUPVM",
                sequence=i + 1,
                number=f"VKUPVM{i + 1:06d}",
                contract_id=contract,
                period=period,
                issue_date=MONTH + dt.timedelta(days=2),
                due_date=dt.date(2026, 12, 31),
                customer_name=f"Biudžetinė įstaiga {i}",
                customer_address=f"Mokyklos g. {i}, Velžys",
                payer_code=f"B{i:09d}",
                document_type="vat_invoice",
                buyer_company_code=code,
                service_address=f"Mokyklos g. {i}, Velžys",
                net=net,
                vat=vat,
                interest=extra,
                total=net + vat + extra,
                amount_due=net + vat + extra,
                payment_code=f"9{i:010d}",
            )
        )
    Invoice.objects.bulk_create(invoices, batch_size=BATCH)
    lines = []
    for pk, with_interest in Invoice.objects.values_list("pk", "interest"):
        for (service, text, unit, qty, price, line_net), line_vat in zip(priced, vats, strict=True):
            lines.append(
                InvoiceLine(
                    invoice_id=pk,
                    service=service,
                    description=text,
                    quantity=qty,
                    unit=unit,
                    unit_price=price,
                    net=line_net,
                    vat_rate=21,
                    vat=line_vat,
                    total=line_net + line_vat,
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


def export(output: Path) -> float:
    started = time.perf_counter()
    call_command("peppol_export", f"{MONTH:%Y-%m}", "--output", str(output), stderr=StringIO())
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=1000, help="number of invoices")
    args = parser.parse_args()
    old_name = fresh_database()
    try:
        t = time.perf_counter()
        populate(args.n)
        print(f"{connection.vendor}: {args.n} invoices created in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        _xsd("Invoice"), _xsd("CreditNote"), _rule_sets()
        print(
            f"loading the XSD and compiling both rule sets (once per process): "
            f"{time.perf_counter() - t:.2f} s"
        )
        with tempfile.TemporaryDirectory() as pdfs, tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            for invoice in public_body_documents(MONTH).iterator(chunk_size=200):
                (Path(pdfs) / f"{invoice.number}.pdf").write_bytes(render_invoice_pdf(invoice))
            pdf_time = time.perf_counter() - started
            cold = export(Path(out) / "cold")
            warm = export(Path(out) / "warm")
            files = list((Path(out) / "warm").iterdir())
            size = sum(path.stat().st_size for path in files) / len(files)
        n = args.n
        print(f"PDFs written (baseline):                 {pdf_time:7.2f} s = {n / pdf_time:5.0f}/s")
        print(
            f"peppol_export, PDFs rendered on the way: {cold:7.2f} s = {n / cold:5.0f}/s "
            f"({cold / pdf_time:.1f}× the PDFs)"
        )
        print(
            f"peppol_export, PDFs already stored:      {warm:7.2f} s = {n / warm:5.0f}/s "
            f"({warm / pdf_time:.1f}× the PDFs); {len(files)} files, {size / 1024:.0f} KiB each"
        )
    finally:
        drop_database(old_name)


if __name__ == "__main__":
    main()
