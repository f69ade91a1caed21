from decimal import Decimal
from html import escape  # the standard one: Django's adds a lazy-string check per call
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import QuerySet
from django.db.models.utils import create_namedtuple_class
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.accounts.models import User
from mokesta.billing.barcode import invoice_barcode
from mokesta.billing.invoice_readings import InvoiceReading, meter_readings
from mokesta.billing.ledger import (
    CREDITED,
    PAID,
    UNPAID,
    balance_of,
    paid_sql,
    paid_value,
    settle,
)
from mokesta.billing.models import Invoice, InvoiceLine
from mokesta.billing.pdf import invoice_pdf_bytes
from mokesta.customers.access import safe_filename
from mokesta.lib.money import ZERO, round_money
from mokesta.portal.rows import day, numbers, pk_url
from mokesta.portal.templatetags.portal_tags import payment_details_html
from mokesta.utility.models import Utility


def user_invoices(user: User) -> QuerySet[Invoice]:
    return (
        Invoice.objects.filter(contract__accesses__user=user)
        .select_related("period", "contract", "corrects")
        .defer("pdf", "corrects__pdf")  # the list never needs the stored PDFs
    )


# The page's queries are plain SQL (the ORM spent about 0.3 ms of Python building each one, on
# top of what a query costs), access checked in the same query, read by fetch() below.

# The user's contracts, each with its payments summed (the ledger's rule: paid_sql()).
CONTRACTS_SQL = f"""
    SELECT a.contract_id, {paid_sql("a.contract_id")} AS paid
    FROM customers_contractaccess a WHERE a.user_id = %s
"""  # noqa: S608 (no value in the text: the ledger's SQL)
# What the list shows and the ledger needs of each of the user's invoices, as plain rows named
# as the ORM's values_list() named them (no model instances: four per invoice with the related
# ones were the larger part of the page's time).
LIST_SQL = """
    SELECT i.id AS pk, i.number, i.kind, i.contract_id, i.corrects_id, i.issue_date, i.sequence,
        i.due_date, i.total, i.amount_due, p.month AS period__month,
        c.number AS contract__number, k.number AS corrects__number
    FROM billing_invoice i
    JOIN customers_contractaccess a ON a.contract_id = i.contract_id AND a.user_id = %s
    JOIN customers_contract c ON c.id = i.contract_id
    JOIN billing_billingperiod p ON p.id = i.period_id
    LEFT JOIN billing_invoice k ON k.id = i.corrects_id
    ORDER BY i.issue_date DESC, i.sequence DESC
"""
_invoice, _line = Invoice._meta.get_field, InvoiceLine._meta.get_field
LIST_TYPES = {name: _invoice(name) for name in ("total", "amount_due")}


# Per query and kind of database, found on its first run: the type of its rows and the ORM's
# converters of its typed columns (they keep nothing of the connection they came from).
_readers: dict[tuple[str, str], tuple[Any, list[tuple[int, Any, Any]]]] = {}


