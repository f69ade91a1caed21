from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.billing.ledger import with_balance
from mokesta.billing.models import Invoice
from mokesta.customers.access import user_contracts
from mokesta.customers.forms import LinkContractForm
from mokesta.customers.models import ServicePoint
from mokesta.lib.money import round_money
from mokesta.metering.insights import suspected_leaks
from mokesta.metering.models import Meter, Reading
from mokesta.news.models import Article
from mokesta.portal.declare import current_month, deadline


def home(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.published()[:3]
    return render(request, "portal/home.html", {"articles": articles})


def rules(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/rules.html")


def help_page(request: HttpRequest) -> HttpResponse:
    """„Pagalba": reading a meter, where the numbers are on an invoice, deadlines, contacts."""
    return render(request, "portal/help.html")


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Savitarna: each linked contract at a glance; only the linking step until there is one."""
    month = current_month()
    latest = Reading.objects.filter(meter=OuterRef("pk")).order_by("-period")
    meters = (
        Meter.objects.filter(removed_on__isnull=True)
        .order_by("serial_number")
        .annotate(
            last_value=Subquery(latest.values("value")[:1]),
            last_period=Subquery(latest.values("period")[:1]),
            declared=Exists(Reading.objects.filter(meter=OuterRef("pk"), period=month)),
        )
    )
    newest = Invoice.objects.filter(contract=OuterRef("pk")).order_by("-issue_date", "-sequence")
    contracts = list(
        with_balance(user_contracts(request.user))
        .annotate(latest_invoice=Subquery(newest.values("pk")[:1]))
        .prefetch_related(
            Prefetch(
                "service_points",
                queryset=ServicePoint.objects.prefetch_related(Prefetch("meters", queryset=meters)),
            )
        )
    )
    latest_invoices = Invoice.objects.defer("pdf").in_bulk(
        [c.latest_invoice for c in contracts if c.latest_invoice is not None]
    )
    # „Galimas vandens nuotėkis": one query for every meter on the page.
    leaks = suspected_leaks(
        (m for c in contracts for p in c.service_points.all() for m in p.meters.all()), month=month
    )
    cards = []
    for contract in contracts:
        # Meters as annotated by the prefetch above (last_value, last_period, declared).
        meter_list: list[Any] = [m for p in contract.service_points.all() for m in p.meters.all()]
        cards.append(
            {
                "contract": contract,
                "meters": meter_list,
                "to_declare": any(not m.declared for m in meter_list),
                "leaks": [m for m in meter_list if m.pk in leaks],
                "balance": round_money(contract.balance),
                "invoice": latest_invoices.get(contract.latest_invoice),
            }
        )
    return render(
        request,
        "portal/dashboard.html",
        {
            "cards": cards,
            "has_contracts": bool(cards),  # the menu's question, answered: one query less
            "month": month,
            "deadline": deadline(month),
            "link_form": LinkContractForm(),
        },
    )
