"""A contract's invoices: the list with each one's state (the ledger's settle) and what paying it
takes now (the portal's unpaid_part on the ledger's amount_due_now), one with its lines and
payment details (the EPC QR payload of billing.payment_qr), and its PDF (billing.pdf)."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router

from mokesta.api.auth import api_user
from mokesta.api.pages import page_of
from mokesta.api.problems import not_found
from mokesta.api.schemas import InvoiceDetail, InvoicePage, money
from mokesta.billing.ledger import due_of_rows, settle
from mokesta.billing.models import Invoice
from mokesta.billing.payment_qr import payment_qr_text
from mokesta.billing.pdf import invoice_pdf_bytes
from mokesta.billing.queries import (
    contract_due,
    contract_invoice,
    contract_invoice_rows,
    contract_invoices,
    invoice_with_lines,
    seller_of,
)
from mokesta.customers.access import safe_filename
from mokesta.customers.queries import user_contract
from mokesta.lib.dates import local_today
from mokesta.lib.money import ZERO
from mokesta.portal.invoices import unpaid_part

router = Router(tags=["invoices"])


@router.get(
    "/{contract_id}/invoices/",
    response=InvoicePage,
    operation_id="list_invoices",
    summary="A contract's invoices and credit notes, newest first",
)
def list_invoices(request: HttpRequest, contract_id: int, page: int = Query(1)) -> dict:
    contract = user_contract(api_user(request), contract_id)
    invoices, paid = contract_invoice_rows(contract.pk)
    # Which are paid depends on all of them (payments cover the oldest first).
    states = settle(invoices, {contract.pk: paid})  # type: ignore[arg-type]  # rows it reads
    due = due_of_rows(((i.kind, i.total, i.due_date) for i in invoices), paid, on=local_today())
    listed = page_of(invoices, page)
    listed["items"] = [
        {
            "id": invoice.pk,
            "number": invoice.number,
            "kind": invoice.kind,
            "period": invoice.period__month,
            "issue_date": invoice.issue_date,
            "due_date": invoice.due_date,
            "total": money(invoice.total),
            "amount_due": money(invoice.amount_due),
            "state": states[invoice.pk],
            "unpaid": money(unpaid_part(invoice, states[invoice.pk], due)),
            "corrects": invoice.corrects__number,
        }
        for invoice in listed["items"]
    ]
    return listed


@router.get(
    "/{contract_id}/invoices/{invoice_id}/",
    response=InvoiceDetail,
    operation_id="get_invoice",
    summary="An invoice with its lines and payment details",
)
def get_invoice(request: HttpRequest, contract_id: int, invoice_id: int) -> dict:
    user = api_user(request)
    contract = user_contract(user, contract_id)
    rows = invoice_with_lines(user, invoice_id)
    if not rows or rows[0].contract_id != contract.pk:
        raise not_found()
    invoice = rows[0]
    lines = [row for row in rows if row.line is not None]
    siblings, paid = contract_invoices(contract.pk)
    state = settle(siblings, {contract.pk: paid})[invoice.pk]  # type: ignore[arg-type]
    unpaid = unpaid_part(invoice, state, contract_due(siblings, paid, local_today()))
    payment = None
    if unpaid > 0 and invoice.kind != Invoice.Kind.CREDIT_NOTE:
        seller = seller_of(invoice)
        qr = payment_qr_text(invoice._replace(amount_due=unpaid), seller)  # type: ignore[arg-type]
        payment = {
            "payee": seller.name,
            "iban": seller.iban,
            "bank_name": seller.bank_name,
            "payee_code": seller.payee_code,
            "payment_code": invoice.payment_code,
            "payer_code": invoice.payer_code,
            "amount": money(unpaid),
            "details": qr.split("\n")[-1],  # the QR's details: what bank import reads
            "epc_qr": qr,
        }
    corrects = invoice.corrects_number
    return {
        "id": invoice.pk,
        "number": invoice.number,
        "kind": invoice.kind,
        "period": invoice.period_month,
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "total": money(invoice.total),
        "amount_due": money(invoice.amount_due),
        "state": state,
        "unpaid": money(unpaid),
        "corrects": corrects,
        "contract_number": invoice.contract_number,
        "customer_name": invoice.customer_name,
        "customer_address": invoice.customer_address,
        "net": money(sum((line.net or ZERO for line in lines), ZERO)),
        "vat": money(sum((line.vat or ZERO for line in lines), ZERO)),
        "interest": money(invoice.interest),
        "previous_balance": money(invoice.previous_balance),
        "payment_code": invoice.payment_code,
        "payer_code": invoice.payer_code,
        "lines": [
            {
                "description": line.description,
                "quantity": f"{line.quantity}",
                "unit": line.unit,
                "unit_price": f"{line.unit_price}",
                "net": money(line.net or ZERO),
                "vat": money(line.vat or ZERO),
                "total": money(line.line_total or ZERO),
            }
            for line in lines
        ],
        "payment": payment,
        "pdf": reverse("api-v1:get_invoice_pdf", args=[contract.pk, invoice.pk]),
    }


@router.get(
    "/{contract_id}/invoices/{invoice_id}/pdf",
    operation_id="get_invoice_pdf",
    summary="The invoice's PDF",
    url_name="get_invoice_pdf",
    openapi_extra={
        "responses": {
            200: {
                "description": "The PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def get_invoice_pdf(request: HttpRequest, contract_id: int, invoice_id: int) -> HttpResponse:
    contract = user_contract(api_user(request), contract_id)
    invoice = contract_invoice(contract.pk, invoice_id)
    if invoice is None:
        raise not_found()
    response = HttpResponse(invoice_pdf_bytes(invoice), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="saskaita-{safe_filename(invoice.number)}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response
