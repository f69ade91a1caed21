"""Contract data a user may see: only contracts linked to them through ContractAccess.

Every customer view fetches its objects through these, so another user's object is a 404."""

import re

from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.accounts.models import User
from mokesta.customers.models import Contract


def user_contracts(user: User):  # -> ContractQuerySet
    return (
        Contract.objects.filter(accesses__user=user).select_related("customer").order_by("number")
    )


# One of the user's contracts: plain SQL (Django's default table names) through raw(), which
# gives the model with its fields converted as the ORM does; building the ORM query took longer
# than the database to answer it. The customer is read when used.
USER_CONTRACT_SQL = """
    SELECT c.* FROM customers_contract c
    JOIN customers_contractaccess a ON a.contract_id = c.id AND a.user_id = %s
    WHERE c.id = %s
"""


def has_contracts(user: User) -> bool:
    """Whether any contract is linked to `user` (the menu on every page asks): one plain query."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM customers_contractaccess WHERE user_id = %s LIMIT 1", [user.pk]
        )
        return cursor.fetchone() is not None


def user_contract(user: User, pk: int) -> Contract:
    """The contract `pk` if it is linked to `user`, else a 404."""
    for contract in Contract.objects.raw(USER_CONTRACT_SQL, [user.pk, pk]):
        return contract
    raise Http404


def pick_contract(request: AuthenticatedHttpRequest, url_name: str, title: str) -> HttpResponse:
    """Menu entries without a contract: straight to it when the user has one, else a choice."""
    # The address tells apart two contracts of one person.
    contracts = list(user_contracts(request.user).prefetch_related("service_points"))
    if not contracts:
        return redirect("portal:dashboard")
    if len(contracts) == 1:
        return redirect(url_name, contracts[0].pk)
    choices = [(c, reverse(url_name, args=[c.pk])) for c in contracts]
    return render(request, "customers/pick_contract.html", {"choices": choices, "title": title})


def safe_filename(text: str) -> str:
    """A value typed by staff (contract or invoice number) made safe for Content-Disposition."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)
