"""The user's contracts, one contract with its service points and meters, its payments, and the
user's message history. Ownership is customers.queries' (user_contracts, user_contract: another
user's contract is a 404), the figures the ledger's and the query layers' the pages use."""

from django.http import HttpRequest
from ninja import Query, Router

from mokesta.accounts.history import user_messages
from mokesta.api.auth import api_user
from mokesta.api.pages import page_of
from mokesta.api.problems import not_found
from mokesta.api.schemas import (
    ContractDetail,
    ContractPage,
    MessagePage,
    PaymentPage,
    money,
)
from mokesta.billing.queries import contract_entries, contracts_money
from mokesta.customers.models import Contract
from mokesta.customers.queries import user_contract, user_contracts
from mokesta.lib.dates import local_today
from mokesta.lib.money import ZERO
from mokesta.metering.queries import contract_page
from mokesta.outbox.sending import subject_of

router = Router(tags=["contracts"])
messages_router = Router(tags=["messages"])
CATEGORIES = dict(Contract.Category.choices)


@router.get("/", response=ContractPage, operation_id="list_contracts", summary="Your contracts")
def list_contracts(request: HttpRequest, page: int = Query(1)) -> dict:
    user = api_user(request)
    found = page_of(list(user_contracts(user).prefetch_related("service_points")), page)
    money_of = contracts_money(user, local_today())
    items = []
    for contract in found["items"]:
        figures = money_of.get(contract.pk)
        due = figures.due if figures else None
        items.append(
            {
                "id": contract.pk,
                "number": contract.number,
                "category": contract.category,
                "category_label": str(CATEGORIES.get(contract.category, contract.category)),
                "start_date": contract.start_date,
                "end_date": contract.end_date,
                "addresses": [point.address for point in contract.service_points.all()],
                "balance": money(figures.billed - figures.paid if figures else ZERO),
                "amount_due_now": money(due.amount if due else ZERO),
                "overdue": money(due.overdue if due else ZERO),
                "due_by": due.by if due else None,
            }
        )
    return {**found, "items": items}


@router.get(
    "/{contract_id}/", response=ContractDetail, operation_id="get_contract", summary="A contract"
)
def get_contract(request: HttpRequest, contract_id: int) -> dict:
    user = api_user(request)
    contract = user_contract(user, contract_id)
    found = contract_page(user, contract.pk)
    if found is None:
        raise not_found()
    row, points = found
    return {
        "id": row.pk,
        "number": row.number,
        "category": row.category,
        "category_label": row.get_category_display(),
        "start_date": row.start_date,
        "end_date": row.end_date,
        "customer_name": row.customer_name,
        "payer_code": row.payer_code,
        "service_points": [
            {
                "address": point.address,
                "meters": [
                    {
                        "id": meter.pk,
                        "serial_number": meter.serial_number,
                        "name": meter.name,
                        "kind": meter.kind,
                        "garden": meter.garden,
                        "installed_on": meter.installed_on,
                        "verification_due": meter.verification_due,
                    }
                    for meter in point.meters
                ],
            }
            for point in points
        ],
    }


@router.get(
    "/{contract_id}/payments/",
    response=PaymentPage,
    operation_id="list_payments",
    summary="A contract's payments, newest first",
)
def list_payments(request: HttpRequest, contract_id: int, page: int = Query(1)) -> dict:
    user = api_user(request)
    contract = user_contract(user, contract_id)
    found = contract_entries(user, contract.pk)
    if found is None:
        raise not_found()
    payments = sorted(found[2], key=lambda p: (p.paid_on, p.pk), reverse=True)
    listed = page_of(payments, page)
    listed["items"] = [
        {"id": p.pk, "paid_on": p.paid_on, "amount": money(p.amount), "source": p.source}
        for p in listed["items"]
    ]
    return listed


@messages_router.get(
    "/",
    response=MessagePage,
    operation_id="list_messages",
    summary="The e-mails and SMS sent to you, newest first",
)
def list_messages(request: HttpRequest, page: int = Query(1)) -> dict:
    listed = page_of(user_messages(api_user(request)).order_by("-created_at", "-pk"), page)
    listed["items"] = [
        {
            "id": message.pk,
            "channel": message.channel,
            "subject": subject_of(message),
            "state": message.state,
            "created_at": message.created_at,
            "sent_at": message.sent_at,
        }
        for message in listed["items"]
    ]
    return listed
