"""The customer's pages: „Apmokėti" on the dashboard and on unpaid invoices, the amount form
(Lithuanian format, errors next to the field), and the return page."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.onlinepay.models import PaymentOrder
from mokesta.onlinepay.tests.conftest import Debt, FakePaysera
from mokesta.payments.models import Payment
from mokesta.testing.factories import make_contract, make_payment

CALLBACK = "/apmokejimas/patvirtinimas/"


def test_the_dashboard_offers_to_pay_the_amount_due(
    client: Client, alice: User, debt: Debt
) -> None:
    client.force_login(alice)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert f'href="{reverse("payments:pay", args=[debt.contract.pk])}">Apmokėti</a>' in page
    form = client.get(reverse("payments:pay", args=[debt.contract.pk])).content.decode()
    assert 'value="54,20"' in form
    assert '<label for="id_amount">Suma, € *</label>' in form


def test_nothing_to_pay_no_button(client: Client, alice: User) -> None:
    contract = make_contract(user=alice)
    client.force_login(alice)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("payments:pay", args=[contract.pk]) not in page


def test_online_payments_off_no_button_and_404(
    client: Client, alice: User, debt: Debt, settings: Any
) -> None:
    settings.PAYMENT_PROVIDER = ""
    client.force_login(alice)
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("payments:pay", args=[debt.contract.pk]) not in dashboard
    assert ">Apmokėti</a>" not in dashboard  # the button; „Apmokėti iki" is the due date
    assert client.get(reverse("payments:pay", args=[debt.contract.pk])).status_code == 404


def test_the_invoice_pages_offer_to_pay_only_unpaid_invoices(
    client: Client, alice: User, debt: Debt
) -> None:
    client.force_login(alice)
    pay_new = reverse("payments:pay_invoice", args=[debt.invoice.pk])
    assert pay_new in client.get(reverse("billing:detail", args=[debt.invoice.pk])).content.decode()
    assert 'value="54,20"' in client.get(pay_new).content.decode()
    # 30.00 paid by bank: the older invoice is paid, the newer one has 24.20 left to pay.
    make_payment(debt.contract, amount="30.00", day=debt.invoice.issue_date)
    pay_old = reverse("payments:pay_invoice", args=[debt.old.pk])
    assert pay_old not in client.get(reverse("billing:detail", args=[debt.old.pk])).content.decode()
    assert client.get(pay_old).status_code == 404
    assert 'value="24,20"' in client.get(pay_new).content.decode()


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "Įveskite mokamą sumą."),
        (
            "abc",
            "Įveskite sumą eurais, ne daugiau kaip su dviem skaitmenimis po kablelio, pvz., 12,34.",
        ),
        (
            "12,345",
            "Įveskite sumą eurais, ne daugiau kaip su dviem skaitmenimis po kablelio, pvz., 12,34.",
        ),
        (
            "-5",
            "Įveskite sumą eurais, ne daugiau kaip su dviem skaitmenimis po kablelio, pvz., 12,34.",
        ),
        ("0", "Suma turi būti nuo 0,01 € iki 10 000,00 €."),
        ("0,00", "Suma turi būti nuo 0,01 € iki 10 000,00 €."),
        ("10000,01", "Suma turi būti nuo 0,01 € iki 10 000,00 €."),
        # Other scripts' digits, which Python reads as numbers (١٢ would be 12,00 €).
        ("١٢", "Sumą rašykite skaitmenimis 0–9, pvz., 12,34."),
        ("１２,５０", "Sumą rašykite skaitmenimis 0–9, pvz., 12,34."),
        ("1٢,00", "Sumą rašykite skaitmenimis 0–9, pvz., 12,34."),
    ],
)
def test_a_wrong_amount_is_explained_next_to_the_field(
    client: Client, alice: User, debt: Debt, typed: str, error: str
) -> None:
    client.force_login(alice)
    response = client.post(reverse("payments:pay", args=[debt.contract.pk]), {"amount": typed})
    assert response.status_code == 200
    page = response.content.decode()
    label = page.index('<label for="id_amount">')
    message = page.index(error)
    field = page.index('name="amount"')
    assert label < message < field  # between the label and the input
    assert f'value="{typed}"' in page or typed == ""  # what was typed is kept
    assert not PaymentOrder.objects.exists()


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("12,34", "12.34"),
        ("12.34", "12.34"),
        ("1 234,5", "1234.50"),
        ("10000", "10000.00"),
        ("0,01", "0.01"),
    ],
)
def test_amounts_in_lithuanian_format_are_accepted(
    client: Client, alice: User, debt: Debt, fake_paysera: FakePaysera, typed: str, amount: str
) -> None:
    client.force_login(alice)
    response = client.post(reverse("payments:pay", args=[debt.contract.pk]), {"amount": typed})
    assert response.status_code == 302
    assert PaymentOrder.objects.get().amount == Decimal(amount)


def test_another_users_contract_invoice_and_order_are_404(
    client: Client, alice: User, bob: User, debt: Debt, fake_paysera: FakePaysera
) -> None:
    client.force_login(alice)
    client.post(reverse("payments:pay", args=[debt.contract.pk]), {"amount": "1"})
    order = PaymentOrder.objects.get()
    client.force_login(bob)
    assert client.get(reverse("payments:pay", args=[debt.contract.pk])).status_code == 404
    assert (
        client.post(reverse("payments:pay", args=[debt.contract.pk]), {"amount": "1"}).status_code
        == 404
    )
    assert client.get(reverse("payments:pay_invoice", args=[debt.invoice.pk])).status_code == 404
    assert client.get(reverse("payments:order", args=[order.order_id])).status_code == 404
    assert PaymentOrder.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client: Client, debt: Debt) -> None:
    for url in (
        reverse("payments:pay", args=[debt.contract.pk]),
        reverse("payments:pay_invoice", args=[debt.invoice.pk]),
        reverse("payments:order", args=["MK00"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/paskyra/login/" in response["Location"]


def test_the_pay_form_needs_the_csrf_token(alice: User, debt: Debt) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("payments:pay", args=[debt.contract.pk]), {"amount": "1"})
    assert response.status_code == 403


def test_the_return_page_says_pending_then_confirmed_and_reloads_change_nothing(
    client: Client, alice: User, debt: Debt, fake_paysera: FakePaysera
) -> None:
    client.force_login(alice)
    redirect = client.post(reverse("payments:pay", args=[debt.contract.pk]), {"amount": "10"})
    request = fake_paysera.open(redirect["Location"])
    back = request["accepturl"].removeprefix("http://testserver")
    assert "nepatvirtintas" in client.get(back).content.decode()
    assert "nebuvo atliktas" in client.get(back + "?atsaukta=1").content.decode()
    # Paysera appends the signed answer to the return address too: applied like the callback.
    signed = fake_paysera.callback(request)
    for _ in range(2):
        page = client.get(back, signed).content.decode()
        assert "Mokėjimas patvirtintas" in page
    assert Client().post(CALLBACK, signed).content == b"OK"
    assert Payment.objects.count() == 1
    # A forged answer on the return address is ignored: the page shows what was recorded.
    client.get(back, {**signed, "ss3": "AAAA"})
    assert Payment.objects.count() == 1


def test_a_failed_payment_says_so(
    client: Client, alice: User, debt: Debt, fake_paysera: FakePaysera
) -> None:
    client.force_login(alice)
    redirect = client.post(reverse("payments:pay", args=[debt.contract.pk]), {"amount": "10"})
    request = fake_paysera.open(redirect["Location"])
    Client().post(CALLBACK, fake_paysera.callback(request, status="0"))
    back = request["accepturl"].removeprefix("http://testserver")
    assert "Mokėjimas nebuvo atliktas." in client.get(back).content.decode()
