"""Abandoned orders expire; the system check keeps the demo provider out of production."""

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import time_machine
from django.core.management import call_command
from django.test import Client

from mokesta.accounts.models import User
from mokesta.onlinepay import providers
from mokesta.onlinepay.checks import payment_provider
from mokesta.onlinepay.models import PaymentOrder
from mokesta.onlinepay.orders import expire_orders, start_order
from mokesta.onlinepay.tests.conftest import Debt, FakePaysera
from mokesta.payments.models import Payment

START = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


def test_pending_orders_expire_after_a_day_and_a_late_confirmation_still_books(
    debt: Debt, alice: User, fake_paysera: FakePaysera
) -> None:
    provider = providers.current()
    assert provider is not None
    with time_machine.travel(START, tick=False):
        old = start_order(
            user=alice, contract=debt.contract, amount=Decimal("5"), provider=provider
        )
    with time_machine.travel(START + dt.timedelta(hours=23), tick=False):
        fresh = start_order(
            user=alice, contract=debt.contract, amount=Decimal("6"), provider=provider
        )
    with time_machine.travel(START + dt.timedelta(hours=24, minutes=1), tick=False):
        assert expire_orders() == 1
        out = io.StringIO()
        call_command("expire_payment_orders", stdout=out)
        assert "0 online payment order(s) expired." in out.getvalue()
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.state == PaymentOrder.State.EXPIRED
    assert fresh.state == PaymentOrder.State.PENDING
    # The customer did pay after all: money taken is booked.
    request = {"projectid": "123456", "orderid": old.order_id, "amount": "500", "currency": "EUR"}
    assert (
        Client().post("/apmokejimas/patvirtinimas/", fake_paysera.callback(request)).content
        == b"OK"
    )
    old.refresh_from_db()
    assert old.state == PaymentOrder.State.CONFIRMED
    assert Payment.objects.get().amount == Decimal("5.00")


def ids(settings: Any) -> list[str]:
    return [str(message.id) for message in payment_provider()]


def test_the_demo_provider_is_refused_without_debug(settings: Any) -> None:
    settings.PAYMENT_PROVIDER = "demo"
    settings.DEBUG = False
    assert ids(settings) == ["onlinepay.E002"]
    settings.DEBUG = True
    assert ids(settings) == []


def test_the_provider_settings_are_checked(settings: Any) -> None:
    settings.DEBUG = False
    settings.PAYMENT_PROVIDER = "stripe"
    assert ids(settings) == ["onlinepay.E001"]
    settings.PAYMENT_PROVIDER = ""
    assert ids(settings) == []
    settings.PAYMENT_PROVIDER = "paysera"
    settings.PAYSERA_PROJECT_ID = ""
    settings.PAYSERA_PASSWORD = ""
    settings.PAYSERA_PUBLIC_KEY = "not a key"
    settings.PAYSERA_PAY_URL = "http://bank.paysera.com/pay/"
    assert ids(settings) == ["onlinepay.E003", "onlinepay.E004", "onlinepay.E005"]
    settings.PAYSERA_PROJECT_ID = "123"
    settings.PAYSERA_PASSWORD = "secret"
    settings.PAYSERA_PUBLIC_KEY = ""
    settings.PAYSERA_PAY_URL = "https://bank.paysera.com/pay/"
    assert ids(settings) == []
