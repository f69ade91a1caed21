"""Booked exactly once under real concurrency (threads with their own connections): repeated
callbacks, the callback racing the customer's return, two tabs paying the same invoice. The CI
runs this file on SQLite and on PostgreSQL (DATABASE_URL)."""

import itertools
import threading
from decimal import Decimal

import pytest
from django.test import Client

from mokesta.accounts.models import User
from mokesta.billing.ledger import balance
from mokesta.onlinepay import providers
from mokesta.onlinepay.models import PaymentOrder
from mokesta.onlinepay.orders import start_order
from mokesta.onlinepay.tests.conftest import Debt, FakePaysera
from mokesta.outbox.models import OutgoingMessage
from mokesta.payments.models import Payment
from mokesta.testing.factories import run_in_threads

CALLBACK = "/apmokejimas/patvirtinimas/"


def request_for(order: PaymentOrder) -> dict[str, str]:
    """The fields of the shop's request for `order`, as the fake Paysera decodes them."""
    provider = providers.current()
    assert isinstance(provider, providers.Paysera)
    return {
        "projectid": provider.project_id,
        "orderid": order.order_id,
        "amount": str(providers.to_cents(order.amount)),
        "currency": order.currency,
        "test": "0",
    }


@pytest.mark.django_db(transaction=True)
def test_the_same_callback_four_times_at_once_books_once(
    alice: User, fake_paysera: FakePaysera
) -> None:
    debt = Debt(alice)
    provider = providers.current()
    assert provider is not None
    order = start_order(
        user=alice, contract=debt.contract, amount=Decimal("20.00"), provider=provider
    )
    params = fake_paysera.callback(request_for(order))
    answers: list[bytes] = []

    def post() -> None:
        answers.append(Client().post(CALLBACK, params).content)

    assert run_in_threads(post, 4) == []
    assert answers == [b"OK"] * 4
    assert Payment.objects.count() == 1
    assert OutgoingMessage.objects.filter(template="payment-receipt").count() == 1
    assert balance(debt.contract) == debt.due - Decimal("20.00")


@pytest.mark.django_db(transaction=True)
def test_the_callback_and_the_return_racing_book_once(
    alice: User, fake_paysera: FakePaysera
) -> None:
    debt = Debt(alice)
    provider = providers.current()
    assert provider is not None
    order = start_order(
        user=alice, contract=debt.contract, amount=Decimal("20.00"), provider=provider
    )
    params = fake_paysera.callback(request_for(order))
    back = f"/savitarna/mokejimai/{order.order_id}/"
    roles = itertools.cycle(["return", "callback"])
    lock = threading.Lock()
    pages: list[str] = []
    answers: list[bytes] = []

    def callback_or_return() -> None:
        with lock:
            role = next(roles)
        if role == "return":  # the customer's browser comes back with the signed answer
            client = Client()
            client.force_login(alice)
            pages.append(client.get(back, params).content.decode())
        else:
            answers.append(Client().post(CALLBACK, params).content)

    assert run_in_threads(callback_or_return, 4) == []
    assert Payment.objects.count() == 1
    assert answers == [b"OK", b"OK"]
    assert len(pages) == 2 and all("Mokėjimas patvirtintas" in page for page in pages)


@pytest.mark.django_db(transaction=True)
def test_two_tabs_paying_the_same_invoice_each_book_once(
    alice: User, fake_paysera: FakePaysera
) -> None:
    debt = Debt(alice)
    provider = providers.current()
    assert provider is not None
    orders = [
        start_order(
            user=alice,
            contract=debt.contract,
            invoice=debt.invoice,
            amount=Decimal("24.20"),
            provider=provider,
        )
        for _tab in range(2)
    ]
    calls = [fake_paysera.callback(request_for(order)) for order in orders]

    def confirm_both() -> None:
        for params in calls:  # every thread confirms both tabs' payments
            assert Client().post(CALLBACK, params).content == b"OK"

    assert run_in_threads(confirm_both, 3) == []
    # Both tabs really paid: two payments, each once (the second is an advance).
    assert Payment.objects.count() == 2
    assert set(Payment.objects.values_list("provider_reference", flat=True)) == {
        f"paysera:{order.order_id}" for order in orders
    }
    assert balance(debt.contract) == debt.due - Decimal("48.40")
