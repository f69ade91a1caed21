"""i.SAF export: the register of a month's issued invoices and credit notes, checked against the
official XSD and element by element."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from lxml import etree

from mokesta.accounts.models import User
from mokesta.billing.credit_notes import issue_credit_note
from mokesta.billing.isaf import (
    XSD,
    DocumentTotal,
    IsafError,
    Line,
    document_totals,
    validate_isaf,
    write_isaf,
)
from mokesta.billing.models import BillingPeriod, Invoice, InvoiceLine
from mokesta.billing.tests.conftest import add_meter, at, invoice_with_interest, make_contract
from mokesta.conftest import make_user
from mokesta.customers.models import Customer
from mokesta.testing.staff import accountant, admin_client  # noqa: F401
from mokesta.utility.models import Utility

NS = {"i": "http://www.vmi.lt/cms/imas/isaf"}
NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
JANUARY = dt.date(2027, 1, 1)


@pytest.fixture
def utility(db: None) -> Utility:
    return Utility.objects.create(
        name="VšĮ Velžio komunalinis ūkis",
        short_name="Velžio komunalinis ūkis",
        company_code="168547123",
        vat_code="LT685471219",
        vat_invoice_series="VKUPVM",
    )


@pytest.fixture
def month(utility: Utility, tariffs: None) -> dict[str, Invoice]:
    """January 2027: a household's December invoice with late-payment interest, a VAT-registered
    company's December VAT invoice, the credit note of its November invoice, and an invoice with
    a VAT-exempt supply; plus documents of December that must not be listed."""
    company = make_contract("C-1")
    Customer.objects.filter(pk=company.customer_id).update(
        name="UAB „Velžio kepykla“", company_code="302222222", vat_code="LT100001234567"
    )
    add_meter(company, readings={"2026-09": 100, "2026-10": 110, "2026-11": 120, "2026-12": 135})
    household = invoice_with_interest()  # bills Oct, Nov (both contracts), Dec on 2027-01-04
    november = Invoice.objects.get(contract=company, period__month="2026-11-01")
    with time_machine.travel(at("2027-01-15"), tick=False):
        credit_note = issue_credit_note(invoice=november, reason="Neteisingas rodmuo")
    return {
        "household": household,
        "company": Invoice.objects.get(contract=company, period__month="2026-12-01"),
        "november": november,
        "credit_note": credit_note,
        "exempt": exempt_invoice(),
    }


def exempt_invoice(name: str = "Ona Kazlauskienė") -> Invoice:
    """An invoice with a 21 % line and a supply without VAT (0 %), issued on 2027-01-20."""
    contract = make_contract("H-EX")
    invoice = Invoice.objects.create(
        series="VKU",
        sequence=900,
        number="VKU000900",
        contract=contract,
        period=BillingPeriod.objects.get_or_create(month=dt.date(2026, 12, 1))[0],
        issue_date=dt.date(2027, 1, 20),
        due_date=dt.date(2027, 2, 28),
        customer_name=name,
        customer_address="Liepų g. 3, Velžys",
        payer_code="PH-EX",
        net=Decimal("10.78"),
        vat=Decimal("2.10"),
        total=Decimal("12.88"),
        amount_due=Decimal("12.88"),
        payment_code="2612000900",
    )
    for service, net, rate, vat in [("water", "10.00", "21", "2.10"), ("fee", "0.78", "0", "0")]:
        InvoiceLine.objects.create(
            invoice=invoice,
            service=service,
            description=service,
            quantity=1,
            unit="",
            unit_price=Decimal(net),
            net=Decimal(net),
            vat_rate=Decimal(rate),
            vat=Decimal(vat),
            total=Decimal(net) + Decimal(vat),
        )
    return invoice


def export(month: dt.date = JANUARY) -> bytes:
    out = io.BytesIO()
    with time_machine.travel(at("2027-02-05"), tick=False):
        write_isaf(out, month=month)
    return out.getvalue()


def assert_valid(xml: bytes) -> etree._Element:
    """Checked with lxml against the XSD directly, not through the module's own check."""
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    document = etree.fromstring(xml)
    assert schema.validate(document), schema.error_log
    return document


