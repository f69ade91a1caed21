"""Peppol BIS Billing 3.0 e-invoices (UBL 2.1, EN 16931) for public bodies, which take invoices
only through the state system SABIS.

`einvoice_data` gathers everything the file says about one issued document (seller, buyer,
references, lines, totals, the PDF) in one place, `ubl_xml` writes it, `check` runs the UBL 2.1
XSD and the two official rule sets (EN 16931 and Peppol BIS 3.0, compiled Schematron run with
Saxon) and `peppol_file` does all three and refuses a file that breaks a rule. The rule files and
where they come from: `schemas/SOURCE.md`."""

import base64
import datetime as dt
import threading
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import IO

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

from mokesta.billing.models import Invoice, Tariff
from mokesta.billing.pdf import invoice_pdf_bytes
from mokesta.lib.dates import month_end
from mokesta.lib.money import ZERO

SCHEMAS = Path(__file__).parent / "schemas"
CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
# Lithuanian legal entity codes [juridinio asmens kodas] in the ISO 6523 / Peppol EAS lists:
# the scheme for both parties' electronic addresses and legal registration numbers.
LT_COMPANY_CODE = "0200"
NS = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
# UN/ECE Recommendation 20 units: cubic metre; one (a meter-month of the fee, the interest);
# month (the fee where no meter can be installed).
UNIT_CODES = {
    Tariff.Service.WATER: "MTQ",
    Tariff.Service.WASTEWATER: "MTQ",
    Tariff.Service.FEE: "C62",
    Tariff.Service.FEE_NO_METER: "MON",
}
STANDARD, EXEMPT = "S", "E"  # UNCL5305 VAT categories


class PeppolError(Exception):
    """A file that breaks a rule: never offered for upload."""

    def __init__(self, number: str, problems: list["Problem"]) -> None:
        self.number = number
        self.problems = problems
        super().__init__("; ".join(f"{number}: {problem}" for problem in problems))


@dataclass(frozen=True, slots=True)
class Problem:
    rule: str  # e.g. PEPPOL-EN16931-R003, BR-CO-15, or XSD
    text: str
    fatal: bool = True

    def __str__(self) -> str:
        return f"[{self.rule}] {self.text}"


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    address: str
    company_code: str
    vat_code: str


@dataclass(frozen=True, slots=True)
class Line:
    description: str
    quantity: Decimal
    unit_code: str
    unit_price: Decimal
    net: Decimal
    vat: Decimal
    category: str
    vat_rate: Decimal
    exemption: str  # why a line is outside VAT (category E), written out


@dataclass(frozen=True, slots=True)
class EInvoice:
    """What one e-invoice carries, already signed for its document type: a credit note's
    amounts are positive (the UBL CreditNote says it is a credit)."""

    credit_note: bool
    number: str
    issue_date: dt.date
    due_date: dt.date | None
    period_start: dt.date
    period_end: dt.date
    seller: Party
    iban: str
    bank_name: str
    buyer: Party
    buyer_reference: str
    order_reference: str
    contract_number: str
    payment_code: str
    corrects: tuple[str, dt.date] | None
    note: str
    lines: tuple[Line, ...]
    vat: Decimal
    total: Decimal
    pdf: bytes


def einvoice_data(invoice: Invoice) -> EInvoice:
    """Everything the e-invoice of `invoice` says, in one place, all of it as the document kept
    it at issue: its lines, the seller's details, the buyer and the public body's references."""
    utility = invoice.seller
    sign = -1 if invoice.is_credit_note else 1
    interest_reason = _("Late payment interest: not a supply, outside the scope of VAT")
    exempt_reason = _("Supply exempt from VAT")
    lines = tuple(
        Line(
            description=line.description,
            quantity=sign * line.quantity,
            unit_code=UNIT_CODES.get(line.service, "C62"),  # type: ignore[call-overload]
            unit_price=line.unit_price,
            net=sign * line.net,
            vat=sign * line.vat,
            # Late-payment interest pays for no supply. Peppol's rules allow „not subject to
            # VAT" (O) only on a document with nothing else, so the line is outside VAT as E
            # with the reason written out; a 0 % tariff is an exempt supply (E) as in i.SAF.
            category=STANDARD if line.vat_rate and not line.is_interest else EXEMPT,
            vat_rate=ZERO if line.is_interest else line.vat_rate,
            exemption=(
                interest_reason if line.is_interest else "" if line.vat_rate else exempt_reason
            ),
        )
        for line in invoice.lines.all()
    )
    corrects = invoice.corrects
    return EInvoice(
        credit_note=invoice.is_credit_note,
        number=invoice.number,
        issue_date=invoice.issue_date,
        due_date=None if invoice.is_credit_note else invoice.due_date,
        period_start=invoice.period.month,
        period_end=month_end(invoice.period.month),
        seller=Party(utility.name, utility.address, utility.company_code, utility.vat_code),
        iban=utility.iban.replace(" ", ""),
        bank_name=utility.bank_name,
        buyer=Party(
            invoice.customer_name,
            invoice.customer_address,
            invoice.buyer_company_code,
            invoice.buyer_vat_code,
        ),
        buyer_reference=invoice.buyer_reference,
        order_reference=invoice.order_reference,
        contract_number=invoice.contract_number,
        payment_code=invoice.payment_code,
        corrects=(corrects.number, corrects.issue_date) if corrects else None,
        note=invoice.reason,
        lines=lines,
        vat=sign * invoice.vat,
        total=sign * invoice.total,
        pdf=invoice_pdf_bytes(invoice),
    )