def fetch(sql: str, params: list[Any], types: dict[str, Any]) -> list[Any]:
    """The rows of a plain-SQL query as named tuples (attributes named as its columns), each
    column named in `types` converted as the ORM converts that model field: SQLite returns
    decimals as floats (on PostgreSQL the driver's types are the ORM's: nothing to convert)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        reader = _readers.get((sql, connection.vendor))
        if reader is None:
            names = [column[0] for column in cursor.description]
            converters = [
                (names.index(name), convert, field.cached_col)
                for name, field in types.items()
                for convert in (
                    connection.ops.get_db_converters(field.cached_col)
                    + field.get_db_converters(connection)
                )
            ]
            reader = _readers[sql, connection.vendor] = (
                create_namedtuple_class(*names),
                converters,
            )
    row_type, converters = reader
    if not converters:
        return [row_type._make(row) for row in rows]
    typed = []
    for row in rows:
        values = list(row)
        for index, convert, col in converters:
            values[index] = convert(values[index], col, connection)
        typed.append(row_type._make(values))
    return typed


@login_required
def invoice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(CONTRACTS_SQL, [request.user.pk])
        paid = {contract_id: paid_value(value) for contract_id, value in cursor.fetchall()}
    # Until a contract is linked, the linking step is the page to see.
    if not paid:
        return redirect("portal:dashboard")
    # All of a contract's invoices are needed to tell which are paid (oldest are paid first).
    invoices = fetch(LIST_SQL, [request.user.pk], LIST_TYPES)
    states = settle(invoices, paid)
    # (invoice, state) pairs: what the page shows, as data (tests read the states from it).
    rows = [(invoice, states[invoice.pk]) for invoice in invoices]
    context = {"rows": rows, "table": invoice_rows(invoices, states), "has_contracts": True}
    return render(request, "billing/list.html", context)


def invoice_rows(invoices: list[Any], states: dict[int, str]) -> SafeString:
    """The invoice list's table rows (see rows.py for why in Python), from LIST_SQL rows."""
    detail, pdf, num = pk_url("billing:detail"), pk_url("billing:pdf"), numbers()
    contract, period, total, due, due_date, state_label = (
        escape(label)
        for label in (
            *(_("Contract"), _("Period"), _("Total, €")),
            *(_("Amount due, €"), _("Due date"), _("State")),
        )
    )
    state_html = {
        "credited": format_html('<span class="credit">{}</span>', _("credited")),
        "paid": format_html('<span class="credit">{}</span>', _("paid")),
    }
    unpaid = format_html('<span class="debt">{}</span>', _("unpaid"))
    note_for, pdf_of_note = _("credit note for %(number)s"), _("PDF of credit note %(number)s")
    pdf_of_invoice = _("PDF of invoice %(number)s")

    def row(invoice: Any) -> str:
        number = escape(invoice.number)
        if invoice.kind == "credit_note":
            state = escape(note_for % {"number": invoice.corrects__number})
            pdf_label = escape(pdf_of_note % {"number": invoice.number})
        else:
            state = state_html.get(states[invoice.pk], unpaid)
            pdf_label = escape(pdf_of_invoice % {"number": invoice.number})
        return (
            f'<tr><td><a href="{detail(invoice.pk)}">{number}</a></td>'
            f'<td data-label="{contract}">{escape(invoice.contract__number)}</td>'
            f'<td data-label="{period}">{day(invoice.period__month, "Y-m")}</td>'
            f'<td class="num" data-label="{total}">{num(invoice.total)}</td>'
            f'<td class="num" data-label="{due}">{num(invoice.amount_due)}</td>'
            f'<td data-label="{due_date}">{day(invoice.due_date)}</td>'
            f'<td data-label="{state_label}">{state}</td>'
            f'<td><a href="{pdf(invoice.pk)}" download aria-label="{pdf_label}">PDF</a></td></tr>\n'
        )

    return SafeString("".join(map(row, invoices)))


# The invoice page's invoice, if the user has access to its contract, with what the page shows
# of it, of its contract, its period and the invoice it corrects, on each row of one of its lines
# (one row without a line if it has none). The page reads only these columns.
DETAIL_SQL = """
    SELECT i.id AS pk, i.number, i.kind, i.contract_id, i.corrects_id, i.reason,
        i.customer_name, i.customer_address, i.issue_date, i.due_date, i.payment_code,
        i.payer_code, i.total, i.interest, i.previous_balance, i.amount_due,
        c.number AS contract_number, p.month AS period_month, k.number AS corrects_number,
        k.issue_date AS corrects_issue_date, l.id AS line, l.description, l.quantity, l.unit,
        l.unit_price, l.net, l.vat, l.total AS line_total
    FROM billing_invoice i
    JOIN customers_contractaccess a ON a.contract_id = i.contract_id AND a.user_id = %s
    JOIN customers_contract c ON c.id = i.contract_id
    JOIN billing_billingperiod p ON p.id = i.period_id
    LEFT JOIN billing_invoice k ON k.id = i.corrects_id
    LEFT JOIN billing_invoiceline l ON l.invoice_id = i.id
    WHERE i.id = %s
    ORDER BY l.id
"""
DETAIL_TYPES = {
    **{name: _invoice(name) for name in ("total", "interest", "previous_balance", "amount_due")},
    **{name: _line(name) for name in ("quantity", "unit_price", "net", "vat")},
    "line_total": _line("total"),
}


