"""Invoice PDF (ReportLab). Placeholder interface for the parallel work; see issue 3."""

from mokesta.billing.models import Invoice


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as PDF bytes."""
    raise NotImplementedError


def invoice_pdf_bytes(invoice: Invoice) -> bytes:
    """The stored PDF; rendered and stored once on first use, the same bytes every time after."""
    raise NotImplementedError
