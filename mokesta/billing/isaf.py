"""i.SAF: the tax authority's (VMI) XML register of issued VAT invoices, one file per VAT period.

`write_isaf` writes the register of the documents issued in a calendar month (DataType S: issued
invoices only) and checks the file against the official XSD (`xsd/isaf_1_2.xsd`, see
`xsd/SOURCE.md` for where it comes from) before anyone gets it, so an invalid file is never
handed out. The file is written element by element and checked while it is read back, so a
month of 100,000 invoices never sits in memory as a tree.

Rules (README, "Business customers and VAT invoices"):
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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, NamedTuple

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
NIL = {f"{{{XSI}}}nil": "true"}
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


def _leaf(xf: etree.xmlfile, tag: str, text: object = None, *, nil: bool = False) -> None:
    with xf.element(f"{{{NS}}}{tag}", NIL if nil else {}):
        if text is not None:
            xf.write(str(text))


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _write_invoice(xf: etree.xmlfile, invoice: Document, totals: list[DocumentTotal]) -> None:
    with xf.element(f"{{{NS}}}Invoice"):
        _leaf(xf, "InvoiceNo", invoice.number)
        with xf.element(f"{{{NS}}}CustomerInfo"):
            _leaf(xf, "VATRegistrationNumber", invoice.buyer_vat_code or NOT_GIVEN)
            _leaf(xf, "RegistrationNumber", invoice.buyer_company_code or NOT_GIVEN)
            _leaf(xf, "Country", COUNTRY)
            _leaf(xf, "Name", invoice.customer_name[:256] or NOT_GIVEN)
        _leaf(xf, "InvoiceDate", invoice.issue_date.isoformat())
        _leaf(xf, "InvoiceType", "KS" if invoice.kind == Invoice.Kind.CREDIT_NOTE else "SF")
        _leaf(xf, "SpecialTaxation", "")
        with xf.element(f"{{{NS}}}References"):
            if invoice.corrects_number and invoice.corrects_issue_date:
                with xf.element(f"{{{NS}}}Reference"):
                    _leaf(xf, "ReferenceNo", invoice.corrects_number)
                    _leaf(xf, "ReferenceDate", invoice.corrects_issue_date.isoformat())
        _leaf(xf, "VATPointDate", nil=True)
        with xf.element(f"{{{NS}}}DocumentTotals"):
            for total in totals:
                with xf.element(f"{{{NS}}}DocumentTotal"):
                    _leaf(xf, "TaxableValue", _amount(total.taxable_value))
                    _leaf(xf, "TaxCode", total.tax_code)
                    if total.tax_percentage is None:
                        _leaf(xf, "TaxPercentage", nil=True)
                    else:
                        _leaf(xf, "TaxPercentage", f"{total.tax_percentage:f}")
                    if total.amount is None:
                        _leaf(xf, "Amount", nil=True)
                    else:
                        _leaf(xf, "Amount", _amount(total.amount))
                    _leaf(xf, "VATPointDate2", nil=True)


def _software_version() -> str:
    try:
        return importlib.metadata.version("mokesta")[:24]
    except importlib.metadata.PackageNotFoundError:
        return ""


def write_isaf(out: IO[bytes], *, month: dt.date, created: dt.datetime | None = None) -> int:
    """Write the i.SAF register (DataType S) of the documents issued in `month` (its first day)
    to `out`; returns how many documents it lists. Does not validate: see `validate_isaf`."""
    if not FIRST_MONTH <= month < dt.date(2100, 1, 1):
        raise IsafError(_("i.SAF covers the months from 2016-09 to 2099-12."))
    utility = Utility.current()
    code = utility.company_code.strip()
    if not (code.isascii() and code.isdigit() and len(code) <= 11):
        raise IsafError(
            _(
                "Enter the utility's company code in the utility's details first: the i.SAF "
                "file names the taxpayer by it."
            )
        )
    created = timezone.localtime(created or timezone.now()).replace(microsecond=0)
    listed = _documents(month)
    first = next(listed, None)
    count = 0
    with etree.xmlfile(out, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{NS}}}iSAFFile", nsmap={None: NS, "xsi": XSI}):
            with xf.element(f"{{{NS}}}Header"), xf.element(f"{{{NS}}}FileDescription"):
                _leaf(xf, "FileVersion", "iSAF1.2")
                _leaf(xf, "FileDateCreated", created.isoformat())
                _leaf(xf, "DataType", "S")
                _leaf(xf, "SoftwareCompanyName", "")
                _leaf(xf, "SoftwareName", "MOKESTA savitarna")
                _leaf(xf, "SoftwareVersion", _software_version())
                _leaf(xf, "RegistrationNumber", code)
                _leaf(xf, "NumberOfParts", 1)
                _leaf(xf, "PartNumber", 1)
                with xf.element(f"{{{NS}}}SelectionCriteria"):
                    _leaf(xf, "SelectionStartDate", month.isoformat())
                    _leaf(xf, "SelectionEndDate", month_end(month).isoformat())
            # SalesInvoices must hold at least one invoice: a month without any has none.
            if first is not None:
                with xf.element(f"{{{NS}}}SourceDocuments"), xf.element(f"{{{NS}}}SalesInvoices"):
                    for invoice, totals in itertools.chain([first], listed):
                        _write_invoice(xf, invoice, totals)
                        count += 1
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
