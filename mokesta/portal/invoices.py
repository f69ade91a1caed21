"""The invoice list, an invoice's page and its PDF. Their reads are billing.queries' (plain rows,
scoped to the user in the query), the ledger's rules (settle, balance_of) are only called, the
markup is billing/list.html (rows from tables.py) and billing/detail.html."""

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.accounts.models import User
from mokesta.billing.barcode import invoice_barcode
from mokesta.billing.invoice_readings import meter_readings
from mokesta.billing.ledger import UNPAID, balance_of, settle
from mokesta.billing.models import Invoice
from mokesta.billing.pdf import invoice_pdf_bytes
from mokesta.billing.queries import (
    contract_invoices,
    invoice_list_rows,
    invoice_with_lines,
    paid_by_contract,
)
from mokesta.customers.access import safe_filename
from mokesta.lib.money import ZERO, round_money
from mokesta.portal import fragments, tables
from mokesta.utility.models import Utility


def user_invoices(user: User) -> QuerySet[Invoice]:
    return (
        Invoice.objects.filter(contract__accesses__user=user)
        .select_related("period", "contract", "corrects")
        .defer("pdf", "corrects__pdf")  # the list never needs the stored PDFs
    )


@login_required
def invoice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    paid = paid_by_contract(request.user)
    # Until a contract is linked, the linking step is the page to see.
    if not paid:
        return redirect("portal:dashboard")
    # All of a contract's invoices are needed to tell which are paid (oldest are paid first).
    invoices = invoice_list_rows(request.user)
    states = settle(invoices, paid)  # type: ignore[arg-type]  # rows with the fields it reads
    # (invoice, state) pairs: what the page shows, as data (tests read the states from it).
    rows = [(invoice, states[invoice.pk]) for invoice in invoices]
    context = {
        "rows": rows,
        "table": tables.invoice_rows(invoices, states),
        "has_contracts": True,
    }
    return render(request, "billing/list.html", context)


@login_required
def invoice_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    rows = invoice_with_lines(request.user, pk)
    if not rows:
        raise Http404
    invoice = rows[0]
    lines = [row for row in rows if row.line is not None]
    # Paid or not depends on the contract's other invoices (payments cover the oldest first);
    # the same rows name the credit notes that correct this one.
    siblings, paid = contract_invoices(invoice.contract_id)
    state = settle(siblings, {invoice.contract_id: paid})[invoice.pk]  # type: ignore[arg-type]
    credit_note = invoice.kind == Invoice.Kind.CREDIT_NOTE
    return render(
        request,
        "billing/detail.html",
        {
            "invoice": invoice,
            "credit_note": credit_note,
            "state": state,
            "corrections": [other for other in siblings if other.corrects_id == invoice.pk],
            "lines": lines,
            "readings": meter_readings(invoice.contract_id, invoice.period_month),
            # Kept rendered per process (fragments.py); a credit note is not paid by transfer.
            "payment_details": (
                "" if credit_note else fragments.payment_details(invoice, Utility.current())
            ),
            # What „Apmokėti" offers to pay (0 hides the button).
            "unpaid": unpaid_part(invoice, state, siblings, paid),
            "has_contracts": True,  # the menu's question, answered: one query less
            "barcode": invoice_barcode(
                kind=invoice.kind, payment_code=invoice.payment_code, amount_due=invoice.amount_due
            ),
        },
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
    siblings, paid = contract_invoices(invoice.contract_id)
    state = settle(siblings, {invoice.contract_id: paid})[invoice.pk]  # type: ignore[arg-type]
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
