"""Invoice PDF (ReportLab), with the bundled DejaVu fonts for the Lithuanian letters and a QR code
(segno) carrying the payment details.

`invoice_pdf_bytes` stores the first rendering on the invoice, so the customer always downloads
the same document the utility issued."""

import io
from decimal import Decimal
from pathlib import Path

import segno
from django.utils import translation
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from mokesta.billing.barcode import draw_barcode
from mokesta.billing.invoice_readings import InvoiceReading, invoice_readings
from mokesta.billing.models import Invoice
from mokesta.billing.payment_qr import QR_MASK, payment_qr_text  # noqa: F401 (QR_MASK: tests)
from mokesta.utility.models import Utility

FONTS = Path(__file__).parent / "fonts"
# Streams compressed but not also ASCII85-encoded: a quarter smaller and faster to write (the
# text encoding only mattered for 7-bit mail transports of PDFs).
rl_config.useA85 = 0
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
_fonts_registered = False


def _register_fonts() -> None:
    global _fonts_registered
    if not _fonts_registered:
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
        _fonts_registered = True


def _eur(amount: Decimal) -> str:
    return f"{amount:.2f} €".replace(".", ",")


def quantity_text(quantity: Decimal) -> str:
    """A line's quantity as the language writes it: 7,5 in Lithuanian (never 7.5), trailing
    zeros dropped (7,500 m³ of a norm line is 7,5)."""
    text = f"{quantity.normalize():f}"  # :f, since 10 normalizes to 1E+1
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


def _labels() -> dict[str, str]:
    """Labels used inside f-strings (makemessages does not read calls in f-strings)."""
    return {
        "Payee": _("Payee"),
        "Amount": _("Amount"),
        "Payment code": _("Payment code"),
        "Payer code": _("Payer code"),
        "Invoice": _("Invoice"),
        "Company code": _("Company code"),
        "VAT code": _("VAT code"),
        "Period": _("Period"),
        "Issue date": _("Issue date"),
        "Due date": _("Due date"),
        "Contract": _("Contract"),
        "Service address": _("Service address"),
        "estimated": _("estimated"),
        "Pay by": _("Pay by"),
        "Account": _("Account"),
        "Payee code": _("Payee code"),
    }


def document_title(invoice: Invoice) -> str:
    """A VAT-registered customer's documents are VAT invoices [PVM sąskaita faktūra] and credit
    VAT invoices; everyone else's invoices [sąskaita, the guide's one name for the document on
    the page, the PDF, the e-mail and the SMS] and credit notes."""
    if invoice.is_vat_invoice:
        return _("Credit VAT invoice") if invoice.is_credit_note else _("VAT invoice")
    return _("Credit note") if invoice.is_credit_note else _("Invoice")


def _reading_line(row: InvoiceReading, estimated: str) -> str:
    def value(number: int, is_estimate: bool) -> str:
        return f"{number} ({estimated})" if is_estimate else str(number)

    return _("Meter %(serial)s: previous %(previous)s, current %(current)s, used %(used)s m³") % {
        "serial": row.meter.serial_number,
        "previous": value(row.previous, row.previous_estimated),
        "current": value(row.current, row.current_estimated),
        "used": row.used,
    }


def _draw_qr(pdf: canvas.Canvas, text: str, x: float, y: float, size: float) -> None:
    qr = segno.make(text, error="m", micro=False, mask=QR_MASK)  # the web page's QR too
    rows = [list(row) for row in qr.matrix_iter(border=2)]
    cell = size / len(rows)
    # In a coordinate system of one unit per module every rectangle is whole numbers, written
    # straight into the page as one path: one rectangle per horizontal run of dark modules.
    ops = []
    for r, row in enumerate(rows):
        bottom = len(rows) - 1 - r
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                ops.append(f"{start} {bottom} {c - start} 1 re")
            else:
                c += 1
    pdf.saveState()
    pdf.setFillColorRGB(0, 0, 0)
    pdf.transform(cell, 0, 0, cell, x, y)
    pdf.addLiteral("\n".join(ops) + "\nf")
    pdf.restoreState()


