"""E-invoices to the payers' internet banks [e. sąskaitos]: the banks' `E_Invoice` XML file.

Lithuanian banks took over the Estonian e-invoice standard (version 1.2, the XSD in
`schemas/einvoice/`, see its SOURCE.md); the utility uploads one file per billing month to its
own bank, which passes each invoice on to the payer's bank, where the payer sees it and, with
automatic payment [automatinis mokėjimas], has it paid on the due date.

`write_einvoice` writes the file for a billing month: `Header`, one `Invoice` per document of the
period (invoices and credit notes) of the contracts with an e-invoice order in force on the day
of the export (customers.EInvoiceSubscription), in number order, and `Footer` (the number of
invoices and the sum of their `TotalSum`). `validate_einvoice` checks it against the XSD; the
command and the admin action write to a temporary file and check it before anyone gets it.

Rules (README, "Payment channels"):
- an invoice is `DEB`; a credit note is `CRE` naming its invoice in `SourceInvoice`;
- `PaymentInfo` carries the payment code as the reference (`PaymentRefId`, digits only), the
  amount due, the due date and the utility's IBAN and name. An invoice with nothing to pay
  (amount due zero or less: paid ahead) and every credit note are sent with `Payable` NO and
  `PaymentTotalSum` 0.00 — the standard's way of telling the payer's bank not to pay it (the
  customer still sees the document in the bank); they are not left out;
- a payable invoice must reach the payer's bank MIN_WORKING_DAYS working days before its due
  date, or automatic payment cannot be set up in time: the export refuses a file with a payable
  invoice due sooner and names it;
- `PaymentDescription` allows only Latin-1 and Š š Ž ž (the XSD's pattern): the other Lithuanian
  letters are written without their marks (ą→a, č→c, ė→e …); texts are cut to the XSD's lengths;
  amounts have 2 decimals, quantities and prices 4;
- a metered line (water, wastewater) carries the readings the invoice billed
  (invoice_readings.meter_readings) as `InitialReading`/`FinalReading` when the contract has one
  meter; with several meters each meter's readings are a row of their own in a second item group.
"""

import datetime as dt
import functools
import itertools
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.utils import translation
from django.utils.translation import gettext as _
from lxml import etree

from mokesta.billing.invoice_readings import InvoiceReading, contracts_meter_readings
from mokesta.billing.models import Invoice, Tariff
from mokesta.billing.pdf import document_title
from mokesta.customers.models import active_einvoice_subscriptions
from mokesta.lib.dates import month_end
from mokesta.lib.money import ZERO, round_money
from mokesta.utility.models import Utility

XSD = Path(__file__).parent / "schemas" / "einvoice" / "e-invoice_ver1.2.xsd"
VERSION = "1.2"
CURRENCY = "EUR"
# Working days (Monday to Friday) between the export and the due date of a payable invoice:
# the payer's bank must get the e-invoice in time to show it and set up the automatic payment.
# The Lithuanian Banking Association's rules (lba.lt/lt/e-saskaita) could not be fetched when this
# was written; five working days is the lead time the banks ask of payees — confirm it in the
# utility's e-invoice agreement and change it here if the bank asks for another.
MIN_WORKING_DAYS = 5
CHUNK = 2000  # documents loaded at a time
METERED = {Tariff.Service.WATER, Tariff.Service.WASTEWATER}

# The XSD's text lengths.
SHORT, NORMAL, LONG, REG, REFERENCE, DESCRIPTION = 20, 100, 500, 15, 20, 210


class EInvoiceError(Exception):
    """The file cannot be made; the message says why (in the active language)."""


# PaymentDescription: U+0020–U+00FF and Š š Ž ž. The other Lithuanian letters lose their marks;
# anything else is decomposed and stripped of marks, and what still does not fit becomes "?".
_LITHUANIAN = str.maketrans("ąčęėįųūĄČĘĖĮŲŪ", "aceeiuuACEEIUU")
_KEPT = frozenset("ŠšŽž")


