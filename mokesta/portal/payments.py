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
from mokesta.portal.rows import day, format_html, numbers, pk_url


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
        {"contract": contract, "rows": rows, "table": entry_rows(rows), "balance": balance},
    )


def entry_rows(entries: list[Entry]) -> SafeString:
    """The payments page's table rows (see rows.py for why in Python)."""
    detail, num = pk_url("billing:detail"), numbers()
    charged, paid, balance = _("Charged, €"), _("Paid, €"), _("Balance, €")

    def row(entry: Entry) -> SafeString:
        obj = entry.obj
        if entry.charge is not None:
            title = _(
                "Credit note %(number)s" if obj.kind == "credit_note" else "Invoice %(number)s"
            )
            what = format_html(
                '<a href="{}">{}</a>', detail(obj.pk), title % {"number": obj.number}
            )
            charge = format_html(' data-label="{}">{}', charged, num(entry.charge))
        else:
            what = _("Payment (%(source)s)") % {"source": obj.get_source_display()}
            charge = SafeString(">")
        amount = (
            format_html(' data-label="{}">{}', paid, num(entry.paid))
            if entry.paid is not None
            else SafeString(">")
        )
        return format_html(
            '<tr><td>{}</td><td>{}</td><td class="num"{}</td><td class="num"{}</td>'
            '<td class="num" data-label="{}">{}</td></tr>\n',
            day(entry.day), what, charge, amount, balance, num(entry.balance),
        )  # fmt: skip

    return SafeString("".join(map(row, entries)))
