"""The demo provider's page checks the signed request like Paysera and answers through the same
callback; it exists only while PAYMENT_PROVIDER is "demo"."""

import urllib.parse
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.onlinepay.models import PaymentOrder
from mokesta.onlinepay.tests.conftest import Debt
from mokesta.payments.models import Payment


def test_the_demo_page_needs_a_signed_request(client: Client, settings: Any) -> None:
    settings.PAYMENT_PROVIDER = "demo"
    assert client.get(reverse("onlinepay:demo")).status_code == 400
    assert client.get(reverse("onlinepay:demo"), {"data": "eA==", "sign": "x"}).status_code == 400


def test_the_demo_page_exists_only_for_the_demo_provider(client: Client, settings: Any) -> None:
    settings.PAYMENT_PROVIDER = "paysera"
    assert client.get(reverse("onlinepay:demo")).status_code == 404
    settings.PAYMENT_PROVIDER = ""
    assert client.get(reverse("onlinepay:demo")).status_code == 404


def test_the_demo_page_shows_the_order(
    client: Client, alice: User, debt: Debt, settings: Any
) -> None:
    settings.PAYMENT_PROVIDER = "demo"
    client.force_login(alice)
    redirect = client.post(reverse("payments:pay", args=[debt.contract.pk]), {"amount": "7,50"})
    assert redirect["Location"].startswith(reverse("onlinepay:demo") + "?data=")
    page = client.get(redirect["Location"]).content.decode()
    assert "Demonstracinis mokėjimas" in page and "7,50 EUR" in page
    assert "Patvirtinti mokėjimą" in page and "Atšaukti" in page
    # A demo confirmation is signed with a key derived from SECRET_KEY: a "paysera" site with
    # its own password refuses it (and the demo callback is refused by a real configuration).
    settings.SECRET_KEY = "another installation"
    assert client.get(redirect["Location"]).status_code == 400


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("action", "state"), [("cancel", "failed"), ("confirm", "confirmed")])
def test_the_demo_buttons_call_the_callback_over_http(
    live_server: Any, alice: User, settings: Any, action: str, state: str
) -> None:
    settings.PAYMENT_PROVIDER = "demo"
    settings.SITE_URL = live_server.url  # where the demo sends its confirmation
    debt = Debt(alice)
    host = live_server.url.removeprefix("http://")  # the addresses sent are the live server's
    client = Client(HTTP_HOST=host)
    client.force_login(alice)
    redirect = client.post(reverse("payments:pay", args=[debt.contract.pk]), {"amount": "7,50"})
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(redirect["Location"]).query))
    back = client.post(reverse("onlinepay:demo"), {**query, "action": action})
    order = PaymentOrder.objects.get()
    assert order.state == state
    assert Payment.objects.count() == (1 if action == "confirm" else 0)
    expected = f"{live_server.url}/savitarna/mokejimai/{order.order_id}/"
    assert back["Location"].startswith(
        expected + ("?atsaukta=1&data=" if action == "cancel" else "?data=")
    )
    page = client.get(back["Location"]).content.decode()
    assert ("Mokėjimas patvirtintas" if action == "confirm" else "nebuvo atliktas") in page
