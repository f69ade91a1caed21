"""The barcode on the invoice that the post office, Perlas and Maxima tills scan: Code 128 of the
payment code and the amount due, drawn with ReportLab's own barcode module.

Layout (the utility's barcode description for the collectors' contracts, README „Payment
channels"): 20 digits, Code 128 set C —
- digits 1–12: the payment code [įmokos kodas], zeros on the left;
- digits 13–20: the amount due in euro cents, zeros on the left (up to 999 999,99 €).
Code 128's own check character guards the reading. An invoice with nothing to pay (amount due
zero or less) and a credit note get no barcode."""

from decimal import Decimal
from typing import Any

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from mokesta.billing.models import Invoice
from mokesta.lib.money import round_money

CODE_DIGITS, AMOUNT_DIGITS = 12, 8
MODULE = 0.33 * mm  # the narrowest bar: scanners read 0.25–0.5 mm
HEIGHT = 14 * mm


def barcode_value(payment_code: str, amount_due: Decimal) -> str | None:
    """The 20 digits of the barcode, or None when the invoice gets none."""
    cents = int(round_money(amount_due) * 100)
    if not (payment_code.isascii() and payment_code.isdigit()) or len(payment_code) > CODE_DIGITS:
        return None
    if not 0 < cents < 10**AMOUNT_DIGITS:
        return None
    return f"{payment_code:0>{CODE_DIGITS}}{cents:0{AMOUNT_DIGITS}d}"


def read_barcode_value(value: str) -> tuple[str, Decimal]:
    """(payment code without the leading zeros, amount due) of a scanned value."""
    code, cents = value[:CODE_DIGITS], value[CODE_DIGITS:]
    return code.lstrip("0"), Decimal(int(cents)) / 100


QUIET = 10  # modules of white on each side, as Code 128 asks
BAR_HEIGHT = 40  # of the page's barcode, in modules


def invoice_barcode(*, kind: str, payment_code: str, amount_due: Decimal) -> dict[str, Any] | None:
    """The context of billing/invoice_barcode.html (the invoice page's barcode, the PDF's bars as
    one SVG path of rectangles, in modules), or None when the invoice gets no barcode."""
    value = barcode_value(payment_code, amount_due) if kind == Invoice.Kind.INVOICE else None
    if value is None:
        return None
    code = Code128(value)
    code.validate()
    code.encode()
    code.decompose()
    # ReportLab's decomposition: A–D a bar 1–4 modules wide, a–d a space. Each bar is a closed
    # rectangle of the path's data (one attribute, not sixty elements for the template to loop).
    bars, x = [], QUIET
    for symbol in code.decomposed:
        width = "abcd".index(symbol.lower()) + 1
        if symbol.isupper():
            bars.append(f"M{x} 0h{width}v{BAR_HEIGHT}h-{width}z")
        x += width
    width = x + QUIET
    # Two screen pixels a module: wide enough for a till's scanner to read off a phone.
    return {
        "value": value,
        "path": "".join(bars),
        "width": width,
        "height": BAR_HEIGHT,
        "px": 2 * width,
        "px_height": 2 * BAR_HEIGHT,
    }


def draw_barcode(pdf: canvas.Canvas, invoice: Invoice, *, right: float, bottom: float) -> None:
    """The barcode with its digits under it, its right edge at `right`; nothing when the invoice
    gets no barcode."""
    if invoice.is_credit_note:
        return
    value = barcode_value(invoice.payment_code, invoice.amount_due)
    if value is None:
        return
    barcode = Code128(value, barWidth=MODULE, barHeight=HEIGHT, humanReadable=True)
    barcode.drawOn(pdf, right - barcode.width, bottom)
