from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.accounts.models import User
from mokesta.billing.ledger import balance
from mokesta.billing.models import Invoice
from mokesta.billing.pdf import invoice_pdf_bytes
from mokesta.customers.access import safe_filename, user_contracts
from mokesta.lib.money import ZERO, round_money
from mokesta.payments.models import Payment


def user_invoices(user: User) -> QuerySet[Invoice]:
    return (
        Invoice.objects.filter(contract__accesses__user=user)
        .select_related("period", "contract", "corrects")
        .defer("pdf", "corrects__pdf")  # the list never needs the stored PDFs
    )


PAID, UNPAID, CREDITED, CREDIT_NOTE = "paid", "unpaid", "credited", "credit_note"


def invoice_states(invoices: list[Invoice]) -> dict[int, str]:
    """Paid, unpaid or credited, per invoice. Each credit note is first offset against the invoice
    it corrects (a credited invoice is settled, not unpaid, and takes no payment); then a
    contract's payments cover its remaining invoices oldest first."""
    contract_ids = {invoice.contract_id for invoice in invoices}
    paid = dict(
        Payment.objects.filter(contract_id__in=contract_ids)
        .values_list("contract_id")
        .annotate(s=Sum("amount"))
    )
    credits: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for invoice in invoices:
        if invoice.corrects_id is not None:
            credits[invoice.corrects_id] += invoice.total  # negative
    covered: dict[int, Decimal] = defaultdict(lambda: ZERO)
    states = {}
    for invoice in sorted(invoices, key=lambda i: (i.issue_date, i.sequence)):
        if invoice.corrects_id is not None:
            states[invoice.pk] = CREDIT_NOTE
            continue
        remaining = invoice.total + credits[invoice.pk]
        if invoice.pk in credits and remaining <= 0:
            states[invoice.pk] = CREDITED
            continue
        covered[invoice.contract_id] += remaining
        settled = covered[invoice.contract_id] <= paid.get(invoice.contract_id, ZERO)
        states[invoice.pk] = PAID if settled else UNPAID
    return states


@login_required
def invoice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    contracts = list(user_contracts(request.user))
    if not contracts:  # until a contract is linked, the linking step is the page to see
        return redirect("portal:dashboard")
    # All of a contract's invoices are needed to tell which are paid (oldest are paid first).
    invoices = list(user_invoices(request.user).order_by("-issue_date", "-sequence"))
    states = invoice_states(invoices)
    rows = [(invoice, states[invoice.pk]) for invoice in invoices]
    return render(request, "billing/list.html", {"rows": rows, "contracts": contracts})


@login_required
def invoice_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invoice = get_object_or_404(user_invoices(request.user), pk=pk)
    lines = list(invoice.lines.all())
    corrections = invoice.corrections.defer("pdf")
    # What „Apmokėti" offers to pay: the unpaid part (0 hides the button).
    unpaid = unpaid_amount(invoice)
    return render(
        request,
        "billing/detail.html",
        {"invoice": invoice, "lines": lines, "corrections": corrections, "unpaid": unpaid},
    )


def unpaid_amount(invoice: Invoice) -> Decimal:
    """What paying this invoice should take: its amount due, but no more than the contract owes
    now (part of it may be paid already); ZERO when it is not an unpaid invoice."""
    contract_invoices = list(Invoice.objects.filter(contract_id=invoice.contract_id).defer("pdf"))
    if invoice_states(contract_invoices).get(invoice.pk) != UNPAID:
        return ZERO
    return round_money(min(invoice.amount_due, balance(invoice.contract)))


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
