"""The rows of the customer pages' long tables (the invoice list, the payments page, the table
under each consumption chart: 24 rows and more), written with format_html_join.

In the template language each variable, tag and {% url %} costs tens of microseconds, which over
a history of many rows was most of a page's time (measured on a 24-row table: 2.3 ms as a
template loop, 0.9 ms here). Everything else of a page is its template. The rules here: markup
only through format_html/format_html_join (they escape every value), no f-string or `+` markup;
labels translated once per table with the templates' msgids; URLs, dates and numbers through
the filters of portal_tags, which show what the template showed."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from mokesta.billing.ledger import CREDITED, PAID, Entry
from mokesta.billing.models import Invoice
from mokesta.billing.queries import InvoiceListRow
from mokesta.lib.money import ZERO
from mokesta.metering.chart import Month
from mokesta.onlinepay import providers
from mokesta.payments.models import Payment
from mokesta.portal.templatetags.portal_tags import day, month, numbers, pk_url


def labels(*texts: str) -> list[str]:
    """Fixed labels, escaped once for all the rows that show them."""
    return [format_html("{}", text) for text in texts]


INVOICE_ROW = (
    '<tr><td><a href="{}">{}</a></td><td data-label="{}">{}</td><td data-label="{}">{}</td>'
    '<td class="num" data-label="{}">{}</td><td class="num" data-label="{}">{}</td>'
    '<td data-label="{}">{}</td><td data-label="{}">{}</td>'
    '<td><a href="{}" download aria-label="{}">PDF</a>{}</td></tr>\n'
)


def invoice_rows(
    invoices: list[InvoiceListRow],
    states: dict[int, str],
    unpaid: dict[int, Decimal],
    today: date,
    payable: set[int] | None = None,
) -> str:
    """The invoice list's rows, newest first, each with its state in the ledger's terms and
    what it asks to pay now (`unpaid`, the due-now rule: „–" when nothing), with „Apmokėti"
    where something is; red only for what is past its due date."""
    detail, pdf, num = pk_url("billing:detail"), pk_url("billing:pdf"), numbers()
    pay_url = pk_url("payments:pay_invoice") if providers.current() is not None else None
    pay_label = _("Pay")
    contract, period, total, due, due_date, state_label = labels(
        *(_("Contract"), _("Period"), _("Total, €")),
        *(_("Amount due, €"), _("Due date"), _("State")),
    )
    state_html = {
        CREDITED: format_html('<span class="credit">{}</span>', _("credited")),
        PAID: format_html('<span class="credit">{}</span>', _("paid")),
    }
    overdue = format_html('<span class="debt">{}</span>', _("unpaid"))
    not_yet_due = format_html("<span>{}</span>", _("unpaid"))
    note_for, pdf_of_note = _("credit note for %(number)s"), _("PDF of credit note %(number)s")
    pdf_of_invoice = _("PDF of invoice %(number)s")

    def cells(invoice: InvoiceListRow) -> tuple[Any, ...]:
        if invoice.kind == Invoice.Kind.CREDIT_NOTE:
            state: str = note_for % {"number": invoice.corrects__number}
            pdf_label = pdf_of_note % {"number": invoice.number}
        else:
            late = overdue if invoice.due_date < today else not_yet_due
            state = state_html.get(states[invoice.pk], late)
            pdf_label = pdf_of_invoice % {"number": invoice.number}
        asked = unpaid.get(invoice.pk, ZERO)
        pay = ""
        if (
            asked > 0
            and pay_url is not None
            and (payable is None or invoice.contract_id in payable)
        ):
            pay = format_html(
                ' <a class="button" href="{}">{}<span class="visually-hidden"> {}</span></a>',
                pay_url(invoice.pk),
                pay_label,
                invoice.number,
            )
        return (
            *(detail(invoice.pk), invoice.number, contract, invoice.contract__number),
            *(period, month(invoice.period__month), total, num(invoice.total)),
            *(due, num(asked) if asked > 0 else "–", due_date, day(invoice.due_date)),
            *(state_label, state, pdf(invoice.pk), pdf_label, pay),
        )

    return format_html_join("", INVOICE_ROW, map(cells, invoices))


def entry_rows(entries: Iterable[Entry]) -> str:
    """The payments page's rows: each invoice, credit note and payment with the balance after
    it (ledger.running_balance)."""
    detail, num = pk_url("billing:detail"), numbers()
    charged, paid, balance = labels(_("Charged, €"), _("Paid, €"), _("Balance, €"))
    payment_titles = {
        source: _("Payment (%(source)s)") % {"source": label}
        for source, label in Payment.Source.choices
    }
    credit_note, invoice_title = _("Credit note %(number)s"), _("Invoice %(number)s")

    empty = format_html('<td class="num">{}</td>', "")  # no data-label, as the template wrote

    def amount(label: str, value: Decimal | None) -> str:
        if value is None:
            return empty
        return format_html('<td class="num" data-label="{}">{}</td>', label, num(value))

    def cells(entry: Entry) -> tuple[Any, ...]:
        obj: Any = entry.obj  # an Invoice or a billing.queries.PaymentRow
        if isinstance(obj, Invoice):
            title = credit_note if obj.kind == Invoice.Kind.CREDIT_NOTE else invoice_title
            what: str = format_html(
                '<a href="{}">{}</a>', detail(obj.pk), title % {"number": obj.number}
            )
        else:
            what = payment_titles.get(obj.source) or _("Payment (%(source)s)") % {
                "source": obj.source
            }
        return (
            *(day(entry.day), what, amount(charged, entry.charge), amount(paid, entry.paid)),
            *(balance, num(entry.balance)),
        )

    return format_html_join(
        "",
        '<tr><td>{}</td><td>{}</td>{}{}<td class="num" data-label="{}">{}</td></tr>\n',
        map(cells, entries),
    )


def consumption_rows(months: list[Month]) -> str:
    """The rows of the table under a meter's chart (the chart's numbers, for screen readers)."""
    not_installed, no_reading, estimated = labels(
        _("not installed"), _("no reading"), _("estimated")
    )
    num = numbers()

    def note(m: Month) -> str:
        if not m.in_service:
            return not_installed
        if m.estimated:
            return estimated
        return no_reading if m.m3 is None else ""

    return format_html_join(
        "",
        '<tr><td>{}</td><td class="num">{}</td><td>{}</td></tr>\n',
        ((month(m.month), "–" if m.m3 is None else num(m.m3), note(m)) for m in months),
    )