def _draw_payment(
    pdf: canvas.Canvas,
    invoice: Invoice,
    utility: Utility,
    labels: dict[str, str],
    *,
    left: float,
    top: float,
) -> None:
    """The payment QR code and the payment details beside it."""
    qr_size = 38 * mm
    _draw_qr(pdf, payment_qr_text(invoice, utility), left, top - qr_size, qr_size)
    text_x = left + qr_size + 8 * mm
    pdf.setFont(BOLD, 10)
    pdf.drawString(text_x, top - 12, _("Payment details"))
    pdf.setFont(REGULAR, 9.5)
    payment_lines = [
        f"{labels['Payee']}: {utility.name}",
        f"{labels['Account']}: {utility.iban} {utility.bank_name}".rstrip(),
        f"{labels['Payee code']}: {utility.payee_code}" if utility.payee_code else "",
        f"{labels['Payment code']}: {invoice.payment_code}",
        f"{labels['Payer code']}: {invoice.payer_code}",
        f"{labels['Amount']}: {_eur(invoice.amount_due)}",
    ]
    line_y = top - 12
    for line in filter(None, payment_lines):
        line_y -= 13
        pdf.drawString(text_x, line_y, line)
    pdf.setFont(REGULAR, 8)
    pdf.drawString(
        left,
        15 * mm,
        _("Please state the payment code in the payment details so your payment is matched."),
    )


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as PDF bytes (one A4 page), in Lithuanian."""
    _register_fonts()
    utility = Utility.fresh()
    buffer = io.BytesIO()
    # invariant: no creation time or random id in the file, so a rendering is reproducible.
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    with translation.override("lt"):
        L = _labels()  # noqa: N806
        pdf.setTitle(f"{L['Invoice']} {invoice.number}")
        pdf.setAuthor(utility.name)
        width, height = A4
        left, right = 18 * mm, width - 18 * mm
        y = height - 20 * mm

        pdf.setFont(BOLD, 13)
        pdf.drawString(left, y, utility.name)
        pdf.setFont(REGULAR, 8.5)
        details = [
            utility.address,
            " · ".join(
                part
                for part in [
                    f"{L['Company code']} {utility.company_code}" if utility.company_code else "",
                    f"{L['VAT code']} {utility.vat_code}" if utility.vat_code else "",
                ]
                if part
            ),
            " · ".join(p for p in [utility.bank_name, utility.iban] if p),
            " · ".join(p for p in [utility.phone, utility.email] if p),
        ]
        for line in filter(None, details):
            y -= 11
            pdf.drawString(left, y, line)

        y -= 26
        pdf.setFont(BOLD, 15)
        credit_note = invoice.kind == Invoice.Kind.CREDIT_NOTE
        title = document_title(invoice)
        pdf.drawString(left, y, f"{title} {invoice.number}")
        pdf.setFont(REGULAR, 9.5)
        y -= 15
        if credit_note:
            pdf.drawString(
                left,
                y,
                f"{L['Period']}: {invoice.period.month:%Y-%m} · {L['Issue date']}: "
                f"{invoice.issue_date:%Y-%m-%d}",
            )
            corrected = invoice.corrects
            assert corrected is not None  # a database constraint: a credit note corrects one
            y -= 13
            pdf.drawString(
                left,
                y,
                _("Corrects invoice %(number)s of %(date)s")
                % {
                    "number": corrected.number,
                    "date": f"{corrected.issue_date:%Y-%m-%d}",
                },
            )
            label = _("Reason")  # outside the f-string, where xgettext finds it
            reason = f"{label}: {invoice.reason}"
            for line in simpleSplit(reason, REGULAR, 9.5, right - left):
                y -= 13
                pdf.drawString(left, y, line)
        else:
            pdf.drawString(
                left,
                y,
                f"{L['Period']}: {invoice.period.month:%Y-%m} · {L['Issue date']}: "
                f"{invoice.issue_date:%Y-%m-%d} · {L['Due date']}: {invoice.due_date:%Y-%m-%d}",
            )

        y -= 24
        pdf.setFont(BOLD, 10)
        pdf.drawString(left, y, _("Customer"))
        pdf.setFont(REGULAR, 10)
        customer_lines = [
            invoice.customer_name,
            invoice.customer_address,
            f"{L['Payer code']}: {invoice.payer_code}",
            f"{L['Contract']}: {invoice.contract.number}",
        ]
        # The buyer's codes: what lets a VAT-registered company deduct the VAT.
        if invoice.buyer_company_code:
            customer_lines.insert(2, f"{L['Company code']}: {invoice.buyer_company_code}")
        if invoice.buyer_vat_code:
            customer_lines.insert(3, f"{L['VAT code']}: {invoice.buyer_vat_code}")
        if invoice.service_address:
            customer_lines.append(f"{L['Service address']}: {invoice.service_address}")
        for line in customer_lines:
            y -= 13
            pdf.drawString(left, y, line)

        meter_rows = [] if credit_note else invoice_readings(invoice)
        if meter_rows:
            y -= 20
            pdf.setFont(BOLD, 10)
            pdf.drawString(left, y, _("Meter readings, m³"))
            pdf.setFont(REGULAR, 9.5)
            for row in meter_rows:
                y -= 13
                pdf.drawString(left, y, _reading_line(row, L["estimated"]))

        y -= 26
        # Right edges of the number columns, wide enough for the longest amounts
        # (e.g. "-115,17 €") not to run into each other.
        columns = [
            (left, _("Service"), "l"),
            (left + 80 * mm, _("Quantity"), "r"),
            (left + 97 * mm, _("Price"), "r"),
            (left + 117 * mm, _("Net"), "r"),
            (left + 134 * mm, _("VAT %"), "r"),
            (left + 152 * mm, _("VAT"), "r"),
            (right, _("Total"), "r"),
        ]
        description_width = 62 * mm
        pdf.setFont(BOLD, 9)
        for x, label, align in columns:
            (pdf.drawString if align == "l" else pdf.drawRightString)(x, y, label)
        y -= 4
        pdf.line(left, y, right, y)
        not_subject_to_vat = _("Not subject to VAT")
        for item in invoice.lines.all():
            y -= 13
            # The description already carries the line's mark („(apskaičiuota)", „(pagal
            # normą)"): the run wrote it into the issued line, so it is printed as issued.
            description = item.description
            # A long description is set smaller rather than cut.
            size = 9.0
            while size > 6.5 and stringWidth(description, REGULAR, size) > description_width:
                size -= 0.5
            pdf.setFont(REGULAR, size)
            pdf.drawString(left, y, description)
            pdf.setFont(REGULAR, 9)
            values = [
                f"{quantity_text(item.quantity)} {item.unit}".rstrip(),
                f"{item.unit_price:.4f}".replace(".", ","),
                _eur(item.net),
                f"{quantity_text(item.vat_rate)} %",
                _eur(item.vat),
                _eur(item.total),
            ]
            if item.is_interest:
                values[3:5] = ["", ""]
            for (x, _label, _align), value in zip(columns[1:], values, strict=True):
                if value:
                    pdf.drawRightString(x, y, value)
            if item.is_interest:
                # Outside VAT, not a 0 % supply: one mark across the two VAT columns.
                pdf.setFont(REGULAR, 8)
                pdf.drawRightString(columns[5][0], y, not_subject_to_vat)
        y -= 6
        pdf.line(left, y, right, y)

        totals = [
            (_("Amount without VAT"), invoice.net),
            (_("VAT"), invoice.vat),
            (_("Total for the period"), invoice.total),
        ]
        if invoice.interest:
            # The interest is a line of the invoice, without VAT, and part of its total.
            totals.append((_("of which late payment interest (no VAT)"), invoice.interest))
        totals.append((_("Previous balance"), invoice.previous_balance))
        for label, amount in totals:
            y -= 14
            pdf.drawRightString(right - 35 * mm, y, label)
            pdf.drawRightString(right, y, _eur(amount))
        y -= 20
        pdf.setFont(BOLD, 12)
        pdf.drawRightString(right - 35 * mm, y, _("Amount due"))
        pdf.drawRightString(right, y, _eur(invoice.amount_due))
        y -= 15
        pdf.setFont(REGULAR, 10)
        if credit_note:
            # Not paid by itself: the amount settles through the contract's balance.
            pdf.drawRightString(
                right, y, _("The credit note is taken into account in your next invoice.")
            )
        else:
            pdf.drawRightString(right, y, f"{L['Pay by']} {invoice.due_date:%Y-%m-%d}")
            _draw_payment(pdf, invoice, utility, L, left=left, top=y - 18)
            draw_barcode(pdf, invoice, right=right, bottom=21 * mm)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def invoice_pdf_bytes(invoice: Invoice) -> bytes:
    """The stored PDF; rendered and stored once on first use, the same bytes every time after.

    Two first downloads at once may both render; the conditional UPDATE lets only the first
    store its bytes and both then serve what is stored."""
    if invoice.pdf is not None:
        return bytes(invoice.pdf)
    rendered = render_invoice_pdf(invoice)
    Invoice.objects.filter(pk=invoice.pk, pdf__isnull=True).update(pdf=rendered)
    stored = Invoice.objects.filter(pk=invoice.pk).values_list("pdf", flat=True).get()
    assert stored is not None  # stored just now, by this call or a concurrent one
    invoice.pdf = stored
    return bytes(stored)
