"""The clerk's customer view: everything about one customer (or one of their contracts) on one
read-only page, for a phone call — balance and what is overdue by the ledger's rules, invoices,
payments, meters with their last readings, requests, messages sent and the portal accounts that
see the contracts. Editing is the change form's, behind an explicit „Redaguoti"."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from mokesta.backoffice.formats import STATE_LABELS
from mokesta.billing.ledger import balance_of, bears_interest, contract_invoice_states, overdue
from mokesta.billing.models import Invoice
from mokesta.customers.models import Contract, ContractAccess, Customer
from mokesta.inquiries.models import Inquiry
from mokesta.lib.dates import local_today
from mokesta.metering.models import Meter, Reading
from mokesta.outbox.models import OutgoingMessage
from mokesta.payments.models import Payment

# What one page shows of each list: the latest rows (the full lists are a click away).
LATEST_INVOICES = 12
LATEST_PAYMENTS = 12
LATEST_READINGS = 3
LATEST_REQUESTS = 10
LATEST_MESSAGES = 15


@dataclass
class MeterFile:
    meter: Meter
    readings: list[Reading]


@dataclass
class ContractFile:
    contract: Contract
    balance: Decimal
    overdue: Decimal
    invoices: list[tuple[Invoice, object]]  # (invoice, its state's label), newest first
    invoice_count: int
    payments: list[Payment]
    payment_count: int
    meters: list[MeterFile]
    accesses: list[ContractAccess]


@dataclass
class CustomerFile:
    customer: Customer
    contracts: list[ContractFile]
    requests: list[Inquiry] = field(default_factory=list)
    messages: list[OutgoingMessage] = field(default_factory=list)


def contract_file(contract: Contract, *, today: dt.date) -> ContractFile:
    """One contract's money, meters and accounts by the ledger's rules (balance, overdue on
    `today`, each invoice's paid / unpaid state)."""
    invoices = list(Invoice.objects.filter(contract=contract).order_by("-issue_date", "-sequence"))
    payments = list(Payment.objects.filter(contract=contract).order_by("-paid_on", "-pk"))
    states = contract_invoice_states(contract)
    owing = [
        (i.due_date, i.total, i.interest, i.issue_date)
        for i in invoices
        if bears_interest(kind=i.kind, credited=i.credited)
    ]
    paid = [(p.paid_on, p.amount) for p in payments]
    meters = (
        Meter.objects.filter(service_point__contract=contract)
        .select_related("service_point")
        .order_by("removed_on", "service_point__address", "serial_number")
    )
    return ContractFile(
        contract=contract,
        balance=balance_of((i.total for i in invoices), (p.amount for p in payments)),
        overdue=overdue(owing, paid, day=today),
        invoices=[
            (i, STATE_LABELS.get(states.get(i.pk, ""), "")) for i in invoices[:LATEST_INVOICES]
        ],
        invoice_count=len(invoices),
        payments=payments[:LATEST_PAYMENTS],
        payment_count=len(payments),
        meters=[
            MeterFile(meter, list(meter.readings.order_by("-period")[:LATEST_READINGS]))
            for meter in meters
        ],
        accesses=list(
            ContractAccess.objects.filter(contract=contract)
            .select_related("user")
            .order_by("created_at")
        ),
    )


def customer_file(customer: Customer, contracts: list[Contract]) -> CustomerFile:
    today = local_today()
    users = ContractAccess.objects.filter(contract__in=contracts).values("user")
    return CustomerFile(
        customer=customer,
        contracts=[contract_file(contract, today=today) for contract in contracts],
        requests=list(
            Inquiry.objects.filter(contract__in=contracts)
            .select_related("contract", "user")
            .order_by("-created_at")[:LATEST_REQUESTS]
        ),
        messages=list(
            OutgoingMessage.objects.filter(Q(invoice__contract__in=contracts) | Q(user__in=users))
            .select_related("invoice")
            .order_by("-created_at", "-pk")[:LATEST_MESSAGES]
        ),
    )


def render_file(
    request: HttpRequest,
    modeladmin: ModelAdmin,
    *,
    customer: Customer,
    contracts: list[Contract],
    title: str,
    one_contract: Contract | None = None,
) -> HttpResponse:
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": title,
        "file": customer_file(customer, contracts),
        "one_contract": one_contract,
        "can_change_customer": request.user.has_perm("customers.change_customer"),
        "can_change_contract": request.user.has_perm("customers.change_contract"),
        "can_view_invoices": request.user.has_perm("billing.view_invoice"),
        "can_view_payments": request.user.has_perm("payments.view_payment"),
        "can_view_requests": request.user.has_perm("inquiries.view_inquiry"),
        "can_view_messages": request.user.has_perm("messaging.view_outgoingmessage"),
    }
    return TemplateResponse(request, "admin/customers/overview.html", context)


def customer_view(request: HttpRequest, pk: int, *, modeladmin: ModelAdmin) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    if not modeladmin.has_view_permission(request, customer):
        raise PermissionDenied
    contracts = list(customer.contracts.order_by("-start_date", "number"))
    return render_file(
        request, modeladmin, customer=customer, contracts=contracts, title=customer.name
    )


def contract_view(request: HttpRequest, pk: int, *, modeladmin: ModelAdmin) -> HttpResponse:
    contract = get_object_or_404(Contract.objects.select_related("customer"), pk=pk)
    if not modeladmin.has_view_permission(request, contract):
        raise PermissionDenied
    title = _("Contract %(number)s") % {"number": contract.number}
    return render_file(
        request,
        modeladmin,
        customer=contract.customer,
        contracts=[contract],
        title=title,
        one_contract=contract,
    )
