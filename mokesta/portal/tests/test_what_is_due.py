"""What is due is one rule (the ledger's amount_due_now) on the dashboard, the invoice page and
the invoice list: an amount and the payment details only while something is due, „Skola" only
for what is past its due date."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from mokesta.testing.factories import make_contract, make_invoice, make_meter, make_payment
from mokesta.utility.models import Utility


@pytest.fixture(autouse=True)
def in_may():
    tz = ZoneInfo("Europe/Vilnius")
    with time_machine.travel(dt.datetime(2026, 5, 20, 12, 0, tzinfo=tz), tick=False):
        yield


@pytest.fixture(autouse=True)
def utility(db):
    return Utility.objects.create(
        name="VšĮ Velžio komunalinis ūkis",
        short_name="Velžio komunalinis ūkis",
        iban="LT40 7300 0100 1234 5678",
        payee_code="10482",
    )


def test_a_paid_invoice_asks_for_nothing_anywhere(client, alice):
    contract = make_contract(user=alice)
    make_meter(contract)
    invoice = make_invoice(contract, month=dt.date(2026, 4, 1), total="18.08")
    make_payment(contract, amount="18.08", day=dt.date(2026, 5, 12))
    client.force_login(alice)
    for url in [reverse("portal:dashboard"), reverse("billing:detail", args=[invoice.pk])]:
        html = client.get(url).content.decode()
        assert "Mokėti nieko nereikia." in html, url
        assert "Apmokėta." in html, url
        assert "Mokėjimo rekvizitai" not in html, url
        assert 'class="qr-code"' not in html, url
        assert "Mokėtina suma iki" not in html and "Skola" not in html, url
        assert reverse("payments:pay", args=[contract.pk]) not in html, url
    listed = client.get(reverse("billing:list")).content.decode()
    assert reverse("payments:pay_invoice", args=[invoice.pk]) not in listed


def test_an_amount_not_yet_due_is_payable_by_its_date_and_an_older_one_is_a_debt(client, alice):
    contract = make_contract(user=alice)
    make_meter(contract)
    old = make_invoice(contract, month=dt.date(2026, 2, 1), total="10.00")  # due 2026-03-31
    new = make_invoice(contract, month=dt.date(2026, 4, 1), total="18.08")  # due 2026-05-31
    client.force_login(alice)
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert '<span class="debt">Skola: <strong>10,00 €</strong></span>' in html
    assert "Mokėtina suma iki 2026-05-31: <strong>18,08 €</strong>" in html
    # The payment details ask for all that is due, with the QR code.
    assert "28,08 €" in html and 'class="qr-code"' in html
    # A part payment covers the older invoice first: no debt left.
    make_payment(contract, amount="12.00", day=dt.date(2026, 5, 15))
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert "Skola" not in html
    assert "Mokėtina suma iki 2026-05-31: <strong>16,08 €</strong>" in html
    page = client.get(reverse("billing:detail", args=[old.pk])).content.decode()
    assert "Būsena: apmokėta" in page and "Mokėjimo rekvizitai" not in page
    page = client.get(reverse("billing:detail", args=[new.pk])).content.decode()
    assert "Mokėtina suma iki 2026-05-31:" in page and "16,08 €" in page


def test_amounts_have_a_thousands_space(client, alice):
    contract = make_contract(user=alice)
    make_meter(contract)
    make_invoice(contract, month=dt.date(2026, 4, 1), total="12105.82")
    client.force_login(alice)
    html = client.get(reverse("portal:dashboard")).content.decode()
    assert "12\u00a0105,82 €" in html


def test_two_contracts_due_show_a_total_paid_at_once(client, alice):
    first, second = make_contract(user=alice), make_contract(user=alice)
    for contract, total in [(first, "10.00"), (second, "5.50")]:
        make_meter(contract)
        make_invoice(contract, month=dt.date(2026, 4, 1), total=total)
    client.force_login(alice)
    response = client.get(reverse("portal:dashboard"))
    html = response.content.decode()
    assert "Iš viso mokėti už visas sutartis: 15,50 €" in html
    assert len(response.context["due_cards"]) == 2
    assert html.count("Apmokėti viską") == (1 if response.context["pay_on"] else 0)