def transliterate(text: str) -> str:
    """`text` in PaymentDescription's character set (see above)."""
    out = []
    for char in text.translate(_LITHUANIAN):
        if " " <= char <= "\xff" or char in _KEPT:
            out.append(char)
        elif char.isspace():
            out.append(" ")
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            out.append(base if base and all(" " <= c <= "\xff" for c in base) else "?")
    return "".join(out)


def cut(text: str, limit: int) -> str:
    """A text cut to one of the XSD's lengths (whitespace tidied)."""
    return " ".join(text.split())[:limit].rstrip()


def add_working_days(day: dt.date, days: int) -> dt.date:
    while days:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def earliest_due_date(today: dt.date) -> dt.date:
    """The earliest due date a payable invoice in a file exported on `today` may have."""
    return add_working_days(today, MIN_WORKING_DAYS)


def _amount(value: Decimal, places: int = 2) -> str:
    if places == 2:
        return f"{round_money(value):.2f}"
    return f"{value:.{places}f}"


def _sub(parent: etree._Element, tag: str, text: object | None = None) -> etree._Element:
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


def _address(parent: etree._Element, tag: str, address: str) -> None:
    """A one-line address as the standard's street line and city: the part after the last comma
    is the city (as the addresses are written here: „Liepų g. 3, Velžys")."""
    street, _comma, city = address.rpartition(",")
    street, city = cut(street or address, NORMAL), cut(city, NORMAL)
    if not street:
        return
    contact = _sub(parent, "ContactData")
    legal = _sub(contact, tag)
    _sub(legal, "PostalAddress1", street)
    _sub(legal, "City", city or street)
    _sub(legal, "Country", "LT")


def _seller(parties: etree._Element, utility: Utility) -> None:
    seller = _sub(parties, "SellerParty")
    _sub(seller, "Name", cut(utility.name, NORMAL))
    _sub(seller, "RegNumber", utility.company_code)
    if utility.vat_code:
        _sub(seller, "VATRegNumber", utility.vat_code)
    _address(seller, "LegalAddress", utility.address)
    account = _sub(seller, "AccountInfo")
    _sub(account, "AccountNumber", _iban(utility.iban))
    _sub(account, "IBAN", _iban(utility.iban))
    if utility.bank_name:
        _sub(account, "BankName", cut(utility.bank_name, NORMAL))


def _iban(text: str) -> str:
    return text.replace(" ", "").upper()


def _vat(parent: etree._Element, rate: Decimal, vat: Decimal, net: Decimal | None = None) -> None:
    record = _sub(parent, "VAT", None)
    record.set("vatId", "TAX" if rate else "NOTTAX")
    if net is not None:
        _sub(record, "SumBeforeVAT", _amount(net, 4))
    _sub(record, "VATRate", _amount(rate))
    _sub(record, "VATSum", _amount(vat, 4))
    if net is not None:
        _sub(record, "Currency", CURRENCY)
        _sub(record, "SumAfterVAT", _amount(net + vat, 4))


def is_payable(invoice: Invoice) -> bool:
    """Whether the payer's bank is to pay the document: an invoice with something to pay."""
    return not invoice.is_credit_note and invoice.amount_due > ZERO