def invoice_element(document: etree._Element, number: str) -> etree._Element:
    (found,) = document.xpath(
        "//i:SalesInvoices/i:Invoice[i:InvoiceNo=$number]", namespaces=NS, number=number
    )
    return found


def children(element: etree._Element) -> list[tuple[str, str | None, bool]]:
    """(tag without namespace, text, nil) of each child, in order."""
    return [
        (etree.QName(child).localname, child.text, child.get(NIL) == "true") for child in element
    ]


def totals_of(invoice: etree._Element) -> list[list[tuple[str, str | None, bool]]]:
    return [children(total) for total in invoice.findall("i:DocumentTotals/i:DocumentTotal", NS)]


def test_the_month_validates_against_the_xsd_and_lists_what_was_issued_in_it(month) -> None:
    document = assert_valid(export())

    header = document.find("i:Header/i:FileDescription", NS)
    assert children(header)[:9] == [
        ("FileVersion", "iSAF1.2", False),
        ("FileDateCreated", "2027-02-05T09:00:00+02:00", False),
        ("DataType", "S", False),
        ("SoftwareCompanyName", None, False),
        ("SoftwareName", "MOKESTA savitarna", False),
        ("SoftwareVersion", header.findtext("i:SoftwareVersion", namespaces=NS), False),
        ("RegistrationNumber", "168547123", False),
        ("NumberOfParts", "1", False),
        ("PartNumber", "1", False),
    ]
    assert children(header.find("i:SelectionCriteria", NS)) == [
        ("SelectionStartDate", "2027-01-01", False),
        ("SelectionEndDate", "2027-01-31", False),
    ]
    # Issued in January, in number order; November's invoice (issued in December) is not listed.
    numbers = document.xpath("//i:Invoice/i:InvoiceNo/text()", namespaces=NS)
    assert numbers == sorted(m.number for k, m in month.items() if k != "november"), numbers
    assert month["november"].number not in numbers


def test_a_vat_invoice_element_by_element(month) -> None:
    invoice = month["company"]
    assert invoice.number.startswith("VKUPVM")
    element = invoice_element(assert_valid(export()), invoice.number)
    assert children(element) == [
        ("InvoiceNo", invoice.number, False),
        ("CustomerInfo", None, False),
        ("InvoiceDate", "2027-01-04", False),
        ("InvoiceType", "SF", False),
        ("SpecialTaxation", None, False),
        ("References", None, False),
        ("VATPointDate", None, True),
        ("DocumentTotals", None, False),
    ]
    assert children(element.find("i:CustomerInfo", NS)) == [
        ("VATRegistrationNumber", "LT100001234567", False),
        ("RegistrationNumber", "302222222", False),
        ("Country", "LT", False),
        ("Name", "UAB „Velžio kepykla“", False),
    ]
    assert len(element.find("i:References", NS)) == 0
    assert totals_of(element) == [
        [
            ("TaxableValue", f"{invoice.net:.2f}", False),
            ("TaxCode", "PVM1", False),
            ("TaxPercentage", "21", False),
            ("Amount", f"{invoice.vat:.2f}", False),
            ("VATPointDate2", None, True),
        ]
    ]


def test_a_person_is_nd_and_late_payment_interest_is_left_out(month) -> None:
    invoice = month["household"]
    assert invoice.interest == Decimal("0.50")
    element = invoice_element(assert_valid(export()), invoice.number)
    assert children(element.find("i:CustomerInfo", NS)) == [
        ("VATRegistrationNumber", "ND", False),
        ("RegistrationNumber", "ND", False),  # a person's code is never exported
        ("Country", "LT", False),
        ("Name", invoice.customer_name, False),
    ]
    # Only the supplies: the interest is part of the total but not of any VAT total.
    ((value, code, rate, amount, _point),) = totals_of(element)
    assert (code[1], rate[1]) == ("PVM1", "21")
    taxable, vat = Decimal(str(value[1])), Decimal(str(amount[1]))
    assert taxable + vat == invoice.total - invoice.interest
    assert (taxable, vat) == (invoice.net, invoice.vat)


