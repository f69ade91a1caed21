"""Business customers: a VAT-registered customer's invoices are VAT invoices [PVM sąskaita
faktūra] with the seller's and the buyer's codes, in their own series if the utility has one;
their credit notes are credit VAT invoices."""

import datetime as dt
import io

import pytest
import time_machine
from django.db import IntegrityError, transaction
from pypdf import PdfReader

from mokesta.billing.credit_notes import issue_credit_note
from mokesta.billing.models import Invoice
from mokesta.billing.pdf import render_invoice_pdf
from mokesta.billing.run import bill_period
from mokesta.billing.tests.conftest import add_meter, at, bill, invoice_of, make_contract
from mokesta.customers.models import Contract, Customer
from mokesta.utility.models import Utility


@pytest.fixture
def utility(db: None) -> Utility:
    return Utility.objects.create(
        name="VšĮ Velžio komunalinis ūkis",
        short_name="Velžio komunalinis ūkis",
        address="Liepų g. 1, Velžys",
        company_code="168547123",
        vat_code="LT685471219",
        iban="LT407300010012345678",
        invoice_series="VKU",
        vat_invoice_series="VKUPVM",
    )


def make_company(number: str) -> Contract:
    contract = make_contract(number)
    Customer.objects.filter(pk=contract.customer_id).update(
        name="UAB „Velžio kepykla“",
        company_code="302222222",
        vat_code="LT100001234567",
        invoice_address="Gedimino pr. 1, Vilnius",
    )
    add_meter(contract, readings={"2026-10": 120, "2026-11": 135})
    return contract


@pytest.fixture
def company(utility: Utility, tariffs: None) -> Contract:
    return make_company("C-1")


@pytest.fixture
def household(utility: Utility, tariffs: None) -> Contract:
    contract = make_contract("H-1")
    add_meter(contract, readings={"2026-10": 110, "2026-11": 116})
    return contract


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_vat_registered_customer_gets_a_vat_invoice_in_its_own_series(
    company: Contract, household: Contract
) -> None:
    bill("2026-11", on="2026-12-03")

    vat_invoice = invoice_of(company, "2026-11")
    assert vat_invoice.document_type == Invoice.DocumentType.VAT_INVOICE
    assert (vat_invoice.series, vat_invoice.number) == ("VKUPVM", "VKUPVM000001")
    assert vat_invoice.buyer_company_code == "302222222"
    assert vat_invoice.buyer_vat_code == "LT100001234567"
    assert vat_invoice.customer_name == "UAB „Velžio kepykla“"
    assert vat_invoice.customer_address == "Gedimino pr. 1, Vilnius"  # the address for invoices

    notice = invoice_of(household, "2026-11")
    assert notice.document_type == Invoice.DocumentType.PAYMENT_NOTICE
    assert (notice.number, notice.buyer_vat_code) == ("VKU000001", "")

    text = text_of(render_invoice_pdf(vat_invoice))
    assert "PVM sąskaita faktūra VKUPVM000001" in text
    assert "Mokėjimo pranešimas" not in text
    for expected in [
        # the seller
        "VšĮ Velžio komunalinis ūkis",
        "Liepų g. 1, Velžys",
        "Įmonės kodas 168547123",
        "PVM mokėtojo kodas LT685471219",
        # the buyer
        "UAB „Velžio kepykla“",
        "Gedimino pr. 1, Vilnius",
        "Įmonės kodas: 302222222",
        "PVM mokėtojo kodas: LT100001234567",
    ]:
        assert expected in text, expected
    assert "Sąskaita VKU000001" in text_of(render_invoice_pdf(notice))


def test_the_credit_note_of_a_vat_invoice_is_a_credit_vat_invoice(company: Contract) -> None:
    bill("2026-11", on="2026-12-03")
    invoice = invoice_of(company, "2026-11")
    # The customer's codes change after issue: the issued documents keep the ones they had.
    Customer.objects.filter(pk=company.customer_id).update(vat_code="LT999999999")
    with time_machine.travel(at("2026-12-10"), tick=False):
        note = issue_credit_note(invoice=invoice, reason="Neteisingas rodmuo")

    assert note.document_type == Invoice.DocumentType.VAT_INVOICE
    assert note.number == "VKUPVM000002"  # credit notes share their invoices' sequence
    assert (note.buyer_company_code, note.buyer_vat_code) == ("302222222", "LT100001234567")
    text = text_of(render_invoice_pdf(note))
    assert "Kreditinė PVM sąskaita faktūra VKUPVM000002" in text
    for expected in [
        "VKUPVM000001",  # the corrected invoice
        "Įmonės kodas 168547123",
        "PVM mokėtojo kodas LT685471219",
        "Įmonės kodas: 302222222",
        "PVM mokėtojo kodas: LT100001234567",
    ]:
        assert expected in text, expected

    # Billed again: the customer's current codes.
    bill("2026-11", on="2026-12-11")
    again = Invoice.objects.get(contract=company, kind=Invoice.Kind.INVOICE, credited=False)
    assert (again.number, again.buyer_vat_code) == ("VKUPVM000003", "LT999999999")


