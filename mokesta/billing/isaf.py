"""i.SAF: the tax authority's (VMI) XML register of issued VAT invoices, one file per VAT period.

`write_isaf` writes the register of the documents issued in a calendar month (DataType S: issued
invoices only); `validate_isaf` checks it against the official XSD (`xsd/isaf_1_2.xsd`, see
`xsd/SOURCE.md` for where it comes from). Callers (the command, the admin action) write to a
temporary file and check it before anyone gets it, so an invalid file is never handed out. The
file is written one invoice at a time and checked while it is read back, so a month of 100,000
invoices never sits in memory.

Rules (README, "i.SAF export"):
- every invoice and credit note whose issue date falls in the month, in number order;
- a credit note is `KS` with a reference to the invoice it corrects, its amounts negative;
- the buyer: a VAT-registered customer by its VAT code (and company code), everyone else `ND`
  (a company without a VAT code also by its company code; a person's code is never exported);
- one DocumentTotal per VAT rate: 21 % → PVM1 (9 % → PVM2, 5 % → PVM3), a service line without
  VAT (0 %) is an exempt supply → PVM5 with no rate and no VAT amount;
- late-payment interest is left out: it pays for no supply, so it is not a VAT object, and the
  VAT classifier has no code for that; a document with nothing else is not in the register;
- the issue date is the VAT point (PVMĮ 14 str.: the run dates invoices by the 10th of the
  next month), so VATPointDate is nil.
"""

import datetime as dt
import functools
import importlib.metadata
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, NamedTuple
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from mokesta.billing.models import Invoice, InvoiceLine
from mokesta.lib.dates import month_end
from mokesta.lib.money import ZERO
from mokesta.utility.models import Utility

XSD = Path(__file__).parent / "xsd" / "isaf_1_2.xsd"
NS = "http://www.vmi.lt/cms/imas/isaf"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
# The XSD's earliest SelectionEndDate is 2016-09-01: i.SAF starts with that period.
FIRST_MONTH = dt.date(2016, 9, 1)

# The VAT classifier (VMI order VA-49 of 2015-07-21) for what a water utility supplies in
# Lithuania: the rate of a line → its tax code. A rate missing here stops the export rather than
# be reported under a wrong code (e.g. a new rate: add its code here).
TAX_CODES = {Decimal("21"): "PVM1", Decimal("9"): "PVM2", Decimal("5"): "PVM3"}
EXEMPT_CODE = "PVM5"  # supplies not taxed with VAT (PVMĮ 20–33 str.)
CHUNK = 2000  # documents loaded at a time
NOT_GIVEN = "ND"  # "nenurodyta": VMI's value for a buyer without a VAT code / company code
COUNTRY = "LT"


class IsafError(Exception):
    """The register cannot be made; the message says why (in the active language)."""


@dataclass(frozen=True, slots=True)
class DocumentTotal:
    taxable_value: Decimal
    tax_code: str
    tax_percentage: Decimal | None  # None: an exempt supply has no rate
    amount: Decimal | None  # None: no VAT is charged


class Line(NamedTuple):
    service: str
    vat_rate: Decimal
    net: Decimal
    vat: Decimal


class Document(NamedTuple):
    number: str
    kind: str
    customer_name: str
    buyer_vat_code: str
    buyer_company_code: str
    issue_date: dt.date
    corrects_number: str | None
    corrects_issue_date: dt.date | None


def document_totals(lines: Iterable[Line]) -> list[DocumentTotal]:
    """One total per VAT rate of the document's supplies; interest lines (no service) are no
    supply and left out."""
    sums: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for line in lines:
        if line.service:
            rate = line.vat_rate.normalize()
            net, vat = sums.get(rate, (ZERO, ZERO))
            sums[rate] = (net + line.net, vat + line.vat)
    totals = []
    for rate, (net, vat) in sorted(sums.items(), reverse=True):
        if not rate:
            totals.append(DocumentTotal(net, EXEMPT_CODE, None, None))
        elif rate in TAX_CODES:
            totals.append(DocumentTotal(net, TAX_CODES[rate], rate, vat))
        else:
            raise IsafError(
                _("No i.SAF tax code is set for the VAT rate %(rate)s %%.") % {"rate": rate}
            )
    return totals


def _documents(month: dt.date) -> Iterator[tuple[Document, list[DocumentTotal]]]:
    """The documents issued in `month` with something to report (one with only interest is no
    VAT invoice), in number order, loaded a chunk at a time as plain rows."""
    rows = (
        Invoice.objects.filter(issue_date__gte=month, issue_date__lte=month_end(month))
        .order_by("series", "sequence")
        .values_list("pk", *Document._fields[:-2], "corrects__number", "corrects__issue_date")
        .iterator(chunk_size=CHUNK)
    )
    while chunk := list(itertools.islice(rows, CHUNK)):
        lines: dict[int, list[Line]] = {}
        for invoice_id, *line in InvoiceLine.objects.filter(
            invoice_id__in=[row[0] for row in chunk]
        ).values_list("invoice_id", *Line._fields):
            lines.setdefault(invoice_id, []).append(Line(*line))
        for pk, *fields in chunk:
            if totals := document_totals(lines.get(pk, [])):
                yield Document(*fields), totals