def test_a_credit_note_is_ks_with_a_reference_to_the_corrected_invoice(month) -> None:
    note, november = month["credit_note"], month["november"]
    element = invoice_element(assert_valid(export()), note.number)
    assert element.findtext("i:InvoiceType", namespaces=NS) == "KS"
    assert element.findtext("i:InvoiceDate", namespaces=NS) == "2027-01-15"
    references = element.findall("i:References/i:Reference", NS)
    assert [children(r) for r in references] == [
        [("ReferenceNo", november.number, False), ("ReferenceDate", "2026-12-03", False)]
    ]
    assert totals_of(element) == [
        [
            ("TaxableValue", f"{-november.net:.2f}", False),
            ("TaxCode", "PVM1", False),
            ("TaxPercentage", "21", False),
            ("Amount", f"{-november.vat:.2f}", False),
            ("VATPointDate2", None, True),
        ]
    ]
    assert november.net > 0


def test_a_vat_exempt_supply_is_pvm5_without_rate_or_vat(month) -> None:
    element = invoice_element(assert_valid(export()), month["exempt"].number)
    assert totals_of(element) == [
        [
            ("TaxableValue", "10.00", False),
            ("TaxCode", "PVM1", False),
            ("TaxPercentage", "21", False),
            ("Amount", "2.10", False),
            ("VATPointDate2", None, True),
        ],
        [
            ("TaxableValue", "0.78", False),
            ("TaxCode", "PVM5", False),
            ("TaxPercentage", None, True),
            ("Amount", None, True),
            ("VATPointDate2", None, True),
        ],
    ]


def test_a_month_without_documents_is_a_valid_empty_register(utility: Utility) -> None:
    document = assert_valid(export(dt.date(2026, 3, 1)))
    assert document.find("i:SourceDocuments", NS) is None


def test_a_rate_without_a_tax_code_stops_the_export() -> None:
    line = Line(service="water", net=Decimal("1"), vat_rate=Decimal("12"), vat=Decimal("0.12"))
    with pytest.raises(IsafError, match="12"):
        document_totals([line])
    interest = Line(service="", net=Decimal("0.5"), vat_rate=Decimal("0"), vat=Decimal(0))
    assert document_totals([interest]) == []
    fee = Line(service="fee", net=Decimal("2"), vat_rate=Decimal("21.00"), vat=Decimal("1"))
    assert document_totals([fee, fee]) == [
        DocumentTotal(Decimal("4"), "PVM1", Decimal("21"), Decimal("2"))
    ]


def test_the_export_needs_the_utilitys_company_code_and_a_month_of_i_saf(db: None) -> None:
    Utility.objects.create(name="Be kodo", short_name="Be kodo")
    with pytest.raises(IsafError, match="įmonės kodą"):
        write_isaf(io.BytesIO(), month=JANUARY)
    Utility.objects.update(company_code="168547123")
    with pytest.raises(IsafError, match="2016-09"):
        write_isaf(io.BytesIO(), month=dt.date(2016, 8, 1))


def test_a_file_that_does_not_match_the_xsd_is_refused() -> None:
    with pytest.raises(IsafError, match="XSD"):
        validate_isaf(io.BytesIO(b'<iSAFFile xmlns="http://www.vmi.lt/cms/imas/isaf"/>'))
    with pytest.raises(IsafError):
        validate_isaf(io.BytesIO(b"not xml"))


