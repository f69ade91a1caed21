"""„Savitarna": each linked contract at a glance (balance, meters, the latest invoice and its
payment details), and the linking step.

The page every customer opens first, so it is built for speed: three fixed queries of plain rows
whatever the number of contracts, meters and months (model instances, prefetches and per-meter
subqueries were most of its time), and each contract's card written in Python like the long
tables (see rows.py), with the labels of the template it replaced."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from html import escape  # the standard one: Django's adds a lazy-string check per call
from typing import Any, NamedTuple

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.billing.ledger import balance_of, billed_sql, paid_sql, paid_value
from mokesta.billing.models import Invoice
from mokesta.customers.forms import LinkContractForm
from mokesta.customers.models import Contract
from mokesta.lib.money import round_money
from mokesta.metering.history import ReadingRow, readings_by_meter
from mokesta.metering.insights import leak_suspected
from mokesta.metering.models import verification_due
from mokesta.onlinepay import providers
from mokesta.portal.declare import current_month, deadline
from mokesta.portal.rows import day, numbers, pk_url
from mokesta.portal.templatetags.portal_tags import payment_details_html
from mokesta.utility.models import Utility

# Each contract of a user with its service points and their current meters, a row per meter
# (one for a contract or service point without one): plain SQL, which the database answers in a
# fraction of the time the ORM took to build the query. Django's default table names.
METERS_SQL = """
    SELECT c.id, c.number, c.category, p.id, p.address,
           m.id, m.serial_number, m.kind, m.verified_on, m.initial_reading, m.installed_on
    FROM customers_contract c
    JOIN customers_contractaccess a ON a.contract_id = c.id AND a.user_id = %s
    LEFT JOIN customers_servicepoint p ON p.contract_id = c.id
    LEFT JOIN metering_meter m ON m.service_point_id = p.id AND m.removed_on IS NULL
    ORDER BY c.number, p.id, m.serial_number
"""

# Each contract's invoices (credit notes included) and payments summed (the ledger's SQL), and its
# latest invoice with what its payment details and QR code show, its amount as text: it reads the
# same from SQLite (whose decimals are floats) and PostgreSQL.
MONEY_SQL = f"""
    SELECT c.id,
           {billed_sql("c.id")}, {paid_sql("c.id")},
           i.id, i.number, i.kind, CAST(i.amount_due AS TEXT), i.due_date, i.payment_code,
           i.payer_code
    FROM customers_contract c
    JOIN customers_contractaccess a ON a.contract_id = c.id AND a.user_id = %s
    LEFT JOIN billing_invoice i ON i.contract_id = c.id AND i.id = (
        SELECT id FROM billing_invoice WHERE contract_id = c.id
        ORDER BY issue_date DESC, sequence DESC LIMIT 1
    )
"""  # noqa: S608 (no value in the text: the ledger's SQL)


class LatestInvoice(NamedTuple):
    pk: int
    number: str
    kind: str
    amount_due: Decimal
    due_date: dt.date
    payment_code: str
    payer_code: str


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


@dataclass
class Card:
    contract: ContractRow
    addresses: str
    meters: list[MeterLine]
    balance: Decimal
    invoice: LatestInvoice | None

    @property
    def to_declare(self) -> bool:
        return any(not meter.declared for meter in self.meters)


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Only the linking step until a contract is linked."""
    month = current_month()
    cards = load_cards(request.user, month)
    return render(
        request,
        "portal/dashboard.html",
        {
            "cards": cards,
            "cards_html": CardWriter(month)(cards),
            "has_contracts": bool(cards),  # the menu's question, answered: one query less
            "link_form": LinkContractForm(),
        },
    )


