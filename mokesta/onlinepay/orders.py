"""Online payment orders: starting one, booking the provider's confirmation exactly once, and
expiring the ones nobody finished."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mokesta.accounts.models import User
from mokesta.accounts.notify import messages_for
from mokesta.billing.ledger import balance
from mokesta.billing.models import Invoice
from mokesta.customers.models import Contract
from mokesta.lib.dates import local_today
from mokesta.lib.money import round_money
from mokesta.onlinepay.models import PaymentOrder, PaymentOrderPart
from mokesta.onlinepay.providers import FAILED, PAID, Outcome, Provider
from mokesta.outbox.queue import queue
from mokesta.payments.models import Payment

MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("10000.00")
State = PaymentOrder.State


class UnknownOrder(Exception):
    """A callback for an order this site never made (or for another provider's)."""


def start_order(
    *,
    user: User,
    contract: Contract,
    amount: Decimal,
    provider: Provider,
    invoice: Invoice | None = None,
) -> PaymentOrder:
    amount = round_money(amount)
    if not MIN_AMOUNT <= amount <= MAX_AMOUNT:
        raise ValueError(f"amount {amount} out of range")
    with transaction.atomic():
        return PaymentOrder.objects.create(
            provider=provider.name, amount=amount, contract=contract, invoice=invoice, user=user
        )


def start_order_for_all(
    *, user: User, parts: list[tuple[Contract, Decimal]], provider: Provider
) -> PaymentOrder:
    """One order for several contracts („Apmokėti viską"): `parts` are the contracts and what
    each is paid, the order is for their total, within the same limits as a single payment.
    The caller chose the contracts through the access rule (the user's own)."""
    parts = [(contract, round_money(amount)) for contract, amount in parts]
    if not parts or any(amount < MIN_AMOUNT for _contract, amount in parts):
        raise ValueError("every part must be 0.01 or more")
    if len({contract.pk for contract, _amount in parts}) != len(parts):
        raise ValueError("a contract twice")
    total = sum((amount for _contract, amount in parts), Decimal(0))
    if not MIN_AMOUNT <= total <= MAX_AMOUNT:
        raise ValueError(f"amount {total} out of range")
    with transaction.atomic():
        order = PaymentOrder.objects.create(
            provider=provider.name, amount=total, contract=None, user=user
        )
        PaymentOrderPart.objects.bulk_create(
            PaymentOrderPart(order=order, contract=contract, amount=amount)
            for contract, amount in parts
        )
        return order


def apply_outcome(*, outcome: Outcome, provider: Provider) -> PaymentOrder:
    """Record what the provider says about an order; a payment is booked exactly once.

    The order row is locked first (SELECT … FOR UPDATE; on SQLite the write transaction is taken
    at BEGIN), so a repeated callback, or the callback and the customer's return arriving
    together, wait for each other and the second finds the order confirmed. The payment's
    unique provider reference backs this up in the database.
    """
    with transaction.atomic():
        order = (
            PaymentOrder.objects.select_for_update()
            .filter(order_id=outcome.order_id, provider=provider.name)
            .first()
        )
        if order is None:
            raise UnknownOrder(outcome.order_id)
        if order.state in (State.CONFIRMED, State.FLAGGED):
            return order  # booked already, or waiting for staff: nothing more to do
        if outcome.status == PAID:
            problem = mismatch(order, outcome, provider)
            if problem:
                order.state = State.FLAGGED
                order.problem = problem
                order.save(update_fields=["state", "problem", "updated_at"])
            else:
                # Also after the order expired or failed: the provider says the money is paid.
                book(order, outcome)
        elif outcome.status == FAILED and order.state == State.PENDING:
            order.state = State.FAILED
            order.save(update_fields=["state", "updated_at"])
        return order


def mismatch(order: PaymentOrder, outcome: Outcome, provider: Provider) -> str:
    """Why a confirmation must not be booked ("" when it may be)."""
    # Stored for staff, in the site's language (the provider's request carries no choice).
    if outcome.amount != order.amount or outcome.currency != order.currency:
        return _(
            "The provider confirmed %(paid)s %(paid_currency)s, "
            "the order is for %(amount)s %(currency)s."
        ) % {
            "paid": outcome.amount,
            "paid_currency": outcome.currency,
            "amount": order.amount,
            "currency": order.currency,
        }
    if outcome.test and not provider.test_allowed:
        return _("The provider confirmed a test payment, but test mode is off.")
    return ""


def book(order: PaymentOrder, outcome: Outcome) -> list[Payment]:
    """The order's payments, inside apply_outcome's transaction (all or none): one on its
    contract, or one per part on each part's contract for the amount the order recorded then
    (a contract whose debt has changed since gets that amount all the same: an overpayment is
    an advance, as with any payment). The ledger books each against its contract's invoices."""
    payer = (order.user.get_full_name() if order.user else "")[:200]
    if order.contract is not None:
        payment = Payment.objects.create(
            contract=order.contract,
            amount=order.amount,
            paid_on=local_today(),
            source=Payment.Source.ONLINE,
            provider_reference=f"{order.provider}:{order.order_id}",
            payer_name=payer,
            details=" ".join(
                part
                for part in (
                    order.provider,
                    order.order_id,
                    order.invoice.number if order.invoice else "",
                )
                if part
            ),
        )
        order.payment = payment
        payments = [payment]
    else:
        parts = list(order.parts.select_related("contract").order_by("pk"))
        if sum((part.amount for part in parts), Decimal(0)) != order.amount:
            raise ValueError(f"order {order.order_id}: its parts do not add up to its amount")
        payments = []
        for number, part in enumerate(parts, start=1):
            part.payment = Payment.objects.create(
                contract=part.contract,
                amount=part.amount,
                paid_on=local_today(),
                source=Payment.Source.ONLINE,
                # One order, several payments: each its own reference, still unique.
                provider_reference=f"{order.provider}:{order.order_id}:{number}",
                payer_name=payer,
                details=f"{order.provider} {order.order_id} ({number}/{len(parts)})",
            )
            part.save(update_fields=["payment"])
            payments.append(part.payment)
    order.state = State.CONFIRMED
    order.problem = ""
    order.confirmed_at = timezone.now()
    order.provider_transaction = outcome.transaction
    order.payment_method = outcome.method
    order.save()
    if order.user is not None:
        queue(receipt(order, payments))
    return payments


def receipt(order: PaymentOrder, payments: list[Payment]) -> list:
    user = order.user
    assert user is not None
    # Each contract paid, what it received and what it owes after it (whole cents already).
    parts = []
    for payment in payments:
        assert payment.contract is not None
        owed = balance(payment.contract)
        parts.append(
            {
                "contract_number": payment.contract.number,
                "amount": str(payment.amount),
                "balance": str(abs(owed)),
                # Nested values stay strings in the outbox's JSON: the template is told which.
                "owes": "due" if owed > 0 else "over" if owed < 0 else "",
            }
        )
    context = {
        "first_name": user.first_name,
        "order_id": order.order_id,
        "contract_number": ", ".join(part["contract_number"] for part in parts),
        "invoice_number": order.invoice.number if order.invoice else "",
        "amount_paid": str(order.amount),
        "paid_date": payments[0].paid_on.isoformat(),
        "amount_balance": str(balance(order.contract)) if order.contract else "0",
        # An order for several contracts: the receipt lists them.
        "parts": parts if order.contract is None else [],
    }
    # A receipt goes by e-mail whatever the invoice-delivery choice: the customer just paid.
    return messages_for(
        user,
        email=True,
        key=f"payment:{order.order_id}",
        template="payment-receipt",
        context=context,
    )


def expire_orders(*, now: dt.datetime | None = None) -> int:
    """Orders left pending longer than ONLINEPAY_ORDER_LIFETIME (abandoned at the provider's
    page) become expired; returns how many. A confirmation that still arrives books them."""
    cutoff = (now or timezone.now()) - settings.ONLINEPAY_ORDER_LIFETIME
    return PaymentOrder.objects.filter(state=State.PENDING, created_at__lt=cutoff).update(
        state=State.EXPIRED, updated_at=timezone.now()
    )
