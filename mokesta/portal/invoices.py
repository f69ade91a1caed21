from decimal import Decimal
from html import escape  # the standard one: Django's adds a lazy-string check per call
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.accounts.models import User
from mokesta.billing.invoice_readings import InvoiceReading, meter_readings
from mokesta.billing.ledger import UNPAID, balance_of, invoice_states, paid_totals, settle
from mokesta.billing.models import Invoice
from mokesta.billing.pdf import invoice_pdf_bytes
from mokesta.customers.access import safe_filename, user_contracts
from mokesta.lib.money import ZERO, round_money
from mokesta.portal.rows import day, numbers, pk_url


def user_invoices(user: User) -> QuerySet[Invoice]:
    return (
        Invoice.objects.filter(contract__accesses__user=user)
        .select_related("period", "contract", "corrects")
        .defer("pdf", "corrects__pdf")  # the list never needs the stored PDFs
    )


# What the list shows and the ledger needs, as plain rows (no model instances: four per
# invoice with the related ones, the larger part of the page's time).
LIST_FIELDS = [
    *("pk", "number", "kind", "contract_id", "corrects_id", "issue_date", "sequence"),
    *("due_date", "total", "amount_due", "period__month", "contract__number", "corrects__number"),
]


@login_required
def invoice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    # All of a contract's invoices are needed to tell which are paid (oldest are paid first).
    invoices: list[Any] = list(  # named rows with the attributes settle() reads
        Invoice.objects.filter(contract__accesses__user=request.user)
        .order_by("-issue_date", "-sequence")
        .values_list(*LIST_FIELDS, named=True)
    )
    # Until a contract is linked, the linking step is the page to see.
    if not invoices and not user_contracts(request.user).exists():
        return redirect("portal:dashboard")
    states = invoice_states(invoices)
    # (invoice, state) pairs: what the page shows, as data (tests read the states from it).
    rows = [(invoice, states[invoice.pk]) for invoice in invoices]
    context = {"rows": rows, "table": invoice_rows(invoices, states), "has_contracts": True}
    return render(request, "billing/list.html", context)


def invoice_rows(invoices: list[Any], states: dict[int, str]) -> SafeString:
    """The invoice list's table rows (see rows.py for why in Python), from LIST_FIELDS rows."""
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

    def row(invoice: Any) -> str:
        number = escape(invoice.number)
        if invoice.kind == "credit_note":
            state = escape(_("credit note for %(number)s") % {"number": invoice.corrects__number})
            pdf_label = escape(_("PDF of credit note %(number)s") % {"number": invoice.number})
        else:
            state = state_html.get(states[invoice.pk], unpaid)
            pdf_label = escape(_("PDF of invoice %(number)s") % {"number": invoice.number})
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


# What the invoice page shows of an invoice, and of each of its lines: one row per line (the
# invoice's fields repeated; a single row with the line fields None when it has no lines).
DETAIL_FIELDS = [
    *("pk", "number", "kind", "contract_id", "contract__number", "period__month", "corrects_id"),
    *("corrects__number", "corrects__issue_date", "reason", "customer_name", "customer_address"),
    *("issue_date", "due_date", "payment_code", "payer_code", "total", "interest"),
    *("previous_balance", "amount_due"),
]
LINE_FIELDS = [
    *("lines__description", "lines__quantity", "lines__unit", "lines__unit_price"),
    *("lines__net", "lines__vat", "lines__total"),
]


@login_required
def invoice_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # Plain rows, the lines with the invoice: each query and model instance was a good part of
    # the page's time.
    rows = list(
        Invoice.objects.filter(pk=pk, contract__accesses__user=request.user)
        .order_by("lines__pk")
        .values_list(*DETAIL_FIELDS, *LINE_FIELDS, named=True)
    )
    if not rows:
        raise Http404
    invoice = rows[0]
    # Paid or not depends on the contract's other invoices (payments cover the oldest first);
    # the same rows name the credit notes that correct this one.
    siblings = contract_invoices(invoice.contract_id)
    paid = paid_totals([invoice.contract_id]).get(invoice.contract_id, ZERO)
    state = settle(siblings, {invoice.contract_id: paid})
    corrections = [other for other in siblings if other.corrects_id == invoice.pk]
    return render(
        request,
        "billing/detail.html",
        {
            "invoice": invoice,
            "has_contracts": True,  # the menu's question, answered: one query less
            "lines": lines_table(invoice, rows),
            "corrections": corrections,
            "state": state[invoice.pk],
            "readings": readings_section(
                meter_readings(invoice.contract_id, invoice.period__month),
                reverse("metering:declare", args=[invoice.contract_id]),
            ),
            # What „Apmokėti" offers to pay (0 hides the button).
            "unpaid": unpaid_part(invoice, state[invoice.pk], siblings, paid),
        },
    )