@login_required
def invoice_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    rows = fetch(DETAIL_SQL, [request.user.pk, pk], DETAIL_TYPES)
    if not rows:
        raise Http404
    invoice = rows[0]
    lines = [row for row in rows if row.line is not None]
    # Paid or not depends on the contract's other invoices (payments cover the oldest first);
    # the same rows name the credit notes that correct this one.
    siblings, paid = contract_invoices(invoice.contract_id)
    state = settle(siblings, {invoice.contract_id: paid})
    corrections = [other for other in siblings if other.corrects_id == invoice.pk]
    credit_note = invoice.kind == Invoice.Kind.CREDIT_NOTE
    return render(
        request,
        "billing/detail.html",
        {
            "invoice": invoice,
            "has_contracts": True,  # the menu's question, answered: one query less
            "title": invoice_title(invoice),
            "facts": invoice_facts(invoice, state[invoice.pk], corrections),
            "readings": readings_section(
                meter_readings(invoice.contract_id, invoice.period_month),
                pk_url("metering:declare")(invoice.contract_id),
            ),
            "lines": lines_table(invoice, lines),
            # Rendered once per process for each invoice; a credit note is not paid by transfer.
            "payment_details": (
                "" if credit_note else payment_details_html(invoice, Utility.current())
            ),
            # What „Apmokėti" offers to pay (0 hides the button).
            "unpaid": unpaid_part(invoice, state[invoice.pk], siblings, paid),
            "links": invoice_links(invoice.pk),
            "barcode": invoice_barcode(
                kind=invoice.kind, payment_code=invoice.payment_code, amount_due=invoice.amount_due
            ),
        },
    )


# The invoice page's parts built in Python (see rows.py for why): in the template language they
# took about 0.5 ms more. The markup is the template's (but for blank lines). Labels are read
# into names before the f-strings: xgettext does not see a gettext call inside one.


def invoice_links(pk: int) -> SafeString:
    download, everything = escape(_("Download PDF")), escape(_("All invoices"))
    return SafeString(
        f'<a class="button" href="{pk_url("billing:pdf")(pk)}" download>{download}</a> '
        f'<a href="{reverse("billing:list")}">{everything}</a>'
    )


def invoice_title(invoice: Any) -> SafeString:
    """The page's title and heading: „Sąskaita VKU000123" or „Kreditinė sąskaita …"."""
    if invoice.kind == Invoice.Kind.CREDIT_NOTE:
        title = _("Credit note %(number)s")
    else:
        title = _("Invoice %(number)s")
    return SafeString(title % {"number": escape(invoice.number)})


