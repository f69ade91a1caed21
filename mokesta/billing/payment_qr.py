"""The payment QR code (EPC "SEPA credit transfer" QR) of an invoice: one payload for the PDF and
the web page, so a banking app reads the same details from either."""

import segno

from mokesta.billing.models import Invoice
from mokesta.utility.models import Utility

# A fixed mask: choosing the "best" of the eight (segno scores each) was most of the time of
# a whole PDF, and any mask is valid QR that every reader decodes.
QR_MASK = 2


def payment_qr_text(invoice: Invoice, utility: Utility) -> str:
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


def payment_qr(invoice: Invoice, utility: Utility) -> segno.QRCode:
    return segno.make(payment_qr_text(invoice, utility), error="m", micro=False, mask=QR_MASK)