def invoice_element(
    invoice: Invoice, *, utility: Utility, subscription_iban: str, readings: list[InvoiceReading]
) -> etree._Element:
    """One `Invoice` of the file, its elements in the XSD's order."""
    payable = is_payable(invoice)
    contract_number = invoice.contract.number
    buyer_code = invoice.buyer_company_code or invoice.payer_code
    root = etree.Element("Invoice")
    root.set("invoiceId", cut(invoice.number, NORMAL))
    # The payer's code at the utility that the payer gave their bank when ordering the e-invoice.
    root.set("serviceId", cut(contract_number, SHORT))
    root.set("regNumber", cut(buyer_code, REG))
    root.set("sellerRegnumber", utility.company_code)
    root.set("languageId", "lt")

    parties = _sub(root, "InvoiceParties")
    _seller(parties, utility)
    buyer = _sub(parties, "BuyerParty")
    _sub(buyer, "UniqueCode", cut(invoice.payer_code, SHORT))
    _sub(buyer, "Name", cut(invoice.customer_name, NORMAL))
    if invoice.buyer_company_code:
        _sub(buyer, "RegNumber", cut(invoice.buyer_company_code, REG))
    if invoice.buyer_vat_code:
        _sub(buyer, "VATRegNumber", cut(invoice.buyer_vat_code, REG))
    _address(buyer, "LegalAddress", invoice.customer_address)
    if subscription_iban:
        _sub(_sub(buyer, "AccountInfo"), "AccountNumber", subscription_iban)

    info = _sub(root, "InvoiceInformation")
    kind = _sub(info, "Type")
    if invoice.is_credit_note:
        kind.set("type", "CRE")
        assert invoice.corrects is not None  # a database constraint: a credit note corrects one
        _sub(kind, "SourceInvoice", cut(invoice.corrects.number, SHORT))
    else:
        kind.set("type", "DEB")
    _sub(info, "ContractNumber", cut(contract_number, NORMAL))
    _sub(info, "DocumentName", cut(document_title(invoice), NORMAL))
    _sub(info, "InvoiceNumber", cut(invoice.number, NORMAL))
    if invoice.payment_code.isdigit():
        _sub(info, "PaymentReferenceNumber", invoice.payment_code)
    _sub(info, "InvoiceDate", invoice.issue_date.isoformat())
    _sub(info, "DueDate", invoice.due_date.isoformat())
    period = _sub(info, "Period")
    _sub(period, "PeriodName", f"{invoice.period.month:%Y-%m}")
    _sub(period, "StartDate", invoice.period.month.isoformat())
    _sub(period, "EndDate", month_end(invoice.period.month).isoformat())

    lines = list(invoice.lines.all())
    sums = _sub(root, "InvoiceSumGroup")
    balance = _sub(sums, "Balance")
    _sub(balance, "BalanceBegin", _amount(invoice.previous_balance))
    _sub(balance, "BalanceEnd", _amount(invoice.amount_due))
    _sub(sums, "InvoiceSum", _amount(invoice.net, 4))
    if invoice.interest:
        _sub(sums, "PenaltySum", _amount(invoice.interest, 4))
    by_rate: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for line in lines:
        if line.service:  # the interest line is no supply: it is PenaltySum
            net, vat = by_rate.get(line.vat_rate, (ZERO, ZERO))
            by_rate[line.vat_rate] = (net + line.net, vat + line.vat)
    for rate, (net, vat) in sorted(by_rate.items(), reverse=True):
        _vat(sums, rate, vat, net)
    _sub(sums, "TotalVATSum", _amount(invoice.vat))
    _sub(sums, "TotalSum", _amount(invoice.total))
    _sub(sums, "TotalToPay", _amount(invoice.amount_due if payable else ZERO))
    _sub(sums, "Currency", CURRENCY)

    items = _sub(root, "InvoiceItem")
    group = _sub(items, "InvoiceItemGroup")
    one_meter = readings[0] if len(readings) == 1 else None
    for number, line in enumerate(lines, start=1):
        entry = _sub(group, "ItemEntry")
        _sub(entry, "RowNo", number)
        _sub(entry, "Description", cut(line.description, LONG) or "-")
        if one_meter is not None and line.service in METERED:
            _sub(entry, "InitialReading", one_meter.previous)
            _sub(entry, "FinalReading", one_meter.current)
        detail = _sub(entry, "ItemDetailInfo")
        _sub(detail, "ItemUnit", cut(line.unit, SHORT))
        _sub(detail, "ItemAmount", _amount(line.quantity, 4))
        _sub(detail, "ItemPrice", _amount(line.unit_price, 4))
        _sub(entry, "ItemSum", _amount(line.net, 4))
        _vat(entry, line.vat_rate, line.vat)
        _sub(entry, "ItemTotal", _amount(line.total, 4))
    if len(readings) > 1:
        # Several meters: each meter's readings, a row without sums of its own.
        meters = _sub(items, "InvoiceItemGroup")
        meters.set("groupId", "rodmenys")
        for row in readings:
            entry = _sub(meters, "ItemEntry")
            _sub(entry, "SerialNumber", cut(row.meter.serial_number, SHORT))
            _sub(
                entry,
                "Description",
                cut(_("Meter %(serial)s") % {"serial": row.meter.serial_number}, LONG),
            )
            _sub(entry, "InitialReading", row.previous)
            _sub(entry, "FinalReading", row.current)
            detail = _sub(entry, "ItemDetailInfo")
            _sub(detail, "ItemUnit", "m3")
            _sub(detail, "ItemAmount", _amount(Decimal(row.used), 4))
    totals = _sub(items, "InvoiceItemTotalGroup")
    _sub(totals, "InvoiceItemTotalSum", _amount(invoice.net, 4))
    _sub(totals, "InvoiceItemTotal", _amount(invoice.total, 4))

    payment = _sub(root, "PaymentInfo")
    _sub(payment, "Currency", CURRENCY)
    if payable:
        _sub(payment, "PaymentRefId", invoice.payment_code)
        description = _("Invoice %(number)s, contract %(contract)s, %(month)s")
    elif invoice.is_credit_note:
        description = _("Credit note %(number)s, contract %(contract)s: nothing to pay")
    else:
        description = _("Invoice %(number)s, contract %(contract)s: nothing to pay")
    text = description % {
        "number": invoice.number,
        "contract": contract_number,
        "month": f"{invoice.period.month:%Y-%m}",
    }
    _sub(payment, "PaymentDescription", cut(transliterate(text), DESCRIPTION))
    _sub(payment, "Payable", "YES" if payable else "NO")
    _sub(payment, "PayDueDate", invoice.due_date.isoformat())
    _sub(payment, "PaymentTotalSum", _amount(invoice.amount_due if payable else ZERO))
    _sub(payment, "PayerName", cut(invoice.customer_name, NORMAL))
    _sub(payment, "PaymentId", cut(invoice.number, NORMAL))
    _sub(payment, "PayToAccount", _iban(utility.iban))
    _sub(payment, "PayToName", cut(utility.name, NORMAL))
    return root


