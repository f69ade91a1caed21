"""A contract's invoices and payments with the balance after each (ledger.running_balance): one
query of plain rows (billing.queries.contract_entries), rows from tables.py."""

from typing import NamedTuple

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.billing.ledger import running_balance
from mokesta.billing.queries import contract_entries
from mokesta.customers.access import pick_contract
from mokesta.lib.money import ZERO
from mokesta.portal import tables


@login_required
def payments_pick(request: AuthenticatedHttpRequest) -> HttpResponse:
    return pick_contract(request, "payments:list", _("Payments"))


class ContractRow(NamedTuple):
    pk: int
    number: str


@login_required
def payment_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Invoices and payments of a contract, newest first, with the balance after each."""
    found = contract_entries(request.user, pk)
    if found is None:
        raise Http404
    number, invoices, payments = found
    rows = running_balance(invoices, payments)  # type: ignore[arg-type]  # rows of a Payment's fields
    balance = rows[-1].balance if rows else ZERO
    rows.reverse()
    return render(
        request,
        "payments/list.html",
        {
            "contract": ContractRow(pk, number),
            "rows": rows,
            "table": tables.entry_rows(rows),
            "balance": balance,
            "has_contracts": True,
        },
    )
