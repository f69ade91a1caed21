"""E-invoices to the banks: the E_Invoice file of a billing month, checked against the published
XSD v1.2, its Footer, the payment information, the transliteration and the due-date rule."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command
from lxml import etree

from mokesta.accounts.models import User
from mokesta.billing.credit_notes import issue_credit_note
from mokesta.billing.einvoice import (
    XSD,
    EInvoiceError,
    earliest_due_date,
    transliterate,
    validate_einvoice,
    write_einvoice,
)
from mokesta.billing.models import BillingPeriod, Invoice
from mokesta.billing.tests.conftest import add_meter, at, bill, invoice_of, make_contract
from mokesta.customers.models import Contract, Customer, EInvoiceSubscription
from mokesta.testing.factories import make_invoice
from mokesta.testing.staff import accountant, admin_client, clerk  # noqa: F401
from mokesta.utility.models import Utility

NOVEMBER = dt.date(2026, 11, 1)
EXPORT_DAY = "2026-12-07"  # Monday; the November invoices are due on 2026-12-31


@pytest.fixture
def utility(db: None) -> Utility:
    return Utility.objects.create(
        name="VšĮ Velžio komunalinis ūkis",
        short_name="Velžio komunalinis ūkis",
        address="Velžio kelias 1, Velžys",
        company_code="168547123",
        vat_code="LT685471219",
        iban="LT12 1000 0111 0100 1000",
        bank_name="AB SEB bankas",
    )


def subscribe(
    contract: Contract, *, since: str = "2026-10-01", cancelled_on: dt.date | None = None
) -> EInvoiceSubscription:
    return EInvoiceSubscription.objects.create(
        contract=contract,
        bank="Swedbank",
        payer_iban="LT74 7300 0101 0000 0001",
        since=dt.date.fromisoformat(since),
        automatic_payment=True,
        cancelled_on=cancelled_on,
    )


@pytest.fixture
def run(utility: Utility, tariffs: None) -> dict[str, Invoice]:
    """November 2026 billed on 2026-12-03: a household with a Lithuanian name and one meter, a
    household with two meters, a VAT-registered company, a household whose invoice was credited
    (its credit note and the new invoice), a household that paid ahead (nothing to pay); plus a
    contract without an e-invoice order and one whose order was cancelled (not in the file)."""
    names = {
        "lithuanian": "Ąžuolė Čiurlionytė-Ėglė Įvaitė Šųūžienė",
        "two_meters": "Jonas Petraitis",
        "company": "UAB „Velžio kepykla“",
        "credited": "Rūta Žukauskienė",
        "not_subscribed": "Petras Ne Užsakęs",
        "cancelled": "Vida Atšaukusi",
    }
    contracts = {}
    for key, name in names.items():
        contract = make_contract(f"E-{key[:8].upper()}", start="2026-01-01")
        Customer.objects.filter(pk=contract.customer_id).update(name=name)
        add_meter(contract, readings={"2026-10": 100, "2026-11": 112})
        contracts[key] = contract
    add_meter(contracts["two_meters"], initial=50, readings={"2026-10": 60, "2026-11": 63})
    Customer.objects.filter(pk=contracts["company"].customer_id).update(
        company_code="302222222", vat_code="LT100001234567"
    )
    for key in ("lithuanian", "two_meters", "company", "credited"):
        subscribe(contracts[key])
    subscribe(contracts["cancelled"], cancelled_on=dt.date(2026, 11, 20))
    bill("2026-11", on="2026-12-03")
    credited = invoice_of(contracts["credited"], "2026-11")
    with time_machine.travel(at("2026-12-04"), tick=False):
        credit_note = issue_credit_note(invoice=credited, reason="Neteisingas rodmuo")
    bill("2026-11", on="2026-12-04")  # bills the credited contract's month again
    paid_ahead = make_contract("E-PAIDAHEAD", start="2026-01-01")
    subscribe(paid_ahead)
    zero = make_invoice(paid_ahead, month=NOVEMBER, total="24.20", amount_due="0.00")
    return {
        **{key: invoice_of(contracts[key], "2026-11") for key in names if key != "credited"},
        "credited": credited,
        "credit_note": credit_note,
        "rebilled": Invoice.objects.get(
            contract=contracts["credited"], period__month=NOVEMBER, credited=False, kind="invoice"
        ),
        "zero": zero,
    }


def export(day: str = EXPORT_DAY) -> bytes:
    out = io.BytesIO()
    write_einvoice(out, month=NOVEMBER, today=dt.date.fromisoformat(day))
    return out.getvalue()


def assert_valid(xml: bytes) -> etree._Element:
    """Checked with lxml against the XSD directly, not through the module's own check."""
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    document = etree.fromstring(xml)
    assert schema.validate(document), schema.error_log
    return document


