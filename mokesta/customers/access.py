"""Contract data a user may see: only contracts linked to them through ContractAccess.

Every customer view fetches its objects through these, so another user's object is a 404. The
rule and the reads behind them are the customers' query layer (queries.py)."""

import re

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.customers.queries import has_contracts as has_contracts
from mokesta.customers.queries import may as may
from mokesta.customers.queries import user_contract as user_contract
from mokesta.customers.queries import user_contracts as user_contracts


def pick_contract(
    request: AuthenticatedHttpRequest, url_name: str, title: str, action: str = "see"
) -> HttpResponse:
    """Menu entries without a contract: straight to it when the user has one (that the user's
    role allows `action` on), else a choice."""
    # The address tells apart two contracts of one person.
    contracts = list(user_contracts(request.user, action).prefetch_related("service_points"))
    if not contracts:
        if action != "see" and has_contracts(request.user):
            raise Http404  # linked, but no role that may do it (e.g. „Peržiūra")
        return redirect("portal:dashboard")
    if len(contracts) == 1:
        return redirect(url_name, contracts[0].pk)
    choices = [(c, reverse(url_name, args=[c.pk])) for c in contracts]
    return render(request, "customers/pick_contract.html", {"choices": choices, "title": title})


def safe_filename(text: str) -> str:
    """A value typed by staff (contract or invoice number) made safe for Content-Disposition."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)
