"""Peppol BIS Billing 3.0 e-invoices of public bodies (SABIS): checked against the UBL 2.1 XSD
and the official EN 16931 and Peppol BIS 3.0 rules, which the real rule files run here."""

import base64
import datetime as dt

import pytest
import time_machine
from lxml import etree

from mokesta.billing.credit_notes import issue_credit_note
from mokesta.billing.models import Invoice
from mokesta.billing.pdf import invoice_pdf_bytes
from mokesta.billing.peppol import NS, PeppolError, check, peppol_file, public_body_documents
from mokesta.billing.tests.conftest import (
    add_meter,
    at,
    bill,
    december,
    issued_without_references,
    make_contract,
    make_public_body,
)
from mokesta.customers.models import Contract
from mokesta.utility.models import Utility


def xpath(xml: bytes, path: str) -> list[str]:
    return [str(value) for value in etree.fromstring(xml).xpath(path, namespaces=NS)]


def test_an_invoice_with_interest_passes_the_xsd_and_both_rule_sets(school: Contract) -> None:
    invoice = december(school)
    assert invoice.interest > 0 and invoice.is_vat_invoice
    xml, warnings = peppol_file(invoice)
    assert not [problem for problem in warnings if problem.fatal]

    root = "/Invoice:Invoice"
    assert xpath(xml, f"{root}/cbc:ID/text()") == [invoice.number]
    assert xpath(xml, f"{root}/cbc:BuyerReference/text()") == ["VLD-2026"]
    assert xpath(xml, f"{root}/cac:ContractDocumentReference/cbc:ID/text()") == ["B-1"]
    # Both parties by their company codes under the Lithuanian scheme 0200.
    assert xpath(xml, "//cac:AccountingSupplierParty//cbc:EndpointID/text()") == ["168547123"]
    assert xpath(xml, "//cac:AccountingCustomerParty//cbc:EndpointID/@schemeID") == ["0200"]
    assert xpath(xml, "//cac:AccountingCustomerParty//cbc:EndpointID/text()") == ["190000001"]
    # Paid by transfer to the utility's IBAN with the payment code.
    assert xpath(xml, "//cac:PaymentMeans/cbc:PaymentID/text()") == [invoice.payment_code]
    assert xpath(xml, "//cac:PayeeFinancialAccount/cbc:ID/text()") == ["LT407300010012345678"]
    # The interest line is outside VAT (E, with the reason), the supplies at 21 %.
    assert sorted(xpath(xml, "//cac:TaxSubtotal/cac:TaxCategory/cbc:ID/text()")) == ["E", "S"]
    assert xpath(xml, "//cac:TaxSubtotal[cac:TaxCategory/cbc:ID='E']/cbc:TaxableAmount/text()") == [
        f"{invoice.interest:.2f}"
    ]
    assert "Delspinigiai" in xpath(xml, "//cbc:TaxExemptionReason/text()")[0]
    assert xpath(xml, "//cac:LegalMonetaryTotal/cbc:PayableAmount/text()") == [
        f"{invoice.total:.2f}"
    ]
    assert len(xpath(xml, "//cac:InvoiceLine")) == invoice.lines.count()
    # The PDF the customer gets, embedded.
    (pdf,) = xpath(xml, "//cbc:EmbeddedDocumentBinaryObject/text()")
    assert base64.b64decode(pdf) == invoice_pdf_bytes(invoice)
    assert xpath(xml, "//cbc:EmbeddedDocumentBinaryObject/@mimeCode") == ["application/pdf"]


