"""An issued document keeps everything it printed: after the utility's details, the customer's
details, the contract number, the meter and its reading all change (573 → 537 after a credit
note, and the month billed again), the invoice's PDF is the same bytes, its page the same text
and its e-mail the same words; the new invoice shows the new ones."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from lxml import html
from pypdf import PdfReader

from mokesta.accounts.models import User
from mokesta.billing.credit_notes import issue_credit_note
from mokesta.billing.models import BilledReading, Invoice, IssuedDocumentError, Seller
from mokesta.billing.pdf import render_invoice_pdf
from mokesta.billing.peppol import einvoice_data
from mokesta.billing.tests.conftest import add_meter, at, bill, invoice_of, make_contract
from mokesta.customers.models import Contract, ContractAccess, Customer
from mokesta.metering.models import Meter, Reading
from mokesta.outbox.models import OutgoingMessage
from mokesta.outbox.sending import build_email
from mokesta.utility.models import Utility

NOVEMBER = dt.date(2026, 11, 1)


@pytest.fixture
def utility(db: None) -> Utility:
    return Utility.objects.create(
        name="VšĮ Velžio komunalinis ūkis",
        short_name="Velžio komunalinis ūkis",
        address="Liepų g. 1, Velžys",
        company_code="168547123",
        vat_code="LT685471219",
        iban="LT40 7300 0100 1234 5678",
        bank_name="Swedbank",
        payee_code="12345",
        phone="+370 45 000000",
        email="info@velzys.lt",
        invoice_series="VKU",
    )


@pytest.fixture
def meter(utility: Utility, tariffs: None, alice: User) -> Meter:
    contract = make_contract("S-1")
    Customer.objects.filter(pk=contract.customer_id).update(name="Ona Kazlauskienė")
    ContractAccess.objects.create(user=alice, contract=contract)
    User.objects.filter(pk=alice.pk).update(invoices_by_email=True)
    return add_meter(contract, initial=400, readings={"2026-10": 500, "2026-11": 573})


def page_text(client: Client, invoice: Invoice) -> str:
    """The invoice page's main part as text (the page around it — the menu, the CSRF token of
    the log-out form — is not the document)."""
    response = client.get(reverse("billing:detail", args=[invoice.pk]))
    assert response.status_code == 200
    main = html.fromstring(response.content).get_element_by_id("main")
    return " ".join(main.text_content().split())


def email_text(invoice: Invoice) -> tuple[str, str, str]:
    message = OutgoingMessage.objects.get(invoice=invoice, channel=OutgoingMessage.Channel.EMAIL)
    email = build_email(message)
    return str(email.subject), str(email.body), str(email.alternatives[0][0])  # type: ignore[index]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def everything_changes(utility: Utility, meter: Meter, staff_client: Client) -> None:
    Utility.objects.filter(pk=utility.pk).update(
        name="UAB Naujas vandentiekis",
        short_name="Naujas vandentiekis",
        address="Klevų g. 9, Panevėžys",
        company_code="300000001",
        vat_code="LT300000017",
        iban="LT12 1000 0111 0100 1000",
        bank_name="SEB",
        payee_code="99999",
        phone="+370 45 999999",
        email="info@naujas.lt",
    )
    contract = meter.service_point.contract
    Customer.objects.filter(pk=contract.customer_id).update(
        name="Ona Petrauskienė", address="Beržų g. 7, Velžys", payer_code="P-NEW"
    )
    Contract.objects.filter(pk=contract.pk).update(number="S-1-NEW")
    Meter.objects.filter(pk=meter.pk).update(serial_number="SK-NEW")
    # The reading was mistyped: staff correct 573 to 537 in the credited month.
    reading = Reading.objects.get(meter=meter, period=NOVEMBER)
    response = staff_client.post(
        f"/admin/metering/reading/{reading.pk}/change/",
        {"meter": meter.pk, "period": "2026-11-01", "value": 537, "source": "staff"},
    )
    assert response.status_code == 302
    assert Reading.objects.get(pk=reading.pk).value == 537


@pytest.fixture
def staff_client(staff: User) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def test_an_issued_invoice_prints_the_same_after_everything_changed(
    utility: Utility, meter: Meter, alice: User, staff_client: Client
) -> None:
    bill("2026-11", on="2026-12-03")
    invoice = invoice_of(meter.service_point.contract, "2026-11")
    with time_machine.travel(at("2026-12-05"), tick=False):
        note = issue_credit_note(invoice=invoice, reason="Klaidingi rodmenys: 537, ne 573")
    client = Client()
    client.force_login(alice)
    before = {
        "pdf": render_invoice_pdf(Invoice.objects.get(pk=invoice.pk)),
        "note pdf": render_invoice_pdf(Invoice.objects.get(pk=note.pk)),
        "page": page_text(client, invoice),
        "note page": page_text(client, note),
        "email": email_text(invoice),
        "note email": email_text(note),
    }
    # Rendered again with nothing changed: the same bytes (no time or random id in the file).
    assert render_invoice_pdf(Invoice.objects.get(pk=invoice.pk)) == before["pdf"]
    text = pdf_text(before["pdf"])
    assert "ankstesni 500, dabartiniai 573, suvartota 73 m³" in text
    assert "Liepų g. 1, Velžys" in text and "LT40 7300 0100 1234 5678" in text
    assert "VšĮ Velžio komunalinis ūkis" in email_text(invoice)[1]
    page = str(before["page"])
    assert "500 573 73" in page and "Liepų g. 1, Velžys" in page and "S-1" in page
    assert "LT40 7300 0100 1234 5678" in page  # the seller and the payment details

    everything_changes(utility, meter, staff_client)
    with time_machine.travel(at("2026-12-06"), tick=False):
        assert bill("2026-11", on="2026-12-06") == 1

    after = {
        "pdf": render_invoice_pdf(Invoice.objects.get(pk=invoice.pk)),
        "note pdf": render_invoice_pdf(Invoice.objects.get(pk=note.pk)),
        "page": page_text(client, invoice),
        "note page": page_text(client, note),
        "email": email_text(invoice),
        "note email": email_text(note),
    }
    assert after == before
    # Not because nothing changed: the invoice issued now prints the new details and reading.
    again = Invoice.objects.get(period__month=NOVEMBER, kind="invoice", credited=False)
    new = pdf_text(render_invoice_pdf(again))
    assert "ankstesni 500, dabartiniai 537, suvartota 37 m³" in new
    assert "SK-NEW" in new and "Klevų g. 9, Panevėžys" in new and "S-1-NEW" in new
    assert "LT12 1000 0111 0100 1000" in new
    assert "Naujas vandentiekis" in email_text(again)[0]
    new_page = page_text(client, again)
    assert "500 537 37" in new_page and "SK-NEW" in new_page and "Klevų g. 9" in new_page


def test_the_run_keeps_the_readings_it_billed_with_their_estimate_marks(
    utility: Utility, tariffs: None
) -> None:
    contract = make_contract("S-2")
    declared = add_meter(contract, initial=100, readings={"2026-10": 110, "2026-11": 116})
    silent = add_meter(contract, initial=0, readings={"2026-09": 10, "2026-10": 16})
    bill("2026-11", on="2026-12-03")
    invoice = invoice_of(contract, "2026-11")
    rows = [
        (r.meter_serial, r.previous, r.previous_estimated, r.current, r.current_estimated, r.used)
        for r in BilledReading.objects.filter(invoice=invoice)
    ]
    assert rows == [
        (declared.serial_number, 110, False, 116, False, 6),
        (silent.serial_number, 16, False, 22, True, 6),  # estimated: the average 6 m³
    ]


def test_a_credit_note_names_the_seller_of_its_day_and_the_buyer_of_its_invoice(
    utility: Utility, meter: Meter
) -> None:
    bill("2026-11", on="2026-12-03")
    invoice = invoice_of(meter.service_point.contract, "2026-11")
    Utility.objects.filter(pk=utility.pk).update(address="Klevų g. 9, Panevėžys")
    Customer.objects.filter(pk=meter.service_point.contract.customer_id).update(name="Kitas")
    with time_machine.travel(at("2026-12-05"), tick=False):
        note = issue_credit_note(invoice=invoice, reason="Klaida")
    assert (invoice.seller.address, note.seller.address) == (
        "Liepų g. 1, Velžys",
        "Klevų g. 9, Panevėžys",
    )
    assert (note.customer_name, note.contract_number) == ("Ona Kazlauskienė", "S-1")
    assert note.water_m3 == -invoice.water_m3 == Decimal(-73)
    assert not note.readings.exists()


def test_the_peppol_data_reads_only_what_the_document_kept(utility: Utility, tariffs: None) -> None:
    contract = make_contract("B-1")
    Customer.objects.filter(pk=contract.customer_id).update(
        company_code="190000001", sabis=True, buyer_reference="VLD-2026"
    )
    bill("2026-11", on="2026-12-03")
    invoice = invoice_of(contract, "2026-11")
    Utility.objects.filter(pk=utility.pk).update(name="UAB Naujas", iban="LT121000011101001000")
    Customer.objects.filter(pk=contract.customer_id).update(buyer_reference="", order_reference="X")
    Contract.objects.filter(pk=contract.pk).update(number="B-NEW")
    data = einvoice_data(Invoice.objects.get(pk=invoice.pk))
    assert (data.seller.name, data.iban) == ("VšĮ Velžio komunalinis ūkis", "LT407300010012345678")
    assert (data.buyer_reference, data.order_reference, data.contract_number) == (
        "VLD-2026",
        "",
        "B-1",
    )


def test_the_run_shares_one_seller_row_and_it_never_changes(
    utility: Utility, tariffs: None
) -> None:
    for number in ("S-3", "S-4"):
        make_contract(number)
    bill("2026-11", on="2026-12-03")
    assert Seller.objects.count() == 1
    assert {invoice.seller_id for invoice in Invoice.objects.all()} == {Seller.objects.get().pk}
    seller = Seller.objects.get()
    seller.name = "Kitas"
    with pytest.raises(IssuedDocumentError):
        seller.save()
    with pytest.raises(IssuedDocumentError):
        Seller.objects.update(name="Kitas")
    with pytest.raises(IssuedDocumentError):
        BilledReading.objects.update(current=1)