# Characters XML 1.0 does not allow in text (control characters): dropped, not an error.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _leaf(tag: str, text: object) -> str:
    return f"<{tag}>{escape(NOT_XML.sub('', str(text)))}</{tag}>"


def _nil(tag: str) -> str:
    return f'<{tag} xsi:nil="true"/>'


def _invoice_xml(invoice: Document, totals: list[DocumentTotal]) -> str:
    """One SalesInvoice, its elements in the XSD's order (all of them are sequences)."""
    parts = [
        "<Invoice>",
        _leaf("InvoiceNo", invoice.number),
        "<CustomerInfo>",
        _leaf("VATRegistrationNumber", invoice.buyer_vat_code or NOT_GIVEN),
        _leaf("RegistrationNumber", invoice.buyer_company_code or NOT_GIVEN),
        _leaf("Country", COUNTRY),
        _leaf("Name", invoice.customer_name[:256] or NOT_GIVEN),
        "</CustomerInfo>",
        _leaf("InvoiceDate", invoice.issue_date.isoformat()),
        _leaf("InvoiceType", "KS" if invoice.kind == Invoice.Kind.CREDIT_NOTE else "SF"),
        "<SpecialTaxation></SpecialTaxation>",
        "<References>",
    ]
    if invoice.corrects_number and invoice.corrects_issue_date:
        parts += [
            "<Reference>",
            _leaf("ReferenceNo", invoice.corrects_number),
            _leaf("ReferenceDate", invoice.corrects_issue_date.isoformat()),
            "</Reference>",
        ]
    parts += ["</References>", _nil("VATPointDate"), "<DocumentTotals>"]
    for total in totals:
        parts += [
            "<DocumentTotal>",
            _leaf("TaxableValue", f"{total.taxable_value:.2f}"),
            _leaf("TaxCode", total.tax_code),
            _nil("TaxPercentage")
            if total.tax_percentage is None
            else _leaf("TaxPercentage", f"{total.tax_percentage:f}"),
            _nil("Amount") if total.amount is None else _leaf("Amount", f"{total.amount:.2f}"),
            _nil("VATPointDate2"),
            "</DocumentTotal>",
        ]
    parts += ["</DocumentTotals>", "</Invoice>\n"]
    return "".join(parts)


def _software_version() -> str:
    try:
        return importlib.metadata.version("mokesta")[:24]
    except importlib.metadata.PackageNotFoundError:
        return ""


def write_isaf(out: IO[bytes], *, month: dt.date, created: dt.datetime | None = None) -> int:
    """Write the i.SAF register (DataType S) of the documents issued in `month` (its first day)
    to `out`; returns how many documents it lists. Does not validate: see `validate_isaf`.

    Written as text, one invoice at a time (an XML library's element-by-element writer took four
    times as long); validate_isaf checks the result against the XSD."""
    if not FIRST_MONTH <= month < dt.date(2100, 1, 1):
        raise IsafError(_("i.SAF covers the months from 2016-09 to 2099-12."))
    utility = Utility.fresh()
    code = utility.company_code.strip()
    if not (code.isascii() and code.isdigit() and len(code) <= 11):
        raise IsafError(
            _(
                "Enter the utility's company code in the utility's details first: the i.SAF "
                "file names the taxpayer by it."
            )
        )
    created = timezone.localtime(created or timezone.now()).replace(microsecond=0)
    header = [
        "<?xml version='1.0' encoding='UTF-8'?>\n",
        f'<iSAFFile xmlns="{NS}" xmlns:xsi="{XSI}">\n',
        "<Header><FileDescription>",
        _leaf("FileVersion", "iSAF1.2"),
        _leaf("FileDateCreated", created.isoformat()),
        _leaf("DataType", "S"),
        _leaf("SoftwareCompanyName", ""),
        _leaf("SoftwareName", "MOKESTA savitarna"),
        _leaf("SoftwareVersion", _software_version()),
        _leaf("RegistrationNumber", code),
        _leaf("NumberOfParts", 1),
        _leaf("PartNumber", 1),
        "<SelectionCriteria>",
        _leaf("SelectionStartDate", month.isoformat()),
        _leaf("SelectionEndDate", month_end(month).isoformat()),
        "</SelectionCriteria></FileDescription></Header>\n",
    ]
    out.write("".join(header).encode())
    count = 0
    for invoice, totals in _documents(month):
        if not count:
            # SalesInvoices must hold at least one invoice: a month without any has none.
            out.write(b"<SourceDocuments><SalesInvoices>\n")
        out.write(_invoice_xml(invoice, totals).encode())
        count += 1
    if count:
        out.write(b"</SalesInvoices></SourceDocuments>\n")
    out.write(b"</iSAFFile>\n")
    return count


@functools.cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def validate_isaf(source: IO[bytes]) -> None:
    """Check an i.SAF file against the XSD while reading it (element by element, so a large file
    is not held in memory); IsafError names the first problem."""
    try:
        for _event, element in etree.iterparse(source, events=("end",), schema=_schema()):
            if element.tag == f"{{{NS}}}Invoice":
                # Checked: drop it and the ones before it.
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.XMLSyntaxError as error:
        raise IsafError(
            _("The i.SAF file does not match the XSD: %(error)s") % {"error": error}
        ) from error