def _documents(
    month: dt.date, today: dt.date
) -> Iterator[tuple[Invoice, str, list[InvoiceReading]]]:
    """The period's invoices and credit notes of the contracts with an e-invoice order in force
    on `today`, in number order, a chunk at a time, each with the payer's IBAN of the order and
    the readings it billed (none for a credit note)."""
    ibans = dict(active_einvoice_subscriptions(today).values_list("contract_id", "payer_iban"))
    documents = (
        Invoice.objects.filter(period__month=month, contract_id__in=list(ibans))
        .select_related("contract", "period", "corrects")
        .prefetch_related("lines")
        .order_by("series", "sequence")
        .iterator(chunk_size=CHUNK)
    )
    while chunk := list(itertools.islice(documents, CHUNK)):
        readings = contracts_meter_readings(list({i.contract_id for i in chunk}), month)
        for invoice in chunk:
            billed = [] if invoice.is_credit_note else readings.get(invoice.contract_id, [])
            yield invoice, ibans[invoice.contract_id], billed


def _check_utility(utility: Utility) -> None:
    code, iban = utility.company_code.strip(), _iban(utility.iban)
    if not (code and len(code) <= REG and iban and iban.isalnum() and iban.isascii()):
        raise EInvoiceError(
            _(
                "Enter the utility's company code and bank account (IBAN) in the utility's "
                "details first: the banks pay e-invoices to that account."
            )
        )


