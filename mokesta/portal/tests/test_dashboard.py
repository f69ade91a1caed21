import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from mokesta.billing.credit_notes import issue_credit_note
from mokesta.billing.ledger import balance
from mokesta.customers.access import has_contracts
from mokesta.customers.models import ContractAccess, ServicePoint
from mokesta.metering.models import Meter, Reading
from mokesta.testing.factories import (
    add_readings,
    make_contract,
    make_invoice,
    make_meter,
    make_payment,
)
from mokesta.testing.history import generate


@pytest.fixture(autouse=True)
def in_may():
    tz = ZoneInfo("Europe/Vilnius")
    with time_machine.travel(dt.datetime(2026, 5, 20, 12, 0, tzinfo=tz), tick=False):
        yield


def test_without_a_contract_it_shows_only_the_linking_step(client, alice):
    client.force_login(alice)
    response = client.get(reverse("portal:dashboard"))
    content = response.content.decode()
    assert response.context["cards"] == []
    assert 'name="number"' in content and 'name="payer_code"' in content
    assert "Prie jūsų paskyros dar nepridėta" in content
    assert reverse("metering:declare", args=[1]) not in content


def test_it_shows_each_contract_at_a_glance(client, alice):
    contract = make_contract(user=alice, address="Liepų g. 3, Velžys")
    meter = make_meter(contract, initial=100)
    add_readings(meter, last_month=dt.date(2026, 4, 1), count=2, per_month=6)  # April: 112
    invoice = make_invoice(contract, month=dt.date(2026, 4, 1), total="30.00", amount_due="30.00")
    make_payment(contract, amount="10.00", day=dt.date(2026, 5, 6))
    client.force_login(alice)
    content = client.get(reverse("portal:dashboard")).content.decode()
    assert "Liepų g. 3, Velžys" in content
    assert meter.serial_number in content
    assert "112 m³ (2026-04)" in content
    assert "deklaruokite iki 2026-05-31" in content
    # Not yet due: payable by its due date, not a debt.
    assert f"Mokėtina suma iki {invoice.due_date.isoformat()}: <strong>20,00 €</strong>" in content
    assert "Skola" not in content
    assert invoice.number in content
    Reading.objects.create(meter=meter, period=dt.date(2026, 5, 1), value=118, source="customer")
    content = client.get(reverse("portal:dashboard")).content.decode()
    assert "deklaruokite iki" not in content
    assert "118 m³ (2026-05)" in content


def test_an_overpayment_is_shown(client, alice):
    contract = make_contract(user=alice)
    make_payment(contract, amount="15.50", day=dt.date(2026, 5, 6))
    client.force_login(alice)
    content = client.get(reverse("portal:dashboard")).content.decode()
    assert "Permoka 15,50 € sumažins kitą sąskaitą." in content
    assert "Mokėti nieko nereikia." in content
    assert "Mokėjimo rekvizitai" not in content


def test_without_a_contract_the_menu_offers_no_contract_pages(client, alice):
    client.force_login(alice)
    content = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("billing:list") not in content
    assert reverse("metering:declare_pick") not in content
    assert reverse("accounts:profile") in content
    assert client.get(reverse("billing:list")).url == reverse("portal:dashboard")
    assert client.get(reverse("metering:declare_pick")).url == reverse("portal:dashboard")
    make_contract(user=alice)
    content = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("billing:list") in content


def test_each_card_lists_its_service_points_and_current_meters_escaped(client, alice):
    """The cards (portal/includes/contract_card.html): what staff typed is escaped, removed
    meters are left out, every service point is named, and a contract without meters says so."""
    contract = make_contract(user=alice, address="Liepų g. 3 <b>")
    ServicePoint.objects.create(contract=contract, address="Sodų g. 1 & kiemas")
    kept = make_meter(contract)
    removed = make_meter(contract)
    Meter.objects.filter(pk=removed.pk).update(removed_on=dt.date(2026, 1, 31))
    bare = make_contract(user=alice)
    client.force_login(alice)
    response = client.get(reverse("portal:dashboard"))
    content = response.content.decode()
    assert "Liepų g. 3 &lt;b&gt;; Sodų g. 1 &amp; kiemas · namas" in content
    assert f"Skaitiklis {kept.serial_number}" in content
    assert removed.serial_number not in content
    assert content.count("Skaitiklių nėra.") == 1  # the contract without meters
    assert [card.contract.pk for card in response.context["cards"]] == [contract.pk, bare.pk]
    assert f"{kept.verified_on.year + 6}-01-01" in content  # verification due, 6 years on


def test_a_credit_note_as_the_latest_document_has_no_payment_details(client, alice):
    contract = make_contract(user=alice)
    invoice = make_invoice(contract, month=dt.date(2026, 3, 1), total="30.00")
    client.force_login(alice)
    assert "Mokėjimo rekvizitai" in client.get(reverse("portal:dashboard")).content.decode()
    note = issue_credit_note(invoice=invoice, reason="Klaida")
    content = client.get(reverse("portal:dashboard")).content.decode()
    assert note.number in content and "Mokėjimo rekvizitai" not in content


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_cards_balance_and_latest_invoice_are_the_ledgers(client, alice, seed):
    """The dashboard sums in its own query; on generated histories (credit notes, rebilled
    months, random payments) it shows what the ledger and the invoice list say."""
    contracts = generate(random.Random(seed))
    for contract in contracts:
        ContractAccess.objects.create(user=alice, contract=contract, via=ContractAccess.Via.CODE)
    client.force_login(alice)
    cards = {
        card.contract.pk: card for card in client.get(reverse("portal:dashboard")).context["cards"]
    }
    for contract in contracts:
        card = cards[contract.pk]
        assert card.balance == balance(contract)
        newest = contract.invoices.order_by("-issue_date", "-sequence").first()
        assert (card.invoice and card.invoice.pk) == (newest and newest.pk)
        if newest is not None:
            assert card.invoice.amount_due == newest.amount_due


def test_the_menus_question_is_answered_by_one_plain_query(alice):
    assert has_contracts(alice) is False
    make_contract(user=alice)
    assert has_contracts(alice) is True


def test_with_a_contract_another_is_linked_on_its_own_page(client, alice):
    make_contract(user=alice)
    client.force_login(alice)
    content = client.get(reverse("portal:dashboard")).content.decode()
    link = reverse("customers:link")
    assert f'<a href="{link}">Pridėti kitą sutartį</a>' in content
    assert 'name="payer_code"' not in content
    form = client.get(link).content.decode()
    assert 'name="number"' in form and 'name="payer_code"' in form
