"""The payment QR code (EPC "SEPA credit transfer" QR) of an invoice: one payload for the PDF and
the web page, so a banking app reads the same details from either."""

import segno
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from mokesta.billing.models import Invoice, Seller
from mokesta.utility.models import Utility

# A fixed mask: choosing the "best" of the eight (segno scores each) was most of the time of
# a whole PDF, and any mask is valid QR that every reader decodes.
QR_MASK = 2


def payment_qr_text(invoice: Invoice, utility: Utility | Seller) -> str:
    """The payment as an EPC QR code ("SEPA credit transfer" QR, EPC069-12, version 002, UTF-8):
    banking apps fill the payee, IBAN, amount and the details with the payment code from it."""
    details = (
        f"{invoice.payment_code} {invoice.payer_code} {invoice.number}"  # what bank import reads
    )
    return "\n".join(
        [
            "BCD",
            "002",
            "1",  # UTF-8
            "SCT",
            "",  # BIC: optional within the EEA
            utility.name[:70],
            utility.iban.replace(" ", ""),
            # Nothing to pay (an overpayment): no amount, the app asks for one.
            f"EUR{invoice.amount_due:.2f}" if invoice.amount_due > 0 else "",
            "",  # purpose code
            "",  # structured reference: none, the details carry the payment code
            details[:140],
        ]
    )


def payment_qr(invoice: Invoice, utility: Utility | Seller) -> segno.QRCode:
    return segno.make(payment_qr_text(invoice, utility), error="m", micro=False, mask=QR_MASK)


def payment_qr_svg(invoice: Invoice, utility: Utility | Seller, *, label: str) -> SafeString:
    """The same QR code as inline SVG for a web page (drawn on the server, no script, no style
    attribute), scaled by CSS through its viewBox; `label` is its accessible name. Drawing it
    takes milliseconds: the pages keep each invoice's payment details, QR code included,
    rendered once per process (portal_tags.payment_details_html)."""
    svg = payment_qr(invoice, utility).svg_inline(
        scale=1, border=2, omitsize=True, light="#fff", svgclass="qr-code", lineclass=None
    )
    # segno's output is markup it built from the QR matrix; only the label comes from us.
    return mark_safe(  # noqa: S308
        svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    )
