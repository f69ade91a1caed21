"""Issue 19.5: the clerk's customer view — one read-only page per customer (and per contract)
with balance and what is overdue, invoices, payments, meters and readings, requests, messages
and the portal accounts; editing behind „Redaguoti"."""

import datetime as dt

import pytest
import time_machine

from mokesta.accounts.models import User
from mokesta.backoffice.tests.conftest import admin_client
from mokesta.customers.models import ContractAccess
from mokesta.inquiries.models import Inquiry
from mokesta.outbox.models import OutgoingMessage
from mokesta.testing.billing import at
from mokesta.testing.factories import (
    add_readings,
    make_contract,
    make_invoice,
    make_meter,
    make_payment,
)
from mokesta.testing.lithuanian import visible_text


@pytest.fixture
def contract(alice: User):
    contract = make_contract(user=alice, name="Ona Kazlauskienė", email="ona@example.lt")
    contract.customer.phone = "+37061234567"
    contract.customer.save()
    old = make_invoice(contract, month=dt.date(2026, 9, 1), total="12105.82")
    make_invoice(contract, month=dt.date(2026, 10, 1), total="20.00", amount_due="12125.82")
    make_payment(contract, amount="100.00", day=dt.date(2026, 10, 20))
    meter = make_meter(contract)
    add_readings(meter, last_month=dt.date(2026, 11, 1), count=4)
    Inquiry.objects.create(contract=contract, user=alice, topic=Inquiry.Topic.OTHER)
    OutgoingMessage.objects.create(
        channel="email", recipient="ona@example.lt", template="invoice", dedup_key="x1", invoice=old
    )
    return contract


def page(user: User, url: str) -> str:
    with time_machine.travel(at("2026-12-10"), tick=False):
        response = admin_client(user).get(url)
    assert response.status_code == 200, url
    return visible_text(response.content)


def test_the_customer_page_has_what_a_phone_call_needs(staff: User, contract, alice: User):
    text = page(staff, f"/admin/customers/customer/{contract.customer.pk}/overview/")
    # 12 105,82 + 20,00 − 100,00, all of it due by 2026-11-30.
    assert "Likutis: 12 025,82 €" in text
    assert "Pradelsta: 12 025,82 €" in text
    assert "12 105,82 € neapmokėta" in text
    assert "2026-10-20 100,00 € banko išrašas" in text
    assert "+37061234567" in text
    assert "2026-11: 120 m³" in text
    assert "Kita TEST-" not in text
    assert f"Kita {contract.number} Pateikta — laukia atsakymo" in text
    assert "el. paštas ona@example.lt TEST-" in text
    assert f"Alė Žemaitė <{alice.email}>" in text
    assert "Redaguoti mokėtoją" in text and "Redaguoti sutartį" in text


def test_nothing_is_editable_on_the_overview(staff: User, contract):
    url = f"/admin/customers/customer/{contract.customer.pk}/overview/"
    with time_machine.travel(at("2026-12-10"), tick=False):
        html = admin_client(staff).get(url).content.decode()
    assert "<input" not in html.split('id="content-main"')[1]
    assert 'name="_save"' not in html
    assert "deletelink" not in html
    assert f'href="/admin/customers/customer/{contract.customer.pk}/change/"' in html
    assert 'href="tel:+37061234567"' in html


def test_the_lists_open_the_overview(staff: User, contract):
    client = admin_client(staff)
    customers = client.get("/admin/customers/customer/").content.decode()
    contracts = client.get("/admin/customers/contract/").content.decode()
    assert f'href="/admin/customers/customer/{contract.customer.pk}/overview/' in customers
    assert f'href="/admin/customers/contract/{contract.pk}/overview/' in contracts


def test_before_the_due_date_nothing_is_overdue(staff: User, alice: User):
    contract = make_contract(user=alice)
    make_invoice(contract, month=dt.date(2026, 11, 1), total="20.00")  # due 2026-12-31
    text = page(staff, f"/admin/customers/contract/{contract.pk}/overview/")
    assert "Likutis: 20,00 €" in text
    assert "Pradelstų mokėjimų nėra" in text


def test_the_contract_page_shows_one_contract(staff: User, contract):
    other = make_contract(name="Kitas")
    other.customer = contract.customer
    other.save()
    text = page(staff, f"/admin/customers/contract/{contract.pk}/overview/")
    assert f"Sutartis {contract.number}" in text
    assert f"Sutartis {other.number}" not in text
    assert "Visos mokėtojo sutartys" in text


def test_a_contract_without_accounts_says_so(staff: User, contract):
    ContractAccess.objects.all().delete()
    text = page(staff, f"/admin/customers/contract/{contract.pk}/overview/")
    assert "Šios sutarties nemato jokia savitarnos paskyra." in text


def test_an_accountant_reads_but_gets_no_edit_links(accountant: User, contract):
    text = page(accountant, f"/admin/customers/customer/{contract.customer.pk}/overview/")
    assert "Likutis" in text
    assert "Redaguoti" not in text


def test_staff_without_the_permission_are_refused(client, db):
    from mokesta.conftest import make_user

    user = make_user("nobody@example.lt", "Niekas", "Niekas", is_staff=True)
    contract = make_contract()
    response = admin_client(user).get(f"/admin/customers/customer/{contract.customer.pk}/overview/")
    assert response.status_code == 403


def test_an_unknown_customer_is_a_404(staff: User, db):
    assert admin_client(staff).get("/admin/customers/customer/999/overview/").status_code == 404