def check_due_dates(month: dt.date, today: dt.date) -> None:
    """Refuse the month when a payable invoice of a receiving contract is due too soon."""
    latest_refused = earliest_due_date(today) - dt.timedelta(days=1)
    contracts = active_einvoice_subscriptions(today).values("contract_id")
    late = list(
        Invoice.objects.filter(
            period__month=month,
            contract_id__in=contracts,
            kind=Invoice.Kind.INVOICE,
            amount_due__gt=0,
            due_date__lte=latest_refused,
        )
        .order_by("due_date", "number")
        .values_list("number", "due_date")[:4]
    )
    if late:
        numbers = ", ".join(number for number, _day in late[:3]) + (" …" if len(late) > 3 else "")
        raise EInvoiceError(
            _(
                "Invoice %(numbers)s is due on %(due)s: the banks need e-invoices at least "
                "%(days)s working days before the due date (the earliest possible today is "
                "%(earliest)s) to show them and pay them automatically. Send these invoices "
                "another way."
            )
            % {
                "numbers": numbers,
                "due": late[0][1].isoformat(),
                "days": MIN_WORKING_DAYS,
                "earliest": earliest_due_date(today).isoformat(),
            }
        )


def write_einvoice(out: IO[bytes], *, month: dt.date, today: dt.date) -> int:
    """Write the e-invoice file of billing `month` (its first day), exported on `today`, to `out`;
    returns how many invoices it holds. Does not validate: see `validate_einvoice`."""
    # Fresh from the database, not a cached copy: the file pays money into this account.
    try:
        utility = Utility.objects.get()
    except Utility.DoesNotExist as error:
        raise EInvoiceError(_("Enter the utility's details first.")) from error
    _check_utility(utility)
    check_due_dates(month, today)
    count, total = 0, ZERO
    with translation.override("lt"), etree.xmlfile(out, encoding="UTF-8") as xml:
        xml.write_declaration()
        with xml.element("E_Invoice"):
            header = etree.Element("Header")
            _sub(header, "Date", today.isoformat())
            _sub(header, "FileId", f"{month:%Y%m}-{today:%Y%m%d}")
            _sub(header, "Version", VERSION)
            _sub(header, "SenderId", cut(utility.company_code, SHORT))
            _sub(header, "PayeeAccountNumber", _iban(utility.iban))
            xml.write("\n", header, "\n")
            for invoice, iban, readings in _documents(month, today):
                element = invoice_element(
                    invoice, utility=utility, subscription_iban=iban, readings=readings
                )
                xml.write(element, "\n")
                count += 1
                total += invoice.total
            if not count:
                raise EInvoiceError(
                    _(
                        "No contract that receives e-invoices has a document for %(month)s: "
                        "there is no file to send."
                    )
                    % {"month": f"{month:%Y-%m}"}
                )
            footer = etree.Element("Footer")
            _sub(footer, "TotalNumberInvoices", count)
            _sub(footer, "TotalAmount", _amount(total))
            xml.write(footer, "\n")
    return count


@functools.cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def validate_einvoice(source: IO[bytes]) -> None:
    """Check a file against the XSD while reading it (invoice by invoice, so a large file is not
    held in memory), and that its Footer adds up; EInvoiceError names the first problem."""
    count, total, footer = 0, ZERO, {}
    try:
        for _event, element in etree.iterparse(source, events=("end",), schema=_schema()):
            if element.tag == "Invoice":
                count += 1
                total += Decimal(element.findtext("InvoiceSumGroup/TotalSum") or "0")
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
            elif element.tag in ("TotalNumberInvoices", "TotalAmount"):
                footer[element.tag] = element.text
    except etree.XMLSyntaxError as error:
        raise EInvoiceError(
            _("The e-invoice file does not match the XSD: %(error)s") % {"error": error}
        ) from error
    if int(footer["TotalNumberInvoices"]) != count or Decimal(footer["TotalAmount"]) != total:
        raise EInvoiceError(
            _("The e-invoice file's Footer does not add up: %(count)s invoices, %(total)s EUR.")
            % {"count": count, "total": total}
        )
