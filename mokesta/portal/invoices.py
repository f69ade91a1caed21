from decimal import Decimal
from html import escape  # the standard one: Django's adds a lazy-string check per call
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.accounts.models import User
from mokesta.billing.invoice_readings import invoice_readings
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


@login_required
def invoice_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invoice = get_object_or_404(user_invoices(request.user), pk=pk)
    lines = list(invoice.lines.all())
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
            "lines": lines,
            "corrections": corrections,
            "state": state[invoice.pk],
            "readings": invoice_readings(invoice),
            # What „Apmokėti" offers to pay (0 hides the button).
            "unpaid": unpaid_part(invoice, state[invoice.pk], siblings, paid),
        },
    )


def contract_invoices(contract_id: int) -> list[Invoice]:
    """Every invoice and credit note of a contract, with what the ledger and the page need."""
    return list(
        Invoice.objects.filter(contract=contract_id).only(
            "pk", "contract_id", "corrects_id", "total", "issue_date", "sequence", "number"
        )
    )


def unpaid_part(invoice: Invoice, state: str, siblings: list[Invoice], paid: Decimal) -> Decimal:
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
