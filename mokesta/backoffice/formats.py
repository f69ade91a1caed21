"""Amounts as Lithuanian staff write them: „12 105,82 €" (a no-break space between thousands,
a decimal comma). Django's Lithuanian format groups thousands with a dot, which reads as a
decimal point to most people here, so the back office formats money itself."""

from decimal import Decimal

from django.utils.numberformat import format as format_number
from django.utils.translation import gettext_lazy as _

from mokesta.billing.ledger import CREDIT_NOTE, CREDITED, PAID, UNPAID
from mokesta.customers.models import Contract
from mokesta.lib.money import round_money

NBSP = "\u00a0"


def euro(amount: Decimal | int | None) -> str:
    """„12 105,82 €", „-3,10 €"; "–" for no amount."""
    if amount is None:
        return "–"
    number = format_number(
        round_money(amount), ",", decimal_pos=2, grouping=3, thousand_sep=NBSP, force_grouping=True
    )
    return f"{number}{NBSP}€"


# An invoice's state by the ledger's rule, as the lists show it.
STATE_LABELS = {
    PAID: _("paid"),
    UNPAID: _("unpaid"),
    CREDITED: _("credited"),
    CREDIT_NOTE: _("credit note"),
}


def contract_label(contract: Contract) -> str:
    """„VKU-2020-0001 — Ona Kazlauskienė, Liepų g. 3, Velžys": a contract as a clerk picks it
    (read with the customer: select_related("customer"))."""
    customer = contract.customer
    return f"{contract.number} — {customer.name}, {customer.address}"
