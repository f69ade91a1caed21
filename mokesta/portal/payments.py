from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.billing.ledger import running_balance
from mokesta.billing.models import Invoice
from mokesta.customers.access import pick_contract, user_contract
from mokesta.lib.money import ZERO
from mokesta.payments.models import Payment


@login_required
def payments_pick(request: AuthenticatedHttpRequest) -> HttpResponse:
    return pick_contract(request, "payments:list", _("Payments"))


@login_required
def payment_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Invoices and payments of a contract, newest first, with the balance after each."""
    contract = user_contract(request.user, pk)
    # Only what the rows show: fewer columns to read and convert per row.
    invoices = Invoice.objects.filter(contract=contract).only(
        "issue_date", "total", "kind", "number"
    )
    payments = Payment.objects.filter(contract=contract).only("paid_on", "amount", "source")
    rows = running_balance(invoices, payments)
    balance = rows[-1].balance if rows else ZERO
    rows.reverse()
    return render(
        request,
        "payments/list.html",
        {"contract": contract, "rows": rows, "balance": balance},
    )