def invoice_in(document: etree._Element, number: str) -> etree._Element:
    (found,) = document.xpath("/E_Invoice/Invoice[@invoiceId=$n]", n=number)
    return found


def test_the_file_of_a_run_validates_against_the_xsd(run: dict[str, Invoice]) -> None:
    document = assert_valid(export())
    ids = document.xpath("/E_Invoice/Invoice/@invoiceId")
    expected = ["lithuanian", "two_meters", "company", "credited", "credit_note", "rebilled"]
    assert sorted(ids) == sorted([run[key].number for key in expected] + [run["zero"].number])
    # Only the contracts with an order in force on the day of the export.
    assert run["not_subscribed"].number not in ids
    assert run["cancelled"].number not in ids
    assert document.findtext("Header/Version") == "1.2"
    assert document.findtext("Header/Date") == EXPORT_DAY
    assert document.findtext("Header/PayeeAccountNumber") == "LT121000011101001000"
    validate_einvoice(io.BytesIO(export()))  # the module's own check agrees


def test_the_footer_counts_the_invoices_and_adds_up_their_totals(
    run: dict[str, Invoice],
) -> None:
    document = assert_valid(export())
    invoices = document.findall("Invoice")
    total = sum(Decimal(i.findtext("InvoiceSumGroup/TotalSum")) for i in invoices)
    assert document.findtext("Footer/TotalNumberInvoices") == str(len(invoices)) == "7"
    assert Decimal(document.findtext("Footer/TotalAmount")) == total
    expected = sum(
        run[k].total
        for k in ("lithuanian", "two_meters", "company", "credited", "credit_note", "rebilled")
    )
    assert total == expected + run["zero"].total


def test_a_payable_invoice_carries_the_payment_code_amount_due_and_the_utility(
    run: dict[str, Invoice],
) -> None:
    invoice = run["lithuanian"]
    element = invoice_in(assert_valid(export()), invoice.number)
    payment = element.find("PaymentInfo")
    assert payment.findtext("PaymentRefId") == invoice.payment_code
    assert payment.findtext("Payable") == "YES"
    assert payment.findtext("PaymentTotalSum") == f"{invoice.amount_due:.2f}"
    assert payment.findtext("PayDueDate") == "2026-12-31"
    assert payment.findtext("PayToAccount") == "LT121000011101001000"
    assert payment.findtext("PayToName") == "VšĮ Velžio komunalinis ūkis"
    assert payment.findtext("PayerName") == "Ąžuolė Čiurlionytė-Ėglė Įvaitė Šųūžienė"
    assert element.find("InvoiceInformation/Type").get("type") == "DEB"
    assert element.findtext("InvoiceSumGroup/TotalToPay") == f"{invoice.amount_due:.2f}"
    assert element.get("serviceId") == invoice.contract.number
    assert element.findtext("InvoiceParties/BuyerParty/AccountInfo/AccountNumber") == (
        "LT747300010100000001"
    )


