import datetime as dt
from decimal import Decimal
from html import escape  # the standard one: Django's adds a lazy-string check per call
from typing import Any, NamedTuple

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.billing.ledger import Entry, running_balance
from mokesta.billing.models import Invoice
from mokesta.customers.access import pick_contract
from mokesta.lib.money import ZERO, round_money
from mokesta.payments.models import Payment
from mokesta.portal.rows import day, numbers, pk_url


@login_required
def payments_pick(request: AuthenticatedHttpRequest) -> HttpResponse:
    return pick_contract(request, "payments:list", _("Payments"))


# The contract's number, if the user has access to it, with its invoices and payments, a row
# each (one row of NULLs without any): one query of plain rows where the ORM made three and took
# longer to build them than the database to answer. Django's default table names. The amounts
# come as text, which reads the same from SQLite (whose decimals are floats or integers) and
# PostgreSQL; each branch of the union filters on the contract so that it reads only its rows.
ENTRIES_SQL = """
    SELECT c.number, e.is_invoice, e.id, e.day, CAST(e.amount AS TEXT), e.number, e.kind,
           e.source
    FROM customers_contract c
    JOIN customers_contractaccess a ON a.contract_id = c.id AND a.user_id = %s
    LEFT JOIN (
        SELECT 1 AS is_invoice, id, issue_date AS day, total AS amount, number, kind,
               NULL AS source
        FROM billing_invoice WHERE contract_id = %s
        UNION ALL
        SELECT 0, id, paid_on, amount, NULL, NULL, source
        FROM payments_payment WHERE contract_id = %s
    ) e ON 1 = 1
    WHERE c.id = %s
"""
# running_balance() tells invoices from payments by their class, so the invoices are Invoice
# instances with only these fields (in the model's order, which from_db() expects).
INVOICE_FIELDS = ["id", "number", "kind", "issue_date", "total"]


class ContractRow(NamedTuple):
    pk: int
    number: str


class PaymentRow(NamedTuple):
    """What running_balance() and the page read of a payment."""

    pk: int
    paid_on: dt.date
    amount: Decimal
    source: str


@login_required
def payment_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Invoices and payments of a contract, newest first, with the balance after each."""
    with connection.cursor() as cursor:
        cursor.execute(ENTRIES_SQL, [request.user.pk, pk, pk, pk])
        found = cursor.fetchall()
    if not found:
        raise Http404
    invoices: list[Invoice] = []
    payments: list[Any] = []  # PaymentRows: running_balance() reads the same attributes
    alias = connection.alias
    for _contract, is_invoice, entry_pk, on, amount, number, kind, source in found:
        if is_invoice:
            values = (entry_pk, number, kind, on, round_money(amount))
            invoices.append(Invoice.from_db(alias, INVOICE_FIELDS, values))
        elif entry_pk is not None:  # None: neither invoices nor payments
            payments.append(PaymentRow(entry_pk, on, round_money(amount), source))
    rows = running_balance(invoices, payments)
    balance = rows[-1].balance if rows else ZERO
    rows.reverse()
    return render(
        request,
        "payments/list.html",
        {
            "contract": ContractRow(pk, found[0][0]),
            "rows": rows,
            "table": entry_rows(rows),
            "balance": balance,
            "has_contracts": True,
        },
    )


def entry_rows(entries: list[Entry]) -> SafeString:
    """The payments page's table rows (see rows.py for why in Python)."""
    detail, num = pk_url("billing:detail"), numbers()
    charged, paid, balance = (
        escape(label) for label in (_("Charged, €"), _("Paid, €"), _("Balance, €"))
    )
    payment_titles = {
        source: escape(_("Payment (%(source)s)") % {"source": label})
        for source, label in Payment.Source.choices
    }

    def row(entry: Entry) -> str:
        obj: Any = entry.obj  # an Invoice or a PaymentRow
        if isinstance(obj, Invoice):
            if obj.kind == "credit_note":
                title = _("Credit note %(number)s") % {"number": obj.number}
            else:
                title = _("Invoice %(number)s") % {"number": obj.number}
            what = f'<a href="{detail(obj.pk)}">{escape(title)}</a>'
        else:
            what = payment_titles.get(obj.source) or escape(
                _("Payment (%(source)s)") % {"source": obj.source}
            )
        charge = ">" if entry.charge is None else f' data-label="{charged}">{num(entry.charge)}'
        amount = ">" if entry.paid is None else f' data-label="{paid}">{num(entry.paid)}'
        return (
            f'<tr><td>{day(entry.day)}</td><td>{what}</td><td class="num"{charge}</td>'
            f'<td class="num"{amount}</td>'
            f'<td class="num" data-label="{balance}">{num(entry.balance)}</td></tr>\n'
        )

    return SafeString("".join(map(row, entries)))