def test_a_credit_note_passes_as_a_ubl_credit_note_with_positive_amounts(
    school: Contract,
) -> None:
    invoice = december(school)
    with time_machine.travel(at("2027-01-12"), tick=False):
        note = issue_credit_note(invoice=invoice, reason="Neteisingas rodmuo")
    xml, _warnings = peppol_file(note)

    root = "/CreditNote:CreditNote"
    assert xpath(xml, f"{root}/cbc:CreditNoteTypeCode/text()") == ["381"]
    assert xpath(xml, "//cac:BillingReference//cbc:ID/text()") == [invoice.number]
    assert xpath(xml, "//cac:LegalMonetaryTotal/cbc:PayableAmount/text()") == [
        f"{invoice.total:.2f}"
    ]
    assert len(xpath(xml, "//cac:CreditNoteLine")) == invoice.lines.count()
    # Positive quantities and amounts, and no negated zero („-0.00") on the interest's VAT.
    assert not [q for q in xpath(xml, "//cbc:CreditedQuantity/text()") if q.startswith("-")]
    assert not [a for a in xpath(xml, "//*[@currencyID]/text()") if a.startswith("-")]
    assert xpath(xml, "//cac:TaxSubtotal[cac:TaxCategory/cbc:ID='E']/cbc:TaxAmount/text()") == [
        "0.00"
    ]


def test_an_order_number_alone_will_do(sabis_utility: Utility, tariffs: None) -> None:
    contract = make_public_body("B-2", order_reference="U-17")
    add_meter(contract, readings={"2026-10": 100, "2026-11": 104})
    bill("2026-11", on="2026-12-03")
    xml, _warnings = peppol_file(Invoice.objects.get(contract=contract))
    assert xpath(xml, "//cac:OrderReference/cbc:ID/text()") == ["U-17"]
    assert xpath(xml, "//cbc:BuyerReference") == []


def broken(xml: bytes, path: str, change: str) -> bytes:
    tree = etree.fromstring(xml)
    (element,) = tree.xpath(path, namespaces=NS)
    if change == "remove":
        element.getparent().remove(element)
    else:
        element.text = change
    return etree.tostring(tree)


def fatal_rules(xml: bytes) -> set[str]:
    return {problem.rule for problem in check(xml) if problem.fatal}


def test_a_broken_file_fails_with_the_rule_it_breaks(school: Contract) -> None:
    xml, _warnings = peppol_file(december(school))
    assert fatal_rules(xml) == set()

    no_reference = broken(xml, "/Invoice:Invoice/cbc:BuyerReference", "remove")
    assert "PEPPOL-EN16931-R003" in fatal_rules(no_reference)

    wrong_total = broken(xml, "//cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", "999.99")
    assert "BR-CO-15" in fatal_rules(wrong_total)

    # Why interest is E and not O („not subject to VAT"): O may not stand beside VAT lines.
    outside_vat = broken(xml, "//cac:TaxSubtotal/cac:TaxCategory[cbc:ID='E']/cbc:ID", "O")
    assert "BR-O-11" in fatal_rules(outside_vat)

    not_ubl = broken(xml, "/Invoice:Invoice/cbc:IssueDate", "2027-13-45")
    assert [problem.rule for problem in check(not_ubl)] == ["XSD"]


def test_a_file_that_fails_a_rule_is_refused_with_the_invoice_and_the_rule(
    school: Contract,
) -> None:
    invoice = issued_without_references()
    with pytest.raises(PeppolError) as refused:
        peppol_file(invoice)
    assert refused.value.number == invoice.number
    assert "PEPPOL-EN16931-R003" in {problem.rule for problem in refused.value.problems}
    assert "[PEPPOL-EN16931-R003]" in str(refused.value)


def test_the_month_holds_the_public_bodies_documents_issued_in_it(
    school: Contract, tariffs: None
) -> None:
    household = make_contract("H-1")  # no meter: billed the monthly fee
    bill("2026-12", on="2027-01-04")
    assert Invoice.objects.filter(contract=household).count() == 1
    january = public_body_documents(dt.date(2027, 1, 1))
    assert [invoice.number for invoice in january] == [december(school).number]
    assert [i.period.month.month for i in public_body_documents(dt.date(2026, 12, 1))] == [11]
