from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from mokesta.billing.models import Invoice
from mokesta.billing.payment_qr import payment_qr_svg
from mokesta.utility.models import Utility

register = template.Library()


@register.filter
def payment_qr(invoice: Invoice) -> SafeString:
    """The invoice's EPC payment QR code (the PDF's payload) as inline SVG."""
    return payment_qr_svg(
        invoice,
        Utility.current(),
        label=_("Payment QR code of invoice %(number)s") % {"number": invoice.number},
    )