def test_the_command_writes_the_month_to_stdout_or_a_file(month, tmp_path) -> None:
    out = io.StringIO()
    call_command("isaf_export", "2027-01", stdout=out)
    document = assert_valid(out.getvalue().encode())
    assert len(document.findall("i:SourceDocuments/i:SalesInvoices/i:Invoice", NS)) == 4
    target = tmp_path / "isaf.xml"
    err = io.StringIO()
    call_command("isaf_export", "2027-01", "-o", str(target), stderr=err)
    assert_valid(target.read_bytes())
    assert "4 documents" in err.getvalue()


@pytest.mark.parametrize("wrong", ["2027-13", "2027", "sausis", "2027-1-1", ""])
def test_the_command_refuses_a_wrong_month(utility: Utility, wrong: str, tmp_path) -> None:
    target = tmp_path / "isaf.xml"
    with pytest.raises(CommandError, match="Wrong month"):
        call_command("isaf_export", wrong, "-o", str(target))
    assert not target.exists()


def test_the_command_refuses_a_month_before_i_saf(utility: Utility) -> None:
    with pytest.raises(CommandError, match="2016-09"):
        call_command("isaf_export", "2015-01", stdout=io.StringIO())


def test_the_admin_action_downloads_the_register(month, accountant: User) -> None:  # noqa: F811
    period = BillingPeriod.objects.create(month=JANUARY)
    client = admin_client(accountant)
    response = client.post(
        "/admin/billing/billingperiod/",
        {"action": "export_isaf", "_selected_action": [period.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="isaf-2027-01.xml"'
    document = assert_valid(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert len(document.findall("i:SourceDocuments/i:SalesInvoices/i:Invoice", NS)) == 4


def test_the_admin_action_wants_one_period_and_the_right_to_read_invoices(
    utility: Utility,
    accountant: User,  # noqa: F811
) -> None:
    periods = [BillingPeriod.objects.create(month=m) for m in (JANUARY, dt.date(2027, 2, 1))]
    client = admin_client(accountant)
    response = client.post(
        "/admin/billing/billingperiod/",
        {"action": "export_isaf", "_selected_action": [p.pk for p in periods]},
        follow=True,
    )
    assert "Pažymėkite lygiai vieną laikotarpį." in response.content.decode()

    viewer = make_user("viewer@example.lt", "Vida", "Žiūrėtoja", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_billingperiod"))
    client = admin_client(viewer)
    page = client.get("/admin/billing/billingperiod/").content.decode()
    assert "export_isaf" not in page
    response = client.post(
        "/admin/billing/billingperiod/",
        {"action": "export_isaf", "_selected_action": [periods[0].pk]},
    )
    assert "Content-Disposition" not in response


def test_issued_documents_keep_the_codes_of_their_issue(month) -> None:
    Customer.objects.filter(vat_code="LT100001234567").update(vat_code="", company_code="")
    element = invoice_element(assert_valid(export()), month["company"].number)
    assert element.findtext("i:CustomerInfo/i:VATRegistrationNumber", namespaces=NS) == (
        "LT100001234567"
    )


def test_the_admin_action_says_why_it_cannot_export(
    utility: Utility,
    accountant: User,  # noqa: F811
) -> None:
    utility.company_code = ""
    utility.save()
    period = BillingPeriod.objects.create(month=JANUARY)
    response = admin_client(accountant).post(
        "/admin/billing/billingperiod/",
        {"action": "export_isaf", "_selected_action": [period.pk]},
        follow=True,
    )
    assert "Content-Disposition" not in response
    assert "Pirmiausia įveskite įmonės kodą" in response.content.decode()


def test_names_with_markup_and_control_characters_are_written_safely(utility: Utility) -> None:
    invoice = exempt_invoice(name="UAB <Vanduo & Co>\x07 „Šaltinis“")
    element = invoice_element(assert_valid(export()), invoice.number)
    assert element.findtext("i:CustomerInfo/i:Name", namespaces=NS) == (
        "UAB <Vanduo & Co> „Šaltinis“"
    )
