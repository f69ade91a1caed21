"""The outbox: messages written in the same transaction as the change that causes them, and sent
by a task only after that transaction commits (a rolled-back invoice sends nothing)."""

from collections import defaultdict
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F, Q

from mokesta.accounts.models import User
from mokesta.billing.models import Invoice
from mokesta.customers.models import ContractAccess
from mokesta.lib.money import round_money
from mokesta.messaging.models import OutgoingMessage
from mokesta.messaging.tasks import send_messages


def queue(messages: list[OutgoingMessage]) -> list[int]:
    """Write `messages` (skipping any whose dedup key is already queued) and have them sent after
    the surrounding transaction commits. Returns the ids of the rows waiting to be sent."""
    if not messages:
        return []
    keys = [message.dedup_key for message in messages]
    with transaction.atomic():
        # ON CONFLICT DO NOTHING: queueing the same thing twice, even from two processes at
        # once, leaves one row; the unique dedup key decides, not a check in Python.
        OutgoingMessage.objects.bulk_create(messages, ignore_conflicts=True)
        ids = list(
            OutgoingMessage.objects.filter(
                dedup_key__in=keys, state=OutgoingMessage.State.PENDING
            ).values_list("pk", flat=True)
        )
    if ids:
        transaction.on_commit(lambda: send_messages.enqueue(message_ids=ids))
    return ids


def invoice_context(invoice: Invoice, *, contract_number: str) -> dict[str, str]:
    context = {
        "number": invoice.number,
        "kind": invoice.kind,
        "month": invoice.period.month.isoformat(),
        "contract": contract_number,
        "amount_due": str(round_money(invoice.amount_due)),
        "due_date": invoice.due_date.isoformat(),
        "payment_code": invoice.payment_code,
        "payer_code": invoice.payer_code,
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
        .annotate(contract_number=F("contract__number"))
        .order_by("user_id")
    )
    recipients: dict[int, list[tuple[User, str]]] = defaultdict(list)
    for access in accesses:
        recipients[access.contract_id].append((access.user, access.contract_number))
    messages = []
    for invoice in invoices:
        base: dict[str, str] | None = None
        for user, contract_number in recipients.get(invoice.contract_id, []):
            # built once per invoice, and only when someone opted in
            base = base or invoice_context(invoice, contract_number=contract_number)
            messages += messages_for(
                user,
                email=user.invoices_by_email,
                key=f"invoice:{invoice.pk}",
                template="invoice",
                context={"first_name": user.first_name, **base},
                invoice=invoice,
            )
    queue(messages)


def messages_for(
    user: User,
    *,
    email: bool,
    key: str,
    template: str,
    context: dict,
    invoice: Invoice | None = None,
) -> list[OutgoingMessage]:
    """The e-mail to `user` (when `email`) and the SMS (when the user accepts SMS and gave a
    phone number), in the user's language, with dedup keys `<key>:email|sms:<user id>`."""
    common = {
        "template": template,
        "context": context,
        "language": user.language,
        "user": user,
        "invoice": invoice,
    }
    messages = []
    if email and user.email:
        messages.append(
            OutgoingMessage(
                channel=OutgoingMessage.Channel.EMAIL,
                recipient=user.email,
                dedup_key=f"{key}:email:{user.pk}",
                **common,
            )
        )
    if user.sms_opt_in and user.phone:
        messages.append(
            OutgoingMessage(
                channel=OutgoingMessage.Channel.SMS,
                recipient=str(user.phone),
                dedup_key=f"{key}:sms:{user.pk}",
                **common,
            )
        )
    return messages
