from html import escape  # the standard one: Django's adds a lazy-string check per call

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.billing.ledger import Entry, running_balance
from mokesta.billing.models import Invoice
from mokesta.customers.access import pick_contract, user_contract
from mokesta.lib.money import ZERO
from mokesta.payments.models import Payment
from mokesta.portal.rows import day, numbers, pk_url


@login_required
def payments_pick(request: AuthenticatedHttpRequest) -> HttpResponse:
    return pick_contract(request, "payments:list", _("Payments"))


@login_required
def payment_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Invoices and payments of a contract, newest first, with the balance after each."""
    contract = user_contract(request.user, pk)
    # Only what the rows show: fewer columns to read and convert per row.
    invoices = Invoice.objects.filter(contract=contract).only(
        "issue_date", "total", "kind", "number"
    )
    payments = Payment.objects.filter(contract=contract).only("paid_on", "amount", "source")
    rows = running_balance(invoices, payments)
    balance = rows[-1].balance if rows else ZERO
    rows.reverse()
    return render(
        request,
        "payments/list.html",
        {
            "contract": contract,
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

    def row(entry: Entry) -> str:
        obj = entry.obj
        if isinstance(obj, Invoice):
            if obj.kind == "credit_note":
                title = _("Credit note %(number)s") % {"number": obj.number}
            else:
                title = _("Invoice %(number)s") % {"number": obj.number}
            what = f'<a href="{detail(obj.pk)}">{escape(title)}</a>'
        else:
            what = escape(_("Payment (%(source)s)") % {"source": obj.get_source_display()})
        charge = ">" if entry.charge is None else f' data-label="{charged}">{num(entry.charge)}'
        amount = ">" if entry.paid is None else f' data-label="{paid}">{num(entry.paid)}'
        return (
            f'<tr><td>{day(entry.day)}</td><td>{what}</td><td class="num"{charge}</td>'
            f'<td class="num"{amount}</td>'
            f'<td class="num" data-label="{balance}">{num(entry.balance)}</td></tr>\n'
        )

    return SafeString("".join(map(row, entries)))