def invoice_facts(invoice: Any, state: str, corrections: list[Any]) -> SafeString:
    """The invoice's state, amount due and particulars, from a DETAIL_SQL row; a credit
    note shows the invoice it corrects, an invoice the credit notes that correct it."""
    detail = pk_url("billing:detail")
    credit_note = invoice.kind == Invoice.Kind.CREDIT_NOTE
    html: list[str] = []
    if not credit_note:
        label = {CREDITED: _("credited"), PAID: _("paid")}.get(state, _("unpaid"))
        state_label = escape(_("State:"))
        html.append(f'<p class="state state-{state}">{state_label} {escape(label)}</p>')
    pay_by = ""
    if not credit_note and invoice.amount_due > 0:
        pay_by_label = escape(_("Pay by"))
        pay_by = f" · {pay_by_label} {day(invoice.due_date)}"
    amount_due = escape(_("Amount due"))
    html.append(
        f'<p class="amount-line">{amount_due}: <span class="amount-due">'
        f"{floatformat(invoice.amount_due, '2')} €</span>{pay_by}</p>\n<dl>"
    )

    def fact(label: str, value: str) -> None:
        html.append(f"  <dt>{escape(label)}</dt><dd>{value}</dd>")

    if invoice.corrects_id:
        fact(
            _("Corrects invoice"),
            f'<a href="{detail(invoice.corrects_id)}">{escape(invoice.corrects_number)}</a> '
            f"({day(invoice.corrects_issue_date)})",
        )
        fact(_("Reason"), escape(invoice.reason))
    for note in corrections:
        fact(
            _("Corrected by credit note"),
            f'<a href="{detail(note.pk)}">{escape(note.number)}</a> ({day(note.issue_date)})',
        )
    contract = pk_url("customers:contract")(invoice.contract_id)
    fact(_("Contract"), f'<a href="{contract}">{escape(invoice.contract_number)}</a>')
    fact(_("Customer"), f"{escape(invoice.customer_name)}, {escape(invoice.customer_address)}")
    fact(_("Period"), day(invoice.period_month, "Y-m"))
    fact(_("Issue date"), day(invoice.issue_date))
    if not invoice.corrects_id:
        fact(_("Due date"), day(invoice.due_date))
        fact(_("Payment code"), escape(invoice.payment_code))
    html.append("</dl>")
    return SafeString("\n".join(html))


def lines_table(invoice: Any, lines: list[Any]) -> SafeString:
    """The table of the invoice's lines and totals, from DETAIL_SQL rows."""
    num = numbers()
    service, quantity, price, net, vat, total = (
        escape(label)
        for label in (
            *(_("Service"), _("Quantity"), _("Price without VAT, €")),
            *(_("Amount without VAT, €"), _("VAT, €"), _("Total, €")),
        )
    )
    rows = "".join(
        f"    <tr><td>{escape(line.description)}</td>"
        f'<td class="num" data-label="{quantity}">{num(line.quantity.normalize())} '
        f"{escape(line.unit)}</td>"
        f'<td class="num" data-label="{price}">{num(line.unit_price)}</td>'
        f'<td class="num" data-label="{net}">{num(line.net)}</td>'
        f'<td class="num" data-label="{vat}">{num(line.vat)}</td>'
        f'<td class="num" data-label="{total}">{num(line.line_total)}</td></tr>\n'
        for line in lines
    )
    foot = '    <tr><th scope="row" colspan="5">{}</th><td class="num">{}</td></tr>\n'
    interest = _("of which late payment interest (no VAT)")
    heading = escape(_("Lines"))
    return SafeString(
        f"<h2>{heading}</h2>\n"
        '<table class="stack">\n'
        f'  <thead><tr><th scope="col">{service}</th><th scope="col" class="num">{quantity}</th>'
        f'<th scope="col" class="num">{price}</th><th scope="col" class="num">{net}</th>'
        f'<th scope="col" class="num">{vat}</th><th scope="col" class="num">{total}</th>'
        "</tr></thead>\n"
        f"  <tbody>\n{rows}  </tbody>\n"
        "  <tfoot>\n"
        + foot.format(escape(_("Total for the period")), num(invoice.total))
        + (foot.format(escape(interest), num(invoice.interest)) if invoice.interest else "")
        + foot.format(escape(_("Previous balance")), num(invoice.previous_balance))
        + foot.format(escape(_("Amount due")), f"<strong>{num(invoice.amount_due)}</strong>")
        + "  </tfoot>\n</table>"
    )