def test_without_a_vat_series_vat_invoices_share_the_invoice_series(
    utility: Utility, company: Contract, household: Contract
) -> None:
    utility.vat_invoice_series = ""
    utility.save()
    bill("2026-11", on="2026-12-03")
    numbers = {invoice_of(c, "2026-11").number for c in (company, household)}
    assert numbers == {"VKU000001", "VKU000002"}
    assert invoice_of(company, "2026-11").document_type == Invoice.DocumentType.VAT_INVOICE


def test_several_chunks_keep_both_series_gapless(
    utility: Utility, household: Contract, tariffs: None
) -> None:
    make_company("C-1")
    make_company("C-2")
    with time_machine.travel(at("2026-12-03"), tick=False):
        bill_period(month=dt.date(2026, 11, 1), chunk_size=1)
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [
        "VKU000001",
        "VKUPVM000001",
        "VKUPVM000002",
    ]


def test_a_vat_invoice_that_names_no_buyer_is_refused(company: Contract) -> None:
    bill("2026-11", on="2026-12-03")
    invoice = invoice_of(company, "2026-11")
    copy = {
        f.attname: getattr(invoice, f.attname)
        for f in Invoice._meta.concrete_fields
        if f.attname not in ("id", "created_at")
    } | {"sequence": 99, "number": "VKUPVM000099", "credited": True}
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(**copy | {"buyer_vat_code": "", "buyer_company_code": ""})
    # A payment notice never carries a buyer VAT code.
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(**copy | {"document_type": Invoice.DocumentType.PAYMENT_NOTICE})
    # A company code alone is enough for a VAT invoice.
    Invoice.objects.create(**copy | {"buyer_vat_code": ""})


def make_company_without_vat_code(number: str) -> Contract:
    contract = make_contract(number)
    Customer.objects.filter(pk=contract.customer_id).update(
        name="Velžio lopšelis-darželis", company_code="190000001"
    )
    add_meter(contract, readings={"2026-10": 200, "2026-11": 230})
    return contract


def test_a_company_without_a_vat_code_gets_a_vat_invoice_in_the_vat_series(
    utility: Utility, household: Contract
) -> None:
    school = make_company_without_vat_code("B-1")
    bill("2026-11", on="2026-12-03")

    invoice = invoice_of(school, "2026-11")
    assert invoice.document_type == Invoice.DocumentType.VAT_INVOICE
    assert invoice.number == "VKUPVM000001"
    assert (invoice.buyer_company_code, invoice.buyer_vat_code) == ("190000001", "")
    text = text_of(render_invoice_pdf(invoice))
    assert "PVM sąskaita faktūra VKUPVM000001" in text
    assert "Įmonės kodas: 190000001" in text
    assert "PVM mokėtojo kodas:" not in text  # the buyer has none; the seller's has no colon

    # A household still gets the payment notice „Sąskaita" in the invoice series.
    notice = invoice_of(household, "2026-11")
    assert (notice.document_type, notice.number) == (
        Invoice.DocumentType.PAYMENT_NOTICE,
        "VKU000001",
    )
    assert "Sąskaita VKU000001" in text_of(render_invoice_pdf(notice))

    # Its credit note is a credit VAT invoice in the same series.
    with time_machine.travel(at("2026-12-10"), tick=False):
        note = issue_credit_note(invoice=invoice, reason="Neteisingas rodmuo")
    assert (note.document_type, note.number) == (Invoice.DocumentType.VAT_INVOICE, "VKUPVM000002")


def test_a_utility_that_is_not_a_vat_payer_issues_no_vat_invoices(
    utility: Utility, company: Contract
) -> None:
    utility.vat_code = ""
    utility.save()
    school = make_company_without_vat_code("B-1")
    bill("2026-11", on="2026-12-03")
    for contract in (company, school):
        invoice = invoice_of(contract, "2026-11")
        assert invoice.document_type == Invoice.DocumentType.PAYMENT_NOTICE
        assert invoice.series == "VKU"
        assert invoice.buyer_vat_code == ""
