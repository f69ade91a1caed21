"""The back office's action „Peppol e. sąskaitos SABIS (zip)" on the invoice list, and the
customer record of a public body."""

import io
import zipfile
from typing import Any

import pytest
import time_machine
from django.test import Client

from mokesta.accounts.models import User
from mokesta.billing.credit_notes import issue_credit_note
from mokesta.billing.models import Invoice
from mokesta.billing.peppol import check
from mokesta.billing.tests.conftest import (
    at,
    bill,
    december,
    issued_without_references,
    make_contract,
)
from mokesta.customers.models import Contract, Customer

URL = "/admin/billing/invoice/"


@pytest.fixture
def staff_client(client: Client, staff: User) -> Client:
    client.force_login(staff)
    return client


def run_action(client: Client, invoices: list[Invoice]) -> Any:
    return client.post(
        URL,
        {"action": "export_peppol", "_selected_action": [invoice.pk for invoice in invoices]},
        follow=False,
    )


def test_it_zips_the_selected_public_body_documents(staff_client: Client, school: Contract) -> None:
    invoice = december(school)
    with time_machine.travel(at("2027-01-12"), tick=False):
        note = issue_credit_note(invoice=invoice, reason="Neteisingas rodmuo")
    household = make_contract("H-1")
    bill("2026-12", on="2027-01-14")
    selected = [invoice, note, Invoice.objects.get(contract=household)]

    response = run_action(staff_client, selected)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "sabis-" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == [f"{invoice.number}.xml", f"{note.number}.xml"]
    for name in archive.namelist():
        assert not [problem for problem in check(archive.read(name)) if problem.fatal]


def test_a_document_that_breaks_a_rule_is_named_with_the_rule_and_nothing_is_offered(
    staff_client: Client, school: Contract
) -> None:
    invoice = issued_without_references()

    response = run_action(staff_client, [invoice])

    assert response.status_code == 302  # back to the list, no file
    page = staff_client.get(URL).content.decode()
    assert f"{invoice.number} nepriimta, todėl nieko neeksportuota: [PEPPOL-EN16931-R003]" in page


def test_without_public_body_documents_it_says_so(staff_client: Client, school: Contract) -> None:
    household = make_contract("H-1")
    bill("2026-12", on="2027-01-14")
    response = run_action(staff_client, [Invoice.objects.get(contract=household)])
    assert response.status_code == 302
    page = staff_client.get(URL).content.decode()
    assert "Nė vienas pažymėtas dokumentas neišrašytas biudžetinei įstaigai (SABIS)." in page


def customer_form(**changes: str) -> dict[str, str]:
    return {
        "name": "Velžio seniūnija",
        "payer_code": "P-SEN",
        "address": "Liepų g. 2, Velžys",
        "company_code": "188000001",
        "sabis": "on",
        "buyer_reference": "",
        "order_reference": "",
        "contracts-TOTAL_FORMS": "0",
        "contracts-INITIAL_FORMS": "0",
    } | changes


def test_a_public_body_needs_its_company_code_and_a_reference(staff_client: Client) -> None:
    url = "/admin/customers/customer/add/"
    assert "Biudžetinė įstaiga (SABIS)" in staff_client.get(url).content.decode()
    page = staff_client.post(url, customer_form(company_code="")).content.decode()
    assert "Biudžetinei įstaigai (SABIS) būtinas įmonės kodas." in page
    assert "Biudžetinei įstaigai (SABIS) būtina pirkėjo nuoroda arba užsakymo numeris" in page
    assert 'value="Velžio seniūnija"' in page  # nothing typed is lost
    assert not Customer.objects.exists()

    response = staff_client.post(url, customer_form(order_reference="SUT-2026/14"))
    assert response.status_code == 302
    customer = Customer.objects.get()
    assert (customer.sabis, customer.order_reference) == (True, "SUT-2026/14")
