import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from mokesta.billing.credit_notes import issue_credit_note
from mokesta.billing.tests.conftest import at, invoice_with_interest
from mokesta.customers.models import ContractAccess
from mokesta.testing.factories import make_contract, make_invoice, make_payment


def test_the_list_shows_my_invoices_with_paid_and_unpaid(client, alice):
    contract = make_contract(user=alice)
    march = make_invoice(contract, month=dt.date(2026, 3, 1), total="20.00")
    april = make_invoice(contract, month=dt.date(2026, 4, 1), total="30.00")
    make_payment(contract, amount="25.00", day=dt.date(2026, 5, 20))  # covers March only
    client.force_login(alice)
    response = client.get(reverse("billing:list"))
    rows = response.context["rows"]
    assert [(invoice.number, state) for invoice, state in rows] == [
        (april.number, "unpaid"),
        (march.number, "paid"),
    ]
    content = response.content.decode()
    assert "neapmokėta" in content and "apmokėta" in content
    assert april.due_date.isoformat() in content


def test_a_credited_invoice_is_shown_as_credited_and_takes_no_payment(client, alice):
    contract = make_contract(user=alice)
    march = make_invoice(contract, month=dt.date(2026, 3, 1), total="24.20")
    april = make_invoice(contract, month=dt.date(2026, 4, 1), total="30.00")
    with time_machine.travel(at("2026-05-12"), tick=False):  # after April's invoice
        note = issue_credit_note(invoice=march, reason="Klaidingi rodmenys")
    make_payment(contract, amount="30.00", day=dt.date(2026, 5, 20))  # pays April
    client.force_login(alice)
    response = client.get(reverse("billing:list"))
    states = {invoice.pk: state for invoice, state in response.context["rows"]}
    assert states == {note.pk: "credit_note", april.pk: "paid", march.pk: "credited"}
    content = response.content.decode()
    assert "kredituota" in content
    assert "neapmokėta" not in content


def test_a_credited_invoice_is_not_unpaid_without_any_payment(client, alice):
    contract = make_contract(user=alice)
    march = make_invoice(contract, month=dt.date(2026, 3, 1), total="24.20")
    issue_credit_note(invoice=march, reason="Klaida")
    client.force_login(alice)
    response = client.get(reverse("billing:list"))
    assert dict((i.pk, state) for i, state in response.context["rows"])[march.pk] == "credited"
    assert "neapmokėta" not in response.content.decode()


def test_each_contract_s_payments_pay_only_its_own_invoices(client, alice):
    first, second = make_contract(user=alice), make_contract(user=alice)
    paid = make_invoice(first, month=dt.date(2026, 3, 1), total="20.00")
    unpaid = make_invoice(second, month=dt.date(2026, 3, 1), total="20.00")
    make_payment(first, amount="20.00", day=dt.date(2026, 4, 20))
    make_contract(user=alice)  # linked, nothing billed yet
    client.force_login(alice)
    response = client.get(reverse("billing:list"))
    states = {invoice.pk: state for invoice, state in response.context["rows"]}
    assert states == {paid.pk: "paid", unpaid.pk: "unpaid"}


def test_a_linked_contract_without_invoices_shows_an_empty_list(client, alice):
    make_contract(user=alice)
    client.force_login(alice)
    response = client.get(reverse("billing:list"))
    assert response.status_code == 200
    assert "Sąskaitų dar nėra." in response.content.decode()


def test_the_detail_shows_the_lines_and_amount_due(client, alice):
    contract = make_contract(user=alice)
    invoice = make_invoice(contract, month=dt.date(2026, 3, 1), total="24.20", amount_due="30.00")
    client.force_login(alice)
    response = client.get(reverse("billing:detail", args=[invoice.pk]))
    content = response.content.decode()
    assert "Geriamojo vandens tiekimas" in content
    assert "30.00" in content or "30,00" in content


def test_the_pdf_is_an_attachment_that_is_not_cached(client, alice, db):
    contract = make_contract(user=alice)
    invoice = make_invoice(contract, month=dt.date(2026, 3, 1))
    client.force_login(alice)
    response = client.get(reverse("billing:pdf", args=[invoice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == f'attachment; filename="saskaita-{invoice.number}.pdf"'
    )
    assert set(response["Cache-Control"].split(", ")) == {"no-store", "private"}
    assert response.content.startswith(b"%PDF")


@pytest.fixture
def december(alice, tariffs):
    invoice = invoice_with_interest()
    ContractAccess.objects.create(user=alice, contract=invoice.contract, via="code")
    return invoice


def test_the_detail_shows_the_interest_as_part_of_the_total(client, alice, december):
    client.force_login(alice)
    content = client.get(reverse("billing:detail", args=[december.pk])).content.decode()
    assert 'iš jų delspinigiai (be PVM)</th><td class="num">0.50' in content.replace(",", ".")


def test_a_credit_note_is_titled_and_refers_to_the_corrected_invoice(client, alice, december):
    with time_machine.travel(at("2027-01-10"), tick=False):
        note = issue_credit_note(invoice=december, reason="Klaidingi rodmenys")
    client.force_login(alice)
    content = client.get(reverse("billing:detail", args=[note.pk])).content.decode()
    assert f"<h1>Kreditinė sąskaita {note.number}</h1>" in content
    assert reverse("billing:detail", args=[december.pk]) in content
    assert "Klaidingi rodmenys" in content
    assert "-18" in content  # negative amounts
    corrected = client.get(reverse("billing:detail", args=[december.pk])).content.decode()
    assert f"<h1>Sąskaita {december.number}</h1>" in corrected
    assert reverse("billing:detail", args=[note.pk]) in corrected

    listing = client.get(reverse("billing:list")).content.decode()
    assert f"kreditinė sąskaita sąskaitai {december.number}" in listing
    pdf = client.get(reverse("billing:pdf", args=[note.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
