"""Protocol tests against the fake Paysera: the shop's request as Paysera checks it, and
callbacks signed as Paysera signs them: valid, forged, replayed, wrong amount, unknown order."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.billing.ledger import balance
from mokesta.onlinepay.models import PaymentOrder
from mokesta.onlinepay.tests.conftest import PROJECT_ID, Debt, FakePaysera
from mokesta.outbox.models import OutgoingMessage
from mokesta.payments.models import Payment

CALLBACK = "/apmokejimas/patvirtinimas/"


def start(client: Client, user: User, debt: Debt, fake: FakePaysera, amount: str) -> dict[str, str]:
    """Alice presses „Apmokėti", enters `amount`, and her browser reaches (fake) Paysera."""
    client.force_login(user)
    response = client.post(reverse("payments:pay", args=[debt.contract.pk]), {"amount": amount})
    assert response.status_code == 302
    assert response["Location"].startswith(fake.url + "?data=")
    return fake.open(response["Location"])


def test_the_request_is_signed_and_carries_the_order(
    client: Client, alice: User, debt: Debt, fake_paysera: FakePaysera, settings: Any
) -> None:
    request = start(client, alice, debt, fake_paysera, "12,34")
    order = PaymentOrder.objects.get()
    assert request["projectid"] == PROJECT_ID
    assert request["orderid"] == order.order_id
    assert request["amount"] == "1234" and request["currency"] == "EUR"
    assert request["test"] == "0" and request["version"] == "1.6"
    assert request["lang"] == "LIT" and request["p_email"] == alice.email
    assert request["callbackurl"] == settings.SITE_URL + CALLBACK
    assert request["accepturl"] == f"http://testserver/savitarna/mokejimai/{order.order_id}/"
    assert request["cancelurl"] == request["accepturl"] + "?atsaukta=1"
    assert "[order_nr]" in request["paytext"]
    assert order.state == PaymentOrder.State.PENDING and order.amount == Decimal("12.34")


def test_a_valid_callback_books_one_payment_and_queues_a_receipt(
    client: Client, alice: User, debt: Debt, fake_paysera: FakePaysera
) -> None:
    request = start(client, alice, debt, fake_paysera, "12,34")
    response = Client().post(CALLBACK, fake_paysera.callback(request))
    assert response.status_code == 200 and response.content == b"OK"
    payment = Payment.objects.get()
    order = PaymentOrder.objects.get()
    assert order.state == PaymentOrder.State.CONFIRMED and order.payment == payment
    assert payment.source == Payment.Source.ONLINE
    assert payment.provider_reference == f"paysera:{order.order_id}"
    assert payment.amount == Decimal("12.34") and payment.contract == debt.contract
    assert order.payment_method == "hanza" and order.provider_transaction == "987654321"
    assert balance(debt.contract) == debt.due - Decimal("12.34")
    receipt = OutgoingMessage.objects.get(template="payment-receipt")
    assert receipt.recipient == alice.email
    assert receipt.context["amount_paid"] == "12.34"
    assert receipt.context["amount_balance"] == "41.86"


def test_a_replayed_callback_books_nothing_more(
    client: Client, alice: User, debt: Debt, fake_paysera: FakePaysera
) -> None:
    request = start(client, alice, debt, fake_paysera, "54,20")
    params = fake_paysera.callback(request)
    for _ in range(3):
        response = Client().post(CALLBACK, params)
        assert response.content == b"OK"
    response = Client().get(CALLBACK, params)  # Paysera may also call with GET
    assert response.content == b"OK"
    assert Payment.objects.count() == 1
    assert OutgoingMessage.objects.filter(template="payment-receipt").count() == 1
    assert balance(debt.contract) == 0


@pytest.mark.parametrize("forgery", ["tampered data", "ss1 only", "unsigned", "other key"])
def test_a_forged_callback_is_refused_and_books_nothing(
    client: Client, alice: User, debt: Debt, fake_paysera: FakePaysera, forgery: str
) -> None:
    request = start(client, alice, debt, fake_paysera, "12,34")
    params = fake_paysera.callback(request)
    if forgery == "tampered data":
        params["data"] = fake_paysera.callback(request, amount="1")["data"]
    elif forgery == "ss1 only":  # a key is configured: the md5 checksum alone is not proof
        params = {"data": params["data"], "ss1": params["ss1"]}
    elif forgery == "unsigned":
        params = {"data": params["data"]}
    else:
        from cryptography.hazmat.primitives.asymmetric import rsa

        fake_paysera.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        params = fake_paysera.callback(request)
    response = Client().post(CALLBACK, params)
    assert response.status_code == 400
    assert not Payment.objects.exists()
    assert PaymentOrder.objects.get().state == PaymentOrder.State.PENDING


