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
from mokesta.billing.ledger import Due, balance_of
from mokesta.billing.models import Invoice, Seller
from mokesta.billing.queries import LatestInvoice, contracts_money
from mokesta.billing.water_info import WaterInfo
from mokesta.customers.forms import LinkContractForm
from mokesta.customers.models import Contract
from mokesta.customers.outages import affects
from mokesta.customers.queries import allows
from mokesta.lib.dates import local_today
from mokesta.lib.money import ZERO, round_money
from mokesta.metering.insights import leak_suspected
from mokesta.metering.models import meter_label, verification_due
from mokesta.metering.queries import ReadingRow, dashboard_meters, readings_by_meter
from mokesta.news.queries import current_outages
from mokesta.onlinepay import providers
from mokesta.portal import fragments
from mokesta.portal.declare import current_month, deadline


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
    name: str = ""

    @property
    def label(self) -> str:
        return meter_label(self.name, self.serial_number)

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
    due: Due  # the ledger's amount_due_now(): what the card asks to pay, and nothing else
    payment_details: str = ""  # kept rendered (fragments.payment_details)
    # The seller the latest invoice kept at issue, and the Drinking Water Directive's figures of
    # the latest household invoice (billing.queries.contracts_money).
    seller: Seller | None = None
    water: WaterInfo | None = None
    role: str = ""  # the user's role on the contract: which actions the card offers

    @property
    def may_declare(self) -> bool:
        return allows(self.role, "declare")

    @property
    def may_pay(self) -> bool:
        return allows(self.role, "pay")

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
    cards = load_cards(request.user, month, local_today())
    for card in cards:
        # Payment details (and the QR code) only for what is due now, with that amount, from the
        # seller the latest invoice kept; rendered per process (fragments.py). A credit note is
        # not paid by transfer.
        invoice, seller = card.invoice, card.seller
        if (
            card.due.amount > 0
            and invoice is not None
            and seller is not None
            and invoice.kind != Invoice.Kind.CREDIT_NOTE
        ):
            asked = invoice._replace(
                amount_due=card.due.amount, due_date=card.due.by or invoice.due_date
            )
            card.payment_details = fragments.payment_details(asked, seller, nested=True)
    due = [card for card in cards if card.due.amount > 0 and card.may_pay]
    due_total = sum((card.due.amount for card in due), ZERO)
    # Outage notices on the user's streets, until they end (the rule: customers.outages).
    addresses = [address for card in cards for address in card.addresses.split("; ")]
    outages = [
        article
        for article in (current_outages() if cards else [])
        if any(affects(address, article.street_list) for address in addresses)
    ]
    return render(
        request,
        "portal/dashboard.html",
        {
            "cards": cards,
            "outages": outages,
            # More than one contract to pay: their total, paid at once („Apmokėti viską",
            # portal/pay.py: pay_all, which checks the total it is sent against the ledger's).
            "due_cards": due if len(due) > 1 else [],
            "due_total": due_total,
            "due_total_value": f"{due_total:.2f}",
            "month": month,
            "deadline": deadline(month),
            "pay_on": providers.current() is not None,
            "has_contracts": bool(cards),  # the menu's question, answered: one query less
            "link_form": None if cards else LinkContractForm(),  # the first step only
        },
    )


def load_cards(user: Any, month: dt.date, today: dt.date) -> list[Card]:
    cards: dict[int, Card] = {}
    addresses: dict[int, dict[int, str]] = defaultdict(dict)
    money = contracts_money(user, today)
    for row in dashboard_meters(user):
        card = cards.get(row.contract)
        if card is None:
            found = money[row.contract]
            # The ledger's rule on its sums: invoices and credit notes issued minus payments.
            owed = round_money(balance_of([found.billed], [found.paid]))
            contract = ContractRow(row.contract, row.number, row.category)
            card = cards[row.contract] = Card(
                contract,
                "",
                [],
                owed,
                found.latest,
                found.due,
                seller=found.seller,
                water=found.water,
                role=row.role,
            )
        if row.point is not None:
            addresses[row.contract][row.point] = row.address or ""
        if row.meter is not None:
            card.meters.append(
                MeterLine(
                    *(row.meter, row.serial_number or "", row.kind or ""),
                    *(row.verified_on, row.initial_reading, row.installed_on),  # type: ignore[arg-type]
                    name=row.name or "",
                )
            )
    listed = [meter for card in cards.values() for meter in card.meters]
    readings = readings_by_meter([meter.pk for meter in listed], until=month)
    for meter in listed:
        meter.read(readings[meter.pk], month)
    for card in cards.values():
        card.addresses = "; ".join(addresses[card.contract.pk].values())
    return list(cards.values())
