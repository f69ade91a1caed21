from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.accounts.models import User
from mokesta.billing.invoice_readings import invoice_readings
from mokesta.billing.ledger import invoice_states
from mokesta.billing.models import Invoice
from mokesta.billing.pdf import invoice_pdf_bytes
from mokesta.customers.access import safe_filename, user_contracts


def user_invoices(user: User) -> QuerySet[Invoice]:
    return (
        Invoice.objects.filter(contract__accesses__user=user)
        .select_related("period", "contract", "corrects")
        .defer("pdf", "corrects__pdf")  # the list never needs the stored PDFs
    )


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
    # Paid or not depends on the contract's other invoices (payments cover the oldest first).
    state = invoice_states(list(user_invoices(request.user).filter(contract=invoice.contract_id)))
    return render(
        request,
        "billing/detail.html",
        {
            "invoice": invoice,
            "lines": lines,
            "corrections": corrections,
            "state": state[invoice.pk],
            "readings": invoice_readings(invoice),
        },
    )


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