def readings_section(readings: list[InvoiceReading], declare_url: str) -> SafeString:
    """The table of the meter readings the invoice was billed from, then a notice for each
    estimated one; nothing without readings."""
    if not readings:
        return SafeString("")
    num = numbers()
    meter, previous, current, used = (
        escape(label)
        for label in (
            *(_("Meter"), _("Previous reading, m³")),
            *(_("Current reading, m³"), _("Consumption, m³")),
        )
    )
    estimated_label = escape(_("estimated"))
    estimated = f" ({estimated_label})"
    rows = "".join(
        f'    <tr><td data-label="{meter}">{escape(row.meter.serial_number)}</td>\n'
        f'      <td class="num" data-label="{previous}">{num(row.previous)}'
        f"{estimated if row.previous_estimated else ''}</td>\n"
        f'      <td class="num" data-label="{current}">{num(row.current)}'
        f"{estimated if row.current_estimated else ''}</td>\n"
        f'      <td class="num" data-label="{used}">{num(row.used)}</td></tr>\n'
        for row in readings
    )
    notice = _(
        "The reading of meter %(serial)s was estimated from its average use because no "
        "reading was declared by the end of the month."
    )
    declare_label = escape(_("Declare readings"))
    declare = f'\n  <a href="{declare_url}">{declare_label}</a></p>\n'
    notices = "".join(
        '<p class="notice">' + notice % {"serial": escape(row.meter.serial_number)} + declare
        for row in readings
        if row.current_estimated
    )
    heading = escape(_("Meter readings"))
    return SafeString(
        f"<h2>{heading}</h2>\n"
        '<table class="stack">\n'
        f'  <thead><tr><th scope="col">{meter}</th><th scope="col" class="num">{previous}</th>'
        f'<th scope="col" class="num">{current}</th><th scope="col" class="num">{used}</th>'
        "</tr></thead>\n"
        f"  <tbody>\n{rows}  </tbody>\n</table>\n{notices}"
    )


# Every invoice and credit note of a contract, with what the ledger and the page need, and the
# contract's payments summed (the ledger's paid_sql(), the same on every row).
SIBLINGS_SQL = f"""
    SELECT id AS pk, contract_id, corrects_id, total, issue_date, sequence, number,
        {paid_sql("%s")} AS paid
    FROM billing_invoice WHERE contract_id = %s
"""  # noqa: S608 (no value in the text: the ledger's SQL)


def contract_invoices(contract_id: int) -> tuple[list[Any], Decimal]:
    """Every invoice and credit note of a contract as plain rows (settle() reads their
    attributes), and what the contract paid in all: one query."""
    siblings = fetch(SIBLINGS_SQL, [contract_id, contract_id], {"total": _invoice("total")})
    return siblings, paid_value(siblings[0].paid if siblings else None)


def unpaid_part(invoice: Any, state: str, siblings: list[Any], paid: Decimal) -> Decimal:
    """What paying `invoice` should take: its amount due, but no more than the contract owes now
    (part of it may be paid already); ZERO when it is not unpaid. `siblings` are all of the
    contract's invoices, `paid` all of its payments."""
    if state != UNPAID:
        return ZERO
    owed = balance_of((other.total for other in siblings), [paid])
    return round_money(min(invoice.amount_due, owed))


def unpaid_amount(invoice: Invoice) -> Decimal:
    """unpaid_part() of one invoice, read from the database."""
    siblings, paid = contract_invoices(invoice.contract_id)
    state = settle(siblings, {invoice.contract_id: paid})[invoice.pk]
    return unpaid_part(invoice, state, siblings, paid)


@login_required
def invoice_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invoice = get_object_or_404(
        Invoice.objects.filter(contract__accesses__user=request.user).select_related(
            "period", "contract"
        ),
        pk=pk,
    )
    response = HttpResponse(invoice_pdf_bytes(invoice), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="saskaita-{safe_filename(invoice.number)}.pdf"'
    )
    # An invoice carries personal data: no shared or browser cache keeps a copy.
    response["Cache-Control"] = "no-store"
    return response
