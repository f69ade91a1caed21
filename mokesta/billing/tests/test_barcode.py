"""The barcode on the invoice PDF: rendered, rasterised with PDFium (pypdfium2) and decoded with
zxing-cpp back to the payment code and the amount due."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pypdfium2
import pytest
import time_machine
import zxingcpp
from django.urls import reverse
from PIL import Image, ImageDraw

from mokesta.billing.barcode import barcode_value, read_barcode_value
from mokesta.billing.credit_notes import issue_credit_note
from mokesta.billing.pdf import render_invoice_pdf
from mokesta.billing.tests.conftest import at
from mokesta.testing.factories import make_contract, make_invoice
from mokesta.utility.models import Utility


@pytest.fixture
def utility(db: None) -> Utility:
    return Utility.objects.create(
        name="VšĮ Velžio komunalinis ūkis",
        short_name="Velžio komunalinis ūkis",
        company_code="168547123",
        iban="LT407300010012345678",
    )


def barcodes(pdf: bytes, tmp_path: Path) -> list[zxingcpp.Result]:
    """Every linear barcode on the PDF's first page, rasterised at 200 dpi."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0].render(scale=200 / 72).to_pil()
    finally:
        document.close()
    return zxingcpp.read_barcodes(
        page, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.Code128)
    )


def test_the_barcode_decodes_to_the_payment_code_and_amount(
    utility: Utility, tmp_path: Path
) -> None:
    contract = make_contract(name="Žydrūnė Ąžuolaitė")
    invoice = make_invoice(contract, month=dt.date(2026, 4, 1), total="24.20", amount_due="131.45")
    (found,) = barcodes(render_invoice_pdf(invoice), tmp_path)
    assert found.text == f"{invoice.payment_code:0>12}00013145"
    assert read_barcode_value(found.text) == (invoice.payment_code, Decimal("131.45"))


def test_nothing_to_pay_and_credit_notes_have_no_barcode(utility: Utility, tmp_path: Path) -> None:
    contract = make_contract()
    paid_ahead = make_invoice(contract, month=dt.date(2026, 4, 1), amount_due="0.00")
    assert barcodes(render_invoice_pdf(paid_ahead), tmp_path) == []
    invoice = make_invoice(contract, month=dt.date(2026, 5, 1))
    with time_machine.travel(at("2026-06-20"), tick=False):
        note = issue_credit_note(invoice=invoice, reason="Klaida")
    assert barcodes(render_invoice_pdf(note), tmp_path) == []


def test_the_layout_is_fixed_width() -> None:
    assert barcode_value("26110000127", Decimal("18.08")) == "02611000012700001808"
    assert barcode_value("26110000127", Decimal("0.01")) == "02611000012700000001"
    assert barcode_value("26110000127", Decimal("0")) is None
    assert barcode_value("VKU000012", Decimal("5")) is None  # a credit note's code: not digits
    assert barcode_value("1234567890123", Decimal("5")) is None  # longer than 12 digits
    assert len(barcode_value("1", Decimal("999999.99")) or "") == 20


def decode_svg(page: str) -> list[zxingcpp.Result]:
    """The invoice page's barcode: the rectangles of its SVG path painted 3 px a module on white,
    decoded."""
    (svg,) = re.findall(r'<figure class="barcode">\s*<svg .*?</svg>', page, flags=re.S)
    width = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))  # type: ignore[union-attr]
    image = Image.new("L", (width * 3, 120), 255)
    draw = ImageDraw.Draw(image)
    (path,) = re.findall(r'<path d="([^"]+)"/>', svg)
    for x, w in re.findall(r"M(\d+) 0h(\d+)v40h-\2z", path):
        draw.rectangle([int(x) * 3, 0, (int(x) + int(w)) * 3 - 1, 119], fill=0)
    return zxingcpp.read_barcodes(image)


def test_the_invoice_page_shows_the_same_barcode(client, alice, utility: Utility) -> None:
    contract = make_contract(user=alice)
    invoice = make_invoice(contract, month=dt.date(2026, 4, 1), total="31.45")
    client.force_login(alice)
    page = client.get(reverse("billing:detail", args=[invoice.pk])).content.decode()
    (found,) = decode_svg(page)
    assert found.format == zxingcpp.BarcodeFormat.Code128
    assert read_barcode_value(found.text) == (invoice.payment_code, Decimal("31.45"))
    assert "Brūkšninis kodas mokėti paštuose ir Perlo terminaluose" in page


def test_the_page_of_an_invoice_with_nothing_to_pay_has_no_barcode(
    client, alice, utility: Utility
) -> None:
    contract = make_contract(user=alice)
    invoice = make_invoice(contract, month=dt.date(2026, 4, 1), amount_due="0.00")
    client.force_login(alice)
    page = client.get(reverse("billing:detail", args=[invoice.pk])).content.decode()
    assert 'class="barcode"' not in page