def lines_table(invoice: Any, rows: list[Any]) -> SafeString:
    """The table of the invoice's lines and totals (see rows.py for why in Python), from
    DETAIL_FIELDS and LINE_FIELDS rows."""
    num = numbers()
    service, quantity, price, net, vat, total = (
        escape(label)
        for label in (
            *(_("Service"), _("Quantity"), _("Price without VAT, €")),
            *(_("Amount without VAT, €"), _("VAT, €"), _("Total, €")),
        )
    )
    lines = "".join(
        f"\n    <tr><td>{escape(line.lines__description)}</td>"
        f'<td class="num" data-label="{quantity}">{num(line.lines__quantity.normalize())} '
        f"{escape(line.lines__unit)}</td>"
        f'<td class="num" data-label="{price}">{num(line.lines__unit_price)}</td>'
        f'<td class="num" data-label="{net}">{num(line.lines__net)}</td>'
        f'<td class="num" data-label="{vat}">{num(line.lines__vat)}</td>'
        f'<td class="num" data-label="{total}">{num(line.lines__total)}</td></tr>\n  '
        for line in rows
        if line.lines__total is not None  # None: the invoice has no lines
    )
    foot = '<tr><th scope="row" colspan="5">{}</th><td class="num">{}</td></tr>'
    interest = (
        foot.format(escape(_("of which late payment interest (no VAT)")), num(invoice.interest))
        if invoice.interest
        else ""
    )
    return SafeString(
        f"<h2>{escape(_('Lines'))}</h2>\n"
        '<table class="stack">\n'
        f'  <thead><tr><th scope="col">{service}</th><th scope="col" class="num">{quantity}</th>'
        f'<th scope="col" class="num">{price}</th><th scope="col" class="num">{net}</th>'
        f'<th scope="col" class="num">{vat}</th><th scope="col" class="num">{total}</th>'
        "</tr></thead>\n"
        f"  <tbody>\n  {lines}\n  </tbody>\n"
        "  <tfoot>\n"
        f"    {foot.format(escape(_('Total for the period')), num(invoice.total))}\n"
        f"    {interest}\n"
        f"    {foot.format(escape(_('Previous balance')), num(invoice.previous_balance))}\n"
        f'    <tr><th scope="row" colspan="5">{escape(_("Amount due"))}</th>'
        f'<td class="num"><strong>{num(invoice.amount_due)}</strong></td></tr>\n'
        "  </tfoot>\n"
        "</table>"
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
    estimated = f" ({escape(_('estimated'))})"
    rows = "".join(
        f'\n    <tr><td data-label="{meter}">{escape(row.meter.serial_number)}</td>\n'
        f'      <td class="num" data-label="{previous}">{num(row.previous)}'
        f"{estimated if row.previous_estimated else ''}</td>\n"
        f'      <td class="num" data-label="{current}">{num(row.current)}'
        f"{estimated if row.current_estimated else ''}</td>\n"
        f'      <td class="num" data-label="{used}">{num(row.used)}</td></tr>\n  '
        for row in readings
    )
    notices = "".join(
        '\n<p class="notice">'
        + _(
            "The reading of meter %(serial)s was estimated from its average use because no "
            "reading was declared by the end of the month."
        )
        % {"serial": escape(row.meter.serial_number)}
        + f'\n  <a href="{declare_url}">{escape(_("Declare readings"))}</a></p>\n'
        for row in readings
        if row.current_estimated
    )
    return SafeString(
        f"\n<h2>{escape(_('Meter readings'))}</h2>\n"
        '<table class="stack">\n'
        f'  <thead><tr><th scope="col">{meter}</th><th scope="col" class="num">{previous}</th>'
        f'<th scope="col" class="num">{current}</th><th scope="col" class="num">{used}</th>'
        "</tr></thead>\n"
        f"  <tbody>\n  {rows}\n  </tbody>\n</table>\n{notices}\n"
    )


def contract_invoices(contract_id: int) -> list[Any]:
    """Every invoice and credit note of a contract, with what the ledger and the page need, as
    plain rows (settle() reads their attributes)."""
    return list(
        Invoice.objects.filter(contract=contract_id)
        .order_by()
        .values_list(
            *("pk", "contract_id", "corrects_id", "total", "issue_date", "sequence", "number"),
            named=True,
        )
    )


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
    siblings = contract_invoices(invoice.contract_id)
    paid = paid_totals([invoice.contract_id]).get(invoice.contract_id, ZERO)
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