# --- Writing ------------------------------------------------------------------------------------


def _amount(value: Decimal) -> str:
    return f"{value + 0:.2f}"  # + 0: a credit note's negated zero is 0.00, not -0.00


def _number(value: Decimal) -> str:
    return f"{value.normalize() + 0:f}"  # :f, since 10 normalizes to 1E+1


class _Writer:
    def __init__(self, root: etree._Element) -> None:
        self.root = root

    def add(
        self, parent: etree._Element, tag: str, text: str | None = None, **attributes: str
    ) -> etree._Element:
        prefix, name = tag.split(":")
        element = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", attributes)
        if text is not None:
            element.text = text
        return element

    def money(self, parent: etree._Element, tag: str, value: Decimal) -> None:
        self.add(parent, tag, _amount(value), currencyID="EUR")


def _party(w: _Writer, parent: etree._Element, tag: str, party: Party) -> None:
    node = w.add(w.add(parent, tag), "cac:Party")
    # Peppol delivers to the electronic address: the company code under scheme 0200.
    w.add(node, "cbc:EndpointID", party.company_code, schemeID=LT_COMPANY_CODE)
    address = w.add(node, "cac:PostalAddress")
    if party.address:
        w.add(address, "cbc:StreetName", party.address)
    w.add(w.add(address, "cac:Country"), "cbc:IdentificationCode", "LT")
    if party.vat_code:
        tax = w.add(node, "cac:PartyTaxScheme")
        w.add(tax, "cbc:CompanyID", party.vat_code)
        w.add(w.add(tax, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = w.add(node, "cac:PartyLegalEntity")
    w.add(legal, "cbc:RegistrationName", party.name)
    w.add(legal, "cbc:CompanyID", party.company_code, schemeID=LT_COMPANY_CODE)


def _breakdown(lines: Iterable[Line]) -> dict[tuple[str, Decimal], list[Decimal]]:
    """(category, rate) → [taxable amount, VAT]: one VAT breakdown per category and rate."""
    groups: dict[tuple[str, Decimal], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for line in lines:
        group = groups[(line.category, line.vat_rate.normalize())]
        group[0] += line.net
        group[1] += line.vat
    return groups


def ubl_xml(doc: EInvoice) -> bytes:
    """The Peppol BIS Billing 3.0 UBL Invoice (or CreditNote) of `doc`, elements in the order
    the UBL 2.1 schema requires."""
    kind = "CreditNote" if doc.credit_note else "Invoice"
    root = etree.Element(
        f"{{{NS[kind]}}}{kind}", nsmap={None: NS[kind], "cac": NS["cac"], "cbc": NS["cbc"]}
    )
    w = _Writer(root)
    w.add(root, "cbc:CustomizationID", CUSTOMIZATION)
    w.add(root, "cbc:ProfileID", PROFILE)
    w.add(root, "cbc:ID", doc.number)
    w.add(root, "cbc:IssueDate", doc.issue_date.isoformat())
    if doc.due_date:
        w.add(root, "cbc:DueDate", doc.due_date.isoformat())
    # UNCL1001: 380 commercial invoice, 381 credit note.
    w.add(root, f"cbc:{kind}TypeCode", "381" if doc.credit_note else "380")
    if doc.note:
        w.add(root, "cbc:Note", doc.note)
    w.add(root, "cbc:DocumentCurrencyCode", "EUR")
    if doc.buyer_reference:
        w.add(root, "cbc:BuyerReference", doc.buyer_reference)
    period = w.add(root, "cac:InvoicePeriod")
    w.add(period, "cbc:StartDate", doc.period_start.isoformat())
    w.add(period, "cbc:EndDate", doc.period_end.isoformat())
    if doc.order_reference:
        w.add(w.add(root, "cac:OrderReference"), "cbc:ID", doc.order_reference)
    if doc.corrects:
        reference = w.add(w.add(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        w.add(reference, "cbc:ID", doc.corrects[0])
        w.add(reference, "cbc:IssueDate", doc.corrects[1].isoformat())
    w.add(w.add(root, "cac:ContractDocumentReference"), "cbc:ID", doc.contract_number)
    attachment = w.add(root, "cac:AdditionalDocumentReference")
    w.add(attachment, "cbc:ID", doc.number)
    w.add(attachment, "cbc:DocumentDescription", _("Invoice PDF"))
    w.add(
        w.add(attachment, "cac:Attachment"),
        "cbc:EmbeddedDocumentBinaryObject",
        base64.b64encode(doc.pdf).decode("ascii"),
        mimeCode="application/pdf",
        filename=f"{doc.number}.pdf",
    )
    _party(w, root, "cac:AccountingSupplierParty", doc.seller)
    _party(w, root, "cac:AccountingCustomerParty", doc.buyer)
    if doc.credit_note:
        # Not paid by transfer: the credit settles through the contract's balance.
        terms = w.add(root, "cac:PaymentTerms")
        w.add(terms, "cbc:Note", _("The credit note is taken into account in your next invoice."))
    else:
        means = w.add(root, "cac:PaymentMeans")
        w.add(means, "cbc:PaymentMeansCode", "58")  # SEPA credit transfer
        w.add(means, "cbc:PaymentID", doc.payment_code)
        account = w.add(means, "cac:PayeeFinancialAccount")
        w.add(account, "cbc:ID", doc.iban)
        if doc.bank_name:
            w.add(account, "cbc:Name", doc.bank_name)
    tax_total = w.add(root, "cac:TaxTotal")
    w.money(tax_total, "cbc:TaxAmount", doc.vat)
    for (category, rate), (taxable, vat) in sorted(_breakdown(doc.lines).items()):
        subtotal = w.add(tax_total, "cac:TaxSubtotal")
        w.money(subtotal, "cbc:TaxableAmount", taxable)
        w.money(subtotal, "cbc:TaxAmount", vat)
        tax_category = w.add(subtotal, "cac:TaxCategory")
        w.add(tax_category, "cbc:ID", category)
        w.add(tax_category, "cbc:Percent", _number(rate))
        if category == EXEMPT:
            reasons = sorted({line.exemption for line in doc.lines if line.category == EXEMPT})
            w.add(tax_category, "cbc:TaxExemptionReason", "; ".join(reasons))
        w.add(w.add(tax_category, "cac:TaxScheme"), "cbc:ID", "VAT")
    lines_net = sum((line.net for line in doc.lines), ZERO)
    totals = w.add(root, "cac:LegalMonetaryTotal")
    w.money(totals, "cbc:LineExtensionAmount", lines_net)
    w.money(totals, "cbc:TaxExclusiveAmount", lines_net)
    w.money(totals, "cbc:TaxInclusiveAmount", doc.total)
    w.money(totals, "cbc:PayableAmount", doc.total)
    for index, line in enumerate(doc.lines, start=1):
        node = w.add(root, f"cac:{kind}Line")
        w.add(node, "cbc:ID", str(index))
        quantity = "CreditedQuantity" if doc.credit_note else "InvoicedQuantity"
        w.add(node, f"cbc:{quantity}", _number(line.quantity), unitCode=line.unit_code)
        w.money(node, "cbc:LineExtensionAmount", line.net)
        item = w.add(node, "cac:Item")
        w.add(item, "cbc:Name", line.description)
        tax_category = w.add(item, "cac:ClassifiedTaxCategory")
        w.add(tax_category, "cbc:ID", line.category)
        w.add(tax_category, "cbc:Percent", _number(line.vat_rate))
        w.add(w.add(tax_category, "cac:TaxScheme"), "cbc:ID", "VAT")
        price = w.add(node, "cac:Price")
        w.add(price, "cbc:PriceAmount", _number(line.unit_price), currencyID="EUR")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# --- Checking -----------------------------------------------------------------------------------


@cache
def _xsd(kind: str) -> etree.XMLSchema:
    return etree.XMLSchema(
        etree.parse(str(SCHEMAS / "ubl-2.1" / "maindoc" / f"UBL-{kind}-2.1.xsd"))
    )


RULE_SETS = (
    SCHEMAS / "en16931" / "EN16931-UBL-validation.xslt",
    SCHEMAS / "peppol" / "PEPPOL-EN16931-UBL.xslt",
)
# Saxon compiles each rule set once per process (about a second each); one transformation at a
# time, since a Saxon processor is not shared between threads safely.
_saxon_lock = threading.Lock()


@cache
def _rule_sets() -> tuple[object, list[object]]:
    from saxonche import PySaxonProcessor

    processor = PySaxonProcessor(license=False)
    compiler = processor.new_xslt30_processor()
    return processor, [compiler.compile_stylesheet(stylesheet_file=str(path)) for path in RULE_SETS]


def _svrl_problems(svrl: str) -> list[Problem]:
    """Failed assertions (and reports) of an SVRL report: flag „fatal" stops the file, others
    are warnings."""
    tree = etree.fromstring(svrl.encode("utf-8"))
    problems = []
    for node in tree.iter(f"{SVRL}failed-assert", f"{SVRL}successful-report"):
        text = " ".join("".join(node.findtext(f"{SVRL}text") or "").split())
        flag = node.get("flag", "fatal")
        problems.append(Problem(node.get("id", "?"), text, fatal=flag in ("fatal", "error")))
    return problems


def check(xml: bytes) -> list[Problem]:
    """What the UBL 2.1 XSD and the EN 16931 and Peppol BIS 3.0 rules find in `xml`: errors
    (fatal) first, then warnings. The rules run only on a file the XSD accepts."""
    root = etree.fromstring(xml)
    kind = etree.QName(root).localname
    if kind not in ("Invoice", "CreditNote"):
        return [Problem("XSD", f"not a UBL Invoice or CreditNote: {kind}")]
    schema = _xsd(kind)
    if not schema.validate(root):
        return [
            Problem("XSD", f"{error.message} (line {error.line})") for error in schema.error_log
        ]
    with _saxon_lock:
        processor, executables = _rule_sets()
        node = processor.parse_xml(xml_text=xml.decode("utf-8"))  # type: ignore[attr-defined]
        problems = [
            problem
            for executable in executables
            for problem in _svrl_problems(executable.transform_to_string(xdm_node=node))  # type: ignore[attr-defined]
        ]
    return sorted(problems, key=lambda problem: not problem.fatal)


def peppol_file(invoice: Invoice) -> tuple[bytes, list[Problem]]:
    """The checked e-invoice of `invoice` and the rules' warnings; PeppolError if a rule fails."""
    with translation.override("lt"):
        xml = ubl_xml(einvoice_data(invoice))
    problems = check(xml)
    errors = [problem for problem in problems if problem.fatal]
    if errors:
        raise PeppolError(invoice.number, errors)
    return xml, problems


def public_bodies_only(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """The documents of `invoices` issued to public bodies (SABIS), by number."""
    return (
        invoices.filter(contract__customer__sabis=True)
        .select_related("seller", "period", "corrects")
        .order_by("series", "sequence")
    )


def public_body_documents(month: dt.date) -> QuerySet[Invoice]:
    """Invoices and credit notes issued in `month` to public bodies (SABIS), by number."""
    return public_bodies_only(
        Invoice.objects.filter(issue_date__gte=month, issue_date__lte=month_end(month)).exclude(
            kind=Invoice.Kind.OPENING  # an imported balance is no sale
        )
    )


@dataclass(frozen=True, slots=True)
class MonthFile:
    """One document's e-invoice, or why it was refused."""

    invoice: Invoice
    xml: bytes | None
    error: PeppolError | None

    @property
    def filename(self) -> str:
        return f"{self.invoice.number}.xml"


def checked_files(invoices: Iterable[Invoice]) -> Iterator[MonthFile]:
    """Each document's checked e-invoice, one at a time (a month of files is not held in
    memory): refused ones carry their PeppolError and no XML."""
    for invoice in invoices:
        try:
            xml, _warnings = peppol_file(invoice)
        except PeppolError as error:
            yield MonthFile(invoice, None, error)
        else:
            yield MonthFile(invoice, xml, None)


# The back office's action (mokesta/backoffice/admin/billing.py) and its messages.
EXPORT_ACTION = gettext_lazy("Peppol e-invoices for SABIS (zip)")


def write_zip(invoices: Iterable[Invoice], file: IO[bytes]) -> tuple[int, list[PeppolError]]:
    """The checked e-invoices of `invoices` zipped into `file`: (files written, refusals). With
    any refusal the zip is not to be offered: the caller shows the refusals instead."""
    written, refused = 0, []
    with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
        for result in checked_files(invoices):
            if result.error is not None:
                refused.append(result.error)
            elif not refused:
                assert result.xml is not None
                archive.writestr(result.filename, result.xml)
                written += 1
    return written, refused


def refusal_messages(refused: list[PeppolError]) -> list[str]:
    """One line per broken rule: which document, which rule and what it says."""
    return [
        _("%(number)s was refused and nothing was exported: %(problem)s")
        % {"number": error.number, "problem": problem}
        for error in refused
        for problem in error.problems
    ]


def nothing_to_export_message() -> str:
    return _("None of the selected documents is for a public body (SABIS).")
