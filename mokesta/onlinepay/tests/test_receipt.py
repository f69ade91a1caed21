"""The receipt: an e-mail to the paying user whatever their invoice-delivery choice, and an SMS
when they accept SMS, rendered in Lithuanian."""

import datetime as dt
from decimal import Decimal
from typing import Any

import time_machine

from mokesta.accounts.models import User
from mokesta.onlinepay import providers
from mokesta.onlinepay.orders import apply_outcome, start_order
from mokesta.onlinepay.tests.conftest import Debt
from mokesta.outbox.models import OutgoingMessage
from mokesta.outbox.sending import build_email, render_sms


def test_the_receipt_goes_by_e_mail_and_sms(alice: User, debt: Debt, settings: Any) -> None:
    settings.PAYMENT_PROVIDER = "demo"
    alice.sms_opt_in = True
    alice.phone = "+37061234567"
    alice.save()
    provider = providers.current()
    assert provider is not None
    order = start_order(
        user=alice,
        contract=debt.contract,
        invoice=debt.invoice,
        amount=Decimal("60.00"),
        provider=provider,
    )
    outcome = providers.Outcome(
        order_id=order.order_id,
        status=providers.PAID,
        amount=Decimal("60"),
        currency="EUR",
        test=True,
    )
    with time_machine.travel(dt.datetime(2026, 11, 30, 22, 30, tzinfo=dt.UTC), tick=False):
        apply_outcome(outcome=outcome, provider=provider)  # 00:30 on 1 December in Vilnius
    email = OutgoingMessage.objects.get(channel="email", template="payment-receipt")
    sms = OutgoingMessage.objects.get(channel="sms", template="payment-receipt")
    assert email.dedup_key == f"payment:{order.order_id}:email:{alice.pk}"
    message = build_email(email)
    assert message.subject.startswith("Gautas 60,00 € mokėjimas")
    text = str(message.body)
    assert (
        f"2026-12-01 gavome Jūsų 60,00 € mokėjimą internetu pagal sutartį {debt.contract.number}."
        in text
    )
    assert f"Sąskaita: {debt.invoice.number}." in text
    assert "Permoka: 5,80 €." in text  # 54.20 owed, 60.00 paid
    assert render_sms(sms).endswith(
        f"gautas 60,00 EUR mokėjimas pagal sutartį {debt.contract.number}. Ačiū!"
    )
