"""Delivering issued invoices and credit notes: the e-mail (with the PDF) and the SMS for every
user who opted in, written to the outbox in the transaction that issues them."""

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Q

from mokesta.accounts.models import User
from mokesta.accounts.notify import messages_for
from mokesta.billing.models import Invoice
from mokesta.billing.pdf import invoice_pdf_bytes
from mokesta.customers.models import ContractAccess
from mokesta.lib.money import round_money
from mokesta.outbox.models import OutgoingMessage
from mokesta.outbox.queue import queue


def invoice_context(invoice: Invoice) -> dict[str, object]:
    """What the e-mail and SMS say, all of it as the document kept it at issue (the sender's
    name and account too: the templates read `seller`, not the utility's row now)."""
    seller = invoice.seller
    context: dict[str, object] = {
        "number": invoice.number,
        "kind": invoice.kind,
        "month": invoice.period.month.isoformat(),
        "contract": invoice.contract_number,
        "amount_due": str(round_money(invoice.amount_due)),
        "due_date": invoice.due_date.isoformat(),
        "payment_code": invoice.payment_code,
        "payer_code": invoice.payer_code,
        # Paid in advance: the mail says so and gives no payment details (the due-now rule).
        "nothing_due": "1" if invoice.amount_due <= 0 else "",
        "seller": {
            "name": seller.name,
            "short_name": seller.short_name,
            "iban": seller.iban,
            "bank_name": seller.bank_name,
        },
    }
    if invoice.kind == Invoice.Kind.CREDIT_NOTE:
        # What the note takes off (its total is negative) and the invoice it corrects; the
        # amount due is the balance after it, negative when the customer has paid too much.
        context["amount_credited"] = str(round_money(-invoice.total))
        context["corrects"] = invoice.corrects.number if invoice.corrects else ""
    return context


def queue_invoice_delivery(invoice: Invoice) -> None:
    """Write the e-mail / SMS messages that deliver `invoice` to the users who opted in: the PDF
    by e-mail to users with "receive invoices by e-mail", a short SMS (amount, due date) to users
    who accept SMS and gave a phone number. Call it inside the transaction that issues it."""
    queue_invoice_deliveries([invoice])


def queue_invoice_deliveries(invoices: Sequence[Invoice]) -> None:
    """queue_invoice_delivery for many invoices (a billing run's chunk) in one query for the
    recipients of all of them and one insert of all their messages."""
    if not invoices:
        return
    # One query, and none more for the (many) contracts whose users chose neither.
    accesses = (
        ContractAccess.objects.filter(
            contract_id__in={invoice.contract_id for invoice in invoices},
            user__is_active=True,
        )
        .filter(Q(user__invoices_by_email=True) | (Q(user__sms_opt_in=True) & ~Q(user__phone="")))
        .select_related("user")
        .order_by("user_id")
    )
    recipients: dict[int, list[User]] = defaultdict(list)
    for access in accesses:
        recipients[access.contract_id].append(access.user)
    messages = []
    for invoice in invoices:
        base: dict[str, object] | None = None
        for user in recipients.get(invoice.contract_id, []):
            # built once per invoice, and only when someone opted in
            base = base or invoice_context(invoice)
            messages += messages_for(
                user,
                email=user.invoices_by_email,
                key=f"invoice:{invoice.pk}",
                template="invoice",
                context={"first_name": user.first_name, **base},
                invoice=invoice,
            )
    queue(messages)


def invoice_attachments(message: OutgoingMessage) -> list[tuple[str, bytes, str]]:
    """The PDF of the message's invoice (the stored one, or made and stored now)."""
    invoice = message.invoice
    if invoice is None:
        return []
    pdf = bytes(invoice.pdf) if invoice.pdf else invoice_pdf_bytes(invoice)
    return [(f"{invoice.number}.pdf", pdf, "application/pdf")]