def test_the_payment_description_is_transliterated(run: dict[str, Invoice]) -> None:
    element = invoice_in(assert_valid(export()), run["lithuanian"].number)
    description = element.findtext("PaymentInfo/PaymentDescription")
    assert description == (
        f"Saskaita {run['lithuanian'].number}, sutartis {run['lithuanian'].contract.number}, "
        "2026-11"
    )


def test_transliteration_keeps_latin_1_and_s_z_with_caron() -> None:
    assert transliterate("ąčęėįšųūž ĄČĘĖĮŠŲŪŽ") == "aceeišuuž ACEEIŠUUŽ"
    assert transliterate("Müller Ñandú ÆØ") == "Müller Ñandú ÆØ"  # Latin-1 stays
    assert transliterate("Łódź – „x“\n") == "?ódz ? ?x? "
    assert all(" " <= c <= "\xff" or c in "ŠšŽž" for c in transliterate("Ąžuolė Ūla Ęrtė"))


def test_metered_lines_carry_the_billed_readings(run: dict[str, Invoice]) -> None:
    element = invoice_in(assert_valid(export()), run["lithuanian"].number)
    entries = element.findall("InvoiceItem/InvoiceItemGroup/ItemEntry")
    readings = {
        entry.findtext("Description"): (
            entry.findtext("InitialReading"),
            entry.findtext("FinalReading"),
        )
        for entry in entries
    }
    water = [d for d in readings if d.startswith("Geriamojo") or "vanden" in d.lower()]
    assert water, readings
    metered = [v for v in readings.values() if v != (None, None)]
    assert metered and all(v == ("100", "112") for v in metered)
    assert len(metered) == 2  # water and wastewater; the fee has no readings
    assert len(entries) == run["lithuanian"].lines.count()


def test_several_meters_are_listed_with_their_readings(run: dict[str, Invoice]) -> None:
    element = invoice_in(assert_valid(export()), run["two_meters"].number)
    (group,) = element.xpath("InvoiceItem/InvoiceItemGroup[@groupId='rodmenys']")
    rows = [(e.findtext("InitialReading"), e.findtext("FinalReading")) for e in group]
    assert sorted(rows) == [("100", "112"), ("60", "63")]


def test_a_company_is_named_by_its_codes(run: dict[str, Invoice]) -> None:
    element = invoice_in(assert_valid(export()), run["company"].number)
    buyer = element.find("InvoiceParties/BuyerParty")
    assert buyer.findtext("RegNumber") == "302222222"
    assert buyer.findtext("VATRegNumber") == "LT100001234567"
    assert element.get("regNumber") == "302222222"
    assert element.findtext("InvoiceInformation/DocumentName") == "PVM sąskaita faktūra"
    seller = element.find("InvoiceParties/SellerParty")
    assert seller.findtext("RegNumber") == "168547123"
    assert seller.findtext("VATRegNumber") == "LT685471219"


def test_a_credit_note_is_cre_with_its_source_invoice_and_not_payable(
    run: dict[str, Invoice],
) -> None:
    element = invoice_in(assert_valid(export()), run["credit_note"].number)
    kind = element.find("InvoiceInformation/Type")
    assert kind.get("type") == "CRE"
    assert kind.findtext("SourceInvoice") == run["credited"].number
    assert element.findtext("InvoiceSumGroup/TotalSum") == f"{run['credit_note'].total:.2f}"
    assert Decimal(element.findtext("InvoiceSumGroup/TotalSum")) < 0
    assert element.findtext("PaymentInfo/Payable") == "NO"
    assert element.findtext("PaymentInfo/PaymentTotalSum") == "0.00"
    assert element.find("PaymentInfo/PaymentRefId") is None