@pytest.mark.parametrize("changes", [{"amount": "1"}, {"currency": "USD"}])
def test_a_confirmation_of_another_amount_is_flagged_not_booked(
    client: Client, alice: User, debt: Debt, fake_paysera: FakePaysera, changes: dict
) -> None:
    request = start(client, alice, debt, fake_paysera, "12,34")
    response = Client().post(CALLBACK, fake_paysera.callback(request, **changes))
    assert response.content == b"OK"  # genuine: Paysera need not send it again
    order = PaymentOrder.objects.get()
    assert order.state == PaymentOrder.State.FLAGGED
    assert "užsakyta 12.34 EUR" in order.problem
    assert not Payment.objects.exists()
    # The right confirmation arriving later does not book a flagged order behind staff's back.
    Client().post(CALLBACK, fake_paysera.callback(request))
    assert not Payment.objects.exists()


def test_a_test_payment_is_flagged_when_test_mode_is_off(
    client: Client, alice: User, debt: Debt, fake_paysera: FakePaysera
) -> None:
    request = start(client, alice, debt, fake_paysera, "12,34")
    Client().post(CALLBACK, fake_paysera.callback(request, test="1"))
    assert PaymentOrder.objects.get().state == PaymentOrder.State.FLAGGED
    assert not Payment.objects.exists()


def test_test_mode_sends_test_payments_and_accepts_them(
    client: Client, alice: User, debt: Debt, fake_paysera: FakePaysera, settings: Any
) -> None:
    settings.PAYSERA_TEST = True
    request = start(client, alice, debt, fake_paysera, "12,34")
    assert request["test"] == "1"
    assert Client().post(CALLBACK, fake_paysera.callback(request)).content == b"OK"
    assert Payment.objects.count() == 1


def test_an_unknown_order_is_404(
    client: Client, alice: User, debt: Debt, fake_paysera: FakePaysera
) -> None:
    request = start(client, alice, debt, fake_paysera, "12,34")
    response = Client().post(CALLBACK, fake_paysera.callback(request, orderid="MK" + "0" * 20))
    assert response.status_code == 404
    assert not Payment.objects.exists()


def test_another_project_is_refused(
    client: Client, alice: User, debt: Debt, fake_paysera: FakePaysera
) -> None:
    request = start(client, alice, debt, fake_paysera, "12,34")
    response = Client().post(CALLBACK, fake_paysera.callback(request, projectid="999"))
    assert response.status_code == 400


@pytest.mark.parametrize(("status", "state"), [("0", "failed"), ("2", "pending"), ("3", "pending")])
def test_other_statuses_book_nothing(
    client: Client, alice: User, debt: Debt, fake_paysera: FakePaysera, status: str, state: str
) -> None:
    request = start(client, alice, debt, fake_paysera, "12,34")
    response = Client().post(CALLBACK, fake_paysera.callback(request, status=status))
    assert response.content == b"OK"
    assert PaymentOrder.objects.get().state == state
    assert not Payment.objects.exists()
    # The bank confirms later after all: booked.
    Client().post(CALLBACK, fake_paysera.callback(request, status="1"))
    assert Payment.objects.count() == 1


def test_a_callback_with_online_payments_off_is_404(client: Client, settings: Any) -> None:
    settings.PAYMENT_PROVIDER = ""
    assert client.post(CALLBACK, {"data": "x"}).status_code == 404
    assert client.put(CALLBACK).status_code in (404, 405)


@pytest.mark.django_db(transaction=True)
def test_the_fake_paysera_calls_back_over_http(
    live_server: Any, alice: User, fake_paysera: FakePaysera
) -> None:
    """End to end over real HTTP: the fake server posts its signed callback to the live site."""
    import urllib.request

    from mokesta.onlinepay import providers
    from mokesta.onlinepay.orders import start_order

    debt = Debt(alice)
    provider = providers.current()
    assert provider is not None
    order = start_order(
        user=alice, contract=debt.contract, amount=Decimal("5.00"), provider=provider
    )
    url = provider.checkout_url(
        providers.Checkout(
            order_id=order.order_id,
            amount=order.amount,
            currency="EUR",
            accept_url=live_server.url + "/savitarna/",
            cancel_url=live_server.url + "/savitarna/",
            callback_url=live_server.url + CALLBACK,
            language="lt",
            description=debt.contract.number,
            email=alice.email,
        )
    )
    fake_paysera.open(url)
    request = urllib.request.Request(fake_paysera.url + "confirm", data=b"status=1", method="POST")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(request, timeout=10)
    except urllib.error.HTTPError as exc:  # the 302 back to the shop
        assert exc.code == 302
    assert fake_paysera.callback_answers == [(200, "OK")]
    assert Payment.objects.get().amount == Decimal("5.00")