def load_cards(user: Any, month: dt.date) -> list[Card]:
    contracts: dict[int, ContractRow] = {}
    addresses: dict[int, dict[int, str]] = defaultdict(dict)
    meters: dict[int, list[MeterLine]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(METERS_SQL, [user.pk])
        for contract_id, number, category, point, address, *meter in cursor.fetchall():
            contracts.setdefault(contract_id, ContractRow(contract_id, number, category))
            if point is not None:
                addresses[contract_id][point] = address
            if meter[0] is not None:
                meters[contract_id].append(MeterLine(*meter))
    listed = [meter for of_contract in meters.values() for meter in of_contract]
    readings = readings_by_meter([meter.pk for meter in listed], until=month)
    for meter in listed:
        meter.read(readings[meter.pk], month)
    money: dict[int, tuple[Decimal, Any]] = {}
    with connection.cursor() as cursor:
        cursor.execute(MONEY_SQL, [user.pk])
        for contract_id, billed, paid, *invoice in cursor.fetchall():
            # The ledger's rule on its sums: invoices and credit notes issued minus payments.
            owed = balance_of([paid_value(billed)], [paid_value(paid)])
            latest = None
            if invoice[0] is not None:
                pk, number, kind, due, *rest = invoice
                latest = LatestInvoice(pk, number, kind, round_money(due), *rest)
            money[contract_id] = (owed, latest)
    return [
        Card(
            contract=contract,
            addresses="; ".join(addresses[contract.pk].values()),
            meters=meters[contract.pk],
            balance=money[contract.pk][0],
            invoice=money[contract.pk][1],
        )
        for contract in contracts.values()
    ]


class CardWriter:
    """The cards' markup. Labels are translated once per page; every value is escaped."""

    def __init__(self, month: dt.date) -> None:
        self.num = numbers()
        self.urls = {
            name: pk_url(name)
            for name in (
                *("customers:contract", "metering:consumption", "metering:declare"),
                *("metering:meter", "payments:list", "payments:pay"),
                *("billing:detail", "billing:pdf"),
            )
        }
        self.invoices_url = reverse("billing:list")
        self.pay_on = providers.current() is not None
        self.utility = Utility.current()
        self.labels = {
            key: escape(label)
            for key, label in {
                "balance": _("Balance:"),
                "leak": _("Possible water leak — please check"),
                "consumption": _("Consumption"),
                "meters": _("Meters"),
                "meter": _("Meter"),
                "last": _("Last reading"),
                "reading_for": _("Reading for %(month)s") % {"month": day(month, "Y-m")},
                "due": _("Verification due"),
                "declared": _("declared"),
                "to_declare": _("to declare by %(deadline)s") % {"deadline": day(deadline(month))},
                "no_meters": _("No meters."),
                "view": _("View"),
                "pay": _("Pay"),
                "declare": _("Declare readings"),
                "invoices": _("Invoices"),
                "payments": _("Payments"),
            }.items()
        }

    def __call__(self, cards: list[Card]) -> SafeString:
        return SafeString("".join(map(self.card, cards)))

    def money(self, amount: Decimal) -> str:
        return self.num(round_money(amount))

    def card(self, card: Card) -> str:
        pk, url, label = card.contract.pk, self.urls, self.labels
        # Read into names first: xgettext does not see a gettext call inside an f-string.
        title = escape(_("Contract %(number)s") % {"number": card.contract.number})
        category = Contract.Category(card.contract.category).label
        leaks = "".join(
            '<div class="warning-box" role="status">'
            f"<strong>{label['leak']}</strong>\n"
            + escape(
                _(
                    "Last month meter %(serial)s counted more than twice its average monthly "
                    "use. Check taps, the toilet cistern and pipes."
                )
                % {"serial": meter.serial_number}
            )
            + f'\n<a href="{url["metering:consumption"](pk)}">{label["consumption"]}</a></div>\n'
            for meter in card.meters
            if meter.leak
        )
        rows = "".join(map(self.meter_row, card.meters)) or (
            f'<tr><td colspan="4">{label["no_meters"]}</td></tr>'
        )
        pay = ""
        if self.pay_on and card.balance > 0:
            pay = f'<a class="button" href="{url["payments:pay"](pk)}">{label["pay"]}</a>\n'
        secondary = "" if card.to_declare else " secondary"
        return (
            f'<section class="card" aria-labelledby="contract-{pk}">\n'
            f'<h2 id="contract-{pk}"><a href="{url["customers:contract"](pk)}">'
            f"{title}</a></h2>\n"
            f"<p>{escape(card.addresses)} · {escape(str(category))}</p>\n"
            f'<p class="balance">{label["balance"]}\n{self.balance(card.balance)}</p>\n'
            f"{leaks}"
            '<table class="stack">\n'
            f'<caption class="helptext">{label["meters"]}</caption>\n'
            f'<thead><tr><th scope="col">{label["meter"]}</th>'
            f'<th scope="col">{label["last"]}</th>'
            f'<th scope="col">{label["reading_for"]}</th>'
            f'<th scope="col">{label["due"]}</th></tr></thead>\n'
            f"<tbody>\n{rows}</tbody>\n</table>\n"
            f"{self.invoice(card.invoice)}"
            '<p class="actions">\n'
            f"{pay}"
            f'<a class="button{secondary}" href="{url["metering:declare"](pk)}">'
            f"{label['declare']}</a>\n"
            f'<a href="{url["metering:consumption"](pk)}">{label["consumption"]}</a>\n'
            f'<a href="{self.invoices_url}">{label["invoices"]}</a>\n'
            f'<a href="{url["payments:list"](pk)}">{label["payments"]}</a>\n'
            "</p>\n</section>\n"
        )

    def balance(self, balance: Decimal) -> str:
        if balance > 0:
            text = _("debt %(amount)s €") % {"amount": self.money(balance)}
            return f'<span class="debt">{escape(text)}</span>'
        if balance < 0:
            text = _("overpayment %(amount)s €") % {"amount": self.money(-balance)}
            return f'<span class="credit">{escape(text)}</span>'
        return f"{self.money(balance)} €"

    def meter_row(self, meter: MeterLine) -> str:
        label = self.labels
        serial = escape(_("Meter %(serial)s") % {"serial": meter.serial_number})
        last = "–"
        if meter.last_value is not None:
            last = f"{self.num(meter.last_value)} m³ ({day(meter.last_period, 'Y-m')})"
        state = label["declared"] if meter.declared else f"<strong>{label['to_declare']}</strong>"
        due = day(verification_due(meter.kind, meter.verified_on))
        return (
            f'<tr><td><a href="{self.urls["metering:meter"](meter.pk)}">{serial}</a></td>'
            f'<td data-label="{label["last"]}">{last}</td>'
            f'<td data-label="{label["reading_for"]}">{state}</td>'
            f'<td data-label="{label["due"]}">{due}</td></tr>\n'
        )

    def invoice(self, invoice: LatestInvoice | None) -> str:
        if invoice is None:
            return ""
        number = escape(invoice.number)
        latest = _("Latest invoice %(number)s: %(amount)s € to pay by %(due)s.") % {
            "number": invoice.number,
            "amount": self.money(invoice.amount_due),
            "due": day(invoice.due_date),
        }
        details = ""
        if invoice.kind != Invoice.Kind.CREDIT_NOTE:
            details = payment_details_html(invoice, self.utility, nested=True)
        return (
            f"<p>{escape(latest)}</p>\n"
            f'<p class="actions"><a href="{self.urls["billing:detail"](invoice.pk)}">'
            f'{self.labels["view"]}<span class="visually-hidden"> {number}</span></a>\n'
            f'<a href="{self.urls["billing:pdf"](invoice.pk)}" download>PDF'
            f'<span class="visually-hidden"> {number}</span></a></p>\n'
            f"{details}"
        )
