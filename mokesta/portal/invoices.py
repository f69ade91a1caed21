"""The invoice list, an invoice's page and its PDF. Their reads are billing.queries' (plain rows,
scoped to the user in the query), the ledger's rules (settle, balance_of) are only called, the
markup is billing/list.html (rows from tables.py) and billing/detail.html."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import InvalidPage, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.accounts.models import User
from mokesta.billing.barcode import invoice_barcode
from mokesta.billing.invoice_readings import invoice_readings
from mokesta.billing.ledger import UNPAID, Due, due_of_rows, settle
from mokesta.billing.models import Invoice
from mokesta.billing.pdf import invoice_pdf_bytes
from mokesta.billing.queries import (
    InvoiceListRow,
    contract_due,
    contract_invoices,
    invoice_list_rows,
    invoice_with_lines,
    paid_by_contract,
    seller_of,
)
from mokesta.billing.water_info import kept_on
from mokesta.customers.access import safe_filename
from mokesta.customers.queries import allows
from mokesta.lib.dates import local_today
from mokesta.lib.money import ZERO, round_money
from mokesta.metering.models import meter_label
from mokesta.metering.queries import DashboardMeterRow, dashboard_meters
from mokesta.portal import fragments, tables


def user_invoices(user: User) -> QuerySet[Invoice]:
    return (
        Invoice.objects.filter(contract__accesses__user=user)
        .select_related("period", "contract", "corrects")
        .defer("pdf", "corrects__pdf")  # the list never needs the stored PDFs
    )


PER_PAGE = 12


class InvoiceFilter(forms.Form):
    """The invoice list's filters (GET): a contract of the user's, a year, the page."""

    contract = forms.TypedChoiceField(
        label=gettext_lazy("Contract"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": gettext_lazy("Choose one of your contracts.")},
    )
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": gettext_lazy("Choose a year from the list.")},
    )

    def __init__(self, data: Any, *, contracts: list[tuple[int, str]], years: list[int]) -> None:
        super().__init__(data)
        every = [("", _("All"))]
        self.fields["contract"].choices = every + contracts  # type: ignore[attr-defined]
        self.fields["year"].choices = every + [(y, str(y)) for y in years]  # type: ignore[attr-defined]


def contract_choices(contracts: list[DashboardMeterRow]) -> list[tuple[int, str]]:
    """The user's contracts (dashboard_meters' rows) told apart: number, addresses and meters
    (with their names)."""
    points: dict[int, dict[str, list[str]]] = {}
    numbers: dict[int, str] = {}
    for row in contracts:
        numbers[row.contract] = row.number
        meters = points.setdefault(row.contract, {}).setdefault(row.address or "", [])
        if row.serial_number:
            meters.append(meter_label(row.name, row.serial_number))
    return [
        (
            pk,
            " · ".join(
                [number]
                + [
                    f"{address} ({', '.join(meters)})" if meters else address
                    for address, meters in points[pk].items()
                    if address
                ]
            ),
        )
        for pk, number in numbers.items()
    ]


@login_required
def invoice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    paid = paid_by_contract(request.user)
    # Until a contract is linked, the linking step is the page to see.
    if not paid:
        return redirect("portal:dashboard")
    # All of a contract's invoices are needed to tell which are paid (oldest are paid first).
    invoices = invoice_list_rows(request.user)
    states = settle(invoices, paid)  # type: ignore[arg-type]  # rows with the fields it reads
    today = local_today()
    unpaid = unpaid_amounts(invoices, states, paid, today)
    # The contracts with their meters (the filter's choices) and the user's role on each:
    # „Apmokėti" only on the contracts whose role may pay.
    contracts = dashboard_meters(request.user)
    payable = {row.contract for row in contracts if allows(row.role, "pay")}
    years = sorted({invoice.period__month.year for invoice in invoices}, reverse=True)
    form = InvoiceFilter(request.GET, contracts=contract_choices(contracts), years=years)
    shown = invoices
    if form.is_valid():
        contract, year = form.cleaned_data["contract"], form.cleaned_data["year"]
        shown = [
            invoice
            for invoice in invoices
            if (contract is None or invoice.contract_id == contract)
            and (year is None or invoice.period__month.year == year)
        ]
    try:
        page = Paginator(shown, PER_PAGE).page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404(_("There is no such page of invoices.")) from None
    # (invoice, state) pairs: what the page shows, as data (tests read the states from it).
    listed = list(page.object_list)
    rows = [(invoice, states[invoice.pk]) for invoice in listed]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "rows": rows,
        "page": page,
        "form": form,
        "query": query.urlencode(),
        "table": tables.invoice_rows(listed, states, unpaid, today, payable=payable),
        "has_contracts": True,
    }
    return render(request, "billing/list.html", context, status=200 if form.is_valid() else 400)


def unpaid_amounts(
    invoices: list[InvoiceListRow], states: dict[int, str], paid: dict[int, Decimal], day: dt.date
) -> dict[int, Decimal]:
    """unpaid_part() of each invoice of the list, from the rows it has (every invoice of each
    of the user's contracts)."""
    by_contract: dict[int, list[InvoiceListRow]] = {}
    for invoice in invoices:
        by_contract.setdefault(invoice.contract_id, []).append(invoice)
    due = {
        contract: due_of_rows(
            ((i.kind, i.total, i.due_date) for i in rows), paid.get(contract, ZERO), on=day
        )
        for contract, rows in by_contract.items()
    }
    return {
        invoice.pk: unpaid_part(invoice, states[invoice.pk], due[invoice.contract_id])
        for invoice in invoices
    }


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
    today = local_today()
    # What this invoice asks now: the ledger's due-now rule, no more than the invoice's own
    # amount; nothing when it is paid (no payment details, codes or „Apmokėti" then).
    unpaid = unpaid_part(invoice, state, contract_due(siblings, paid, today))
    asked = invoice._replace(amount_due=unpaid)
    seller = seller_of(invoice)  # what the invoice kept at issue, not the utility's details now
    role = invoice.role  # read with the invoice (the access rule's row)
    return render(
        request,
        "billing/detail.html",
        {
            "invoice": invoice,
            "credit_note": credit_note,
            "state": state,
            "corrections": [other for other in siblings if other.corrects_id == invoice.pk],
            "lines": lines,
            # The readings, seller and water figures it kept at issue (billing's includes).
            "readings": invoice_readings(invoice.pk),
            "seller": seller,
            "water": kept_on(invoice),
            # Kept rendered per process (fragments.py); a credit note is not paid by transfer.
            "payment_details": (
                fragments.payment_details(asked, seller) if unpaid > 0 and not credit_note else ""
            ),
            # What „Apmokėti" offers to pay (0 hides the button).
            "unpaid": unpaid,
            "overdue": unpaid > 0 and invoice.due_date < today,
            "has_contracts": True,  # the menu's question, answered: one query less
            "may_pay": allows(role, "pay"),
            "may_declare": allows(role, "declare"),
            "barcode": (
                invoice_barcode(
                    kind=invoice.kind, payment_code=invoice.payment_code, amount_due=unpaid
                )
                if unpaid > 0
                else None
            ),
        },
    )


def unpaid_part(invoice: Any, state: str, due: Due) -> Decimal:
    """What paying `invoice` should take: its amount due, but no more than the contract is asked
    to pay now (the ledger's amount_due_now: part of it may be paid already); ZERO when it is
    not unpaid."""
    if state != UNPAID:
        return ZERO
    return round_money(max(min(invoice.amount_due, due.amount), ZERO))


def unpaid_amount(invoice: Invoice) -> Decimal:
    """unpaid_part() of one invoice, read from the database."""
    siblings, paid = contract_invoices(invoice.contract_id)
    state = settle(siblings, {invoice.contract_id: paid})[invoice.pk]  # type: ignore[arg-type]
    return unpaid_part(invoice, state, contract_due(siblings, paid, local_today()))


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
