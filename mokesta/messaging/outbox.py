"""The outbox: messages written in the same transaction as the change that causes them.
Placeholder interface for the parallel work; see issue 4."""

from mokesta.billing.models import Invoice


def queue_invoice_delivery(invoice: Invoice) -> None:
    """Write the e-mail / SMS messages that deliver `invoice` to the users who opted in."""
