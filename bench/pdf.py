"""Invoice PDF benchmark (not part of `make test`): PDFs per second per core.

    .venv/bin/python bench/pdf.py [N]

Bills one month for a contract in a throw-away database, then renders its invoice N times
(default 200) in this one process with mokesta.billing.pdf.render_invoice_pdf, so the rate is
per core. The baseline, measured in the same run, is ReportLab's own floor: a one-page PDF with
one line of text in the same font; the ratio says how much our invoice layout costs above it.
"""

import argparse
import datetime as dt
import io
import time
from collections.abc import Callable
from decimal import Decimal

from _setup import drop_database, fresh_database
from reportlab.pdfgen.canvas import Canvas

from mokesta.billing.models import Invoice, Tariff
from mokesta.billing.pdf import render_invoice_pdf
from mokesta.billing.run import bill_period
from mokesta.customers.models import Contract, Customer, ServicePoint
from mokesta.lib.dates import add_months, local_today, month_start
from mokesta.metering.models import Meter, Reading
from mokesta.utility.models import Utility


def one_invoice() -> Invoice:
    month = add_months(month_start(local_today()), -1)
    Utility.objects.create(
        name="VšĮ Velžio komunalinis ūkis",
        short_name="Velžio komunalinis ūkis",
        address="Liepų g. 1, Velžys",
        iban="LT407300010012345678",
        payee_code="10482",
        invoice_series="VKU",
    )
    for service, price in (("water", "1.0200"), ("wastewater", "1.3400"), ("fee", "0.7800")):
        Tariff.objects.create(
            service=service, category="apartment", price=Decimal(price), valid_from="2000-01-01"
        )
    customer = Customer.objects.create(
        name="Ona Kazlauskienė", payer_code="39002150011", address="Liepų g. 3, Velžys"
    )
    contract = Contract.objects.create(
        number="VKU-2019-0031",
        customer=customer,
        start_date=dt.date(2019, 4, 1),
        category="apartment",
    )
    point = ServicePoint.objects.create(contract=contract, address="Liepų g. 3, Velžys")
    meter = Meter.objects.create(
        service_point=point,
        serial_number="SK003101",
        installed_on=dt.date(2019, 4, 1),
        verified_on=dt.date(2019, 4, 1),
        initial_reading=100,
    )
    Reading.objects.create(meter=meter, period=add_months(month, -1), value=150, source="customer")
    Reading.objects.create(meter=meter, period=month, value=157, source="customer")
    bill_period(month=month)
    return Invoice.objects.select_related("contract", "period").get()


def baseline_pdf() -> bytes:
    """The least a PDF costs here: one page, one line of text in the invoice's font."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.setFont("DejaVuSans", 10)  # registered by mokesta.billing.pdf on first use
    canvas.drawString(72, 720, "Ona Kazlauskienė – mokėtina suma 12,34 €")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def measure(render: Callable[[], bytes], n: int) -> tuple[float, float, int]:
    """(seconds, CPU seconds, bytes of the last PDF) for n renderings."""
    wall, cpu = time.perf_counter(), time.process_time()
    size = 0
    for _ in range(n):
        size = len(render())
    return time.perf_counter() - wall, time.process_time() - cpu, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=200, help="PDFs to render")
    args = parser.parse_args()
    old_name = fresh_database()
    try:
        invoice = one_invoice()
        render_invoice_pdf(invoice)  # warm-up: fonts and imports
        base_wall, _, base_size = measure(baseline_pdf, args.n)
        wall, cpu, size = measure(lambda: render_invoice_pdf(invoice), args.n)
        print(
            f"baseline (one line of text): {args.n / base_wall:.0f} PDFs/s ({base_size} bytes)\n"
            f"invoice with QR code:        {args.n / wall:.0f} PDFs/s/core "
            f"({args.n / cpu:.0f} per CPU-second, {size} bytes)\n"
            f"invoice / baseline time:     {wall / base_wall:.1f}x"
        )
    finally:
        drop_database(old_name)


if __name__ == "__main__":
    main()