def test_a_zero_amount_invoice_is_sent_with_nothing_to_pay(run: dict[str, Invoice]) -> None:
    element = invoice_in(assert_valid(export()), run["zero"].number)
    assert element.findtext("PaymentInfo/Payable") == "NO"
    assert element.findtext("PaymentInfo/PaymentTotalSum") == "0.00"
    assert element.findtext("InvoiceSumGroup/TotalToPay") == "0.00"
    assert "moketi nereikia" in element.findtext("PaymentInfo/PaymentDescription")


def test_a_due_date_closer_than_the_banks_minimum_is_refused(run: dict[str, Invoice]) -> None:
    # 2026-12-24 (Thursday): five working days later is 2026-12-31, the due date: still fine.
    assert earliest_due_date(dt.date(2026, 12, 24)) == dt.date(2026, 12, 31)
    export("2026-12-24")
    with pytest.raises(EInvoiceError) as refused:
        export("2026-12-28")
    message = str(refused.value)
    assert "2026-12-31" in message and "5" in message
    assert run["lithuanian"].number in message or "…" in message


def test_a_month_without_receivers_is_refused(utility: Utility, tariffs: None) -> None:
    with pytest.raises(EInvoiceError, match="2026-11"):
        export()


def test_the_utility_without_an_iban_is_refused(run: dict[str, Invoice]) -> None:
    Utility.objects.update(iban="")
    with pytest.raises(EInvoiceError, match="IBAN"):
        export()


def test_the_command_writes_a_valid_file(run: dict[str, Invoice], tmp_path) -> None:
    target = tmp_path / "e-2026-11.xml"
    with time_machine.travel(at(EXPORT_DAY), tick=False):
        call_command("einvoice_export", "2026-11", "--output", str(target))
    document = assert_valid(target.read_bytes())
    assert document.findtext("Footer/TotalNumberInvoices") == "7"


@pytest.mark.parametrize(
    ("month", "day", "message"),
    [
        ("2026-13", EXPORT_DAY, "YYYY-MM"),
        ("lapkritis", EXPORT_DAY, "YYYY-MM"),
        ("2026-11", "2026-12-28", "2026-12-31"),
        ("2026-10", EXPORT_DAY, "2026-10"),
    ],
)
def test_the_command_refuses_and_writes_nothing(
    run: dict[str, Invoice], tmp_path, month: str, day: str, message: str
) -> None:
    target = tmp_path / "e.xml"
    with time_machine.travel(at(day), tick=False), pytest.raises(CommandError, match=message):
        call_command("einvoice_export", month, "--output", str(target))
    assert list(tmp_path.iterdir()) == []


def test_the_admin_action_downloads_the_file(
    run: dict[str, Invoice],
    accountant: User,  # noqa: F811
) -> None:
    period = BillingPeriod.objects.get(month=NOVEMBER)
    with time_machine.travel(at(EXPORT_DAY), tick=False):
        response = admin_client(accountant).post(
            "/admin/billing/billingperiod/",
            {"action": "export_einvoice", "_selected_action": [period.pk]},
        )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="e-saskaitos-2026-11.xml"'
    document = assert_valid(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert document.findtext("Footer/TotalNumberInvoices") == "7"


def test_the_admin_action_says_why_it_refuses(
    run: dict[str, Invoice],
    accountant: User,  # noqa: F811
    clerk: User,  # noqa: F811
) -> None:
    period = BillingPeriod.objects.get(month=NOVEMBER)
    with time_machine.travel(at("2026-12-28"), tick=False):
        response = admin_client(accountant).post(
            "/admin/billing/billingperiod/",
            {"action": "export_einvoice", "_selected_action": [period.pk]},
            follow=True,
        )
    assert "Content-Disposition" not in response
    assert "ne vėliau kaip prieš 5 darbo dienas" in response.content.decode()
    # A clerk, who may not read billing periods, has no such action.
    response = admin_client(clerk).post(
        "/admin/billing/billingperiod/",
        {"action": "export_einvoice", "_selected_action": [period.pk]},
    )
    assert "Content-Disposition" not in response
