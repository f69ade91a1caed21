import datetime as dt
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.billing.models import Invoice
from mokesta.customers.access import pick_contract, user_contract
from mokesta.lib.money import ZERO
from mokesta.payments.models import Payment


@login_required
def payments_pick(request: AuthenticatedHttpRequest) -> HttpResponse:
    return pick_contract(request, "payments:list", _("Payments"))


@login_required
def payment_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Invoices and payments of a contract in date order, with the balance after each."""
    contract = user_contract(request.user, pk)
    invoices = Invoice.objects.filter(contract=contract).select_related("period").defer("pdf")
    payments = Payment.objects.filter(contract=contract)
    # (date, order within a day: invoices before payments, charge, payment, object)
    events: list[tuple[dt.date, int, int, Decimal | None, Decimal | None, Invoice | Payment]] = [
        (i.issue_date, 0, i.pk, i.total, None, i) for i in invoices
    ]
    events += [(p.paid_on, 1, p.pk, None, p.amount, p) for p in payments]
    events.sort(key=lambda e: e[:3])
    rows = []
    running = ZERO
    for day, _order, _pk, charge, paid, obj in events:
        running += (charge or ZERO) - (paid or ZERO)
        rows.append({"day": day, "charge": charge, "paid": paid, "obj": obj, "balance": running})
    rows.reverse()
    return render(
        request,
        "payments/list.html",
        {"contract": contract, "rows": rows, "balance": running},
    )
