"""„Savitarna": each linked contract at a glance (balance, meters, the latest invoice and its
payment details), and the linking step.

The page every customer opens first: two fixed queries of plain rows whatever the number of
contracts and meters (metering.queries.dashboard_meters, billing.queries.contracts_money), one
for the meters' readings, and each contract's card from portal/includes/contract_card.html."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.billing.ledger import balance_of
from mokesta.billing.models import Invoice
from mokesta.billing.queries import LatestInvoice, contracts_money
from mokesta.customers.forms import LinkContractForm
from mokesta.customers.models import Contract
from mokesta.lib.money import round_money
from mokesta.metering.insights import leak_suspected
from mokesta.metering.models import verification_due
from mokesta.metering.queries import ReadingRow, dashboard_meters, readings_by_meter
from mokesta.onlinepay import providers
from mokesta.portal import fragments
from mokesta.portal.declare import current_month, deadline
from mokesta.utility.models import Utility


@dataclass
class MeterLine:
    """A meter's line on a card: what the table shows and the leak warning needs."""

    pk: int
    serial_number: str
    kind: str
    verified_on: dt.date
    initial_reading: int
    installed_on: dt.date
    last_value: int | None = None
    last_period: dt.date | None = None
    declared: bool = False
    leak: bool = False

    @property
    def verification_due(self) -> dt.date:
        return verification_due(self.kind, self.verified_on)

    def read(self, readings: list[ReadingRow], month: dt.date) -> None:
        """The last reading, whether `month` is declared and the leak warning, from the meter's
        readings up to `month`, oldest first."""
        if readings:
            self.last_value, self.last_period = readings[-1].value, readings[-1].period
        self.declared = bool(readings) and readings[-1].period == month
        self.leak = leak_suspected(
            readings[:-1] if self.declared else readings,
            initial_value=self.initial_reading,
            installed_on=self.installed_on,
            month=month,
        )


class ContractRow(NamedTuple):
    pk: int
    number: str
    category: str

    @property
    def category_label(self) -> str:
        return str(Contract.Category(self.category).label)


@dataclass
class Card:
    contract: ContractRow
    addresses: str
    meters: list[MeterLine]
    balance: Decimal
    invoice: LatestInvoice | None
    payment_details: str = ""  # kept rendered (fragments.payment_details)

    @property
    def to_declare(self) -> bool:
        return any(not meter.declared for meter in self.meters)

    @property
    def leaks(self) -> list[MeterLine]:
        return [meter for meter in self.meters if meter.leak]

    @property
    def overpaid(self) -> Decimal:
        return -self.balance


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Only the linking step until a contract is linked."""
    month = current_month()
    cards = load_cards(request.user, month)
    utility = Utility.current()
    for card in cards:
        # Kept rendered per process (fragments.py); a credit note is not paid by transfer.
        if card.invoice is not None and card.invoice.kind != Invoice.Kind.CREDIT_NOTE:
            card.payment_details = fragments.payment_details(card.invoice, utility, nested=True)
    return render(
        request,
        "portal/dashboard.html",
        {
            "cards": cards,
            "month": month,
            "deadline": deadline(month),
            "pay_on": providers.current() is not None,
            "has_contracts": bool(cards),  # the menu's question, answered: one query less
            "link_form": LinkContractForm(),
        },
    )


def load_cards(user: Any, month: dt.date) -> list[Card]:
    cards: dict[int, Card] = {}
    addresses: dict[int, dict[int, str]] = defaultdict(dict)
    money = contracts_money(user)
    for row in dashboard_meters(user):
        card = cards.get(row.contract)
        if card is None:
            billed, paid, latest = money[row.contract]
            # The ledger's rule on its sums: invoices and credit notes issued minus payments.
            owed = round_money(balance_of([billed], [paid]))
            contract = ContractRow(row.contract, row.number, row.category)
            card = cards[row.contract] = Card(contract, "", [], owed, latest)
        if row.point is not None:
            addresses[row.contract][row.point] = row.address or ""
        if row.meter is not None:
            card.meters.append(
                MeterLine(
                    *(row.meter, row.serial_number or "", row.kind or ""),
                    *(row.verified_on, row.initial_reading, row.installed_on),  # type: ignore[arg-type]
                )
            )
    listed = [meter for card in cards.values() for meter in card.meters]
    readings = readings_by_meter([meter.pk for meter in listed], until=month)
    for meter in listed:
        meter.read(readings[meter.pk], month)
    for card in cards.values():
        card.addresses = "; ".join(addresses[card.contract.pk].values())
    return list(cards.values())
