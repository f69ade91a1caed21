"""Booking what the post office's payment file brings beyond payments (its payments are booked
like a statement's by bank.booking): the meter readings people wrote on their payment slips, and
the day's transfer that carried the money.

Readings: a slip has up to six „to"/„from" pairs and no meter numbers, so pair N is the contract's
N-th meter in use in the month of the payment, in the order the declaration page and the invoice
list them (by service point, then serial number). The „to" value is declared under the portal's
rules (metering.declaration) for the month of the payment; what they refuse, what they would ask
the customer to confirm (nobody at the post office can), a reading for a month already billed and
the readings of a payment no contract was found for wait in the clerk's queue (HeldReading) with
the reason. A pair with only the „from" value declares nothing (it is the previous reading).

Transfers: the post sends one transfer a working day, the file's sum less its fee per payment. It
is recorded from the file (PostTransfer) and from the bank statement's credit, whichever comes
first, and the two are paired by the transfer number (found in the credit's text), else by the
date and the exact amount; the credit is never booked as a customer's payment.
"""

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mokesta.bank.models import HeldReading, PostTransfer
from mokesta.bank.parsing.common import Row
from mokesta.bank.parsing.postlt import FEE_PER_PAYMENT, PostLine
from mokesta.billing.periods import ensure_month_open
from mokesta.customers.models import Contract
from mokesta.lib.dates import month_start
from mokesta.lib.money import ZERO
from mokesta.metering.declaration import check_reading, meter_states, warnings_for
from mokesta.metering.models import Reading
from mokesta.payments.models import BankTransaction, Payment, StatementImport

WORD = re.compile(r"[0-9A-Za-z]+")


def is_post_transfer(*, payer_name: str) -> bool:
    """A credit whose payer is the post office itself (POSTLT_TRANSFER_PAYERS)."""
    payer = payer_name.casefold()
    return any(name.casefold() in payer for name in settings.POSTLT_TRANSFER_PAYERS if name)


def book_post_lines(
    *,
    statement: StatementImport,
    rows: Sequence[Row],
    lines: Sequence[PostLine],
    new: Sequence[bool],
    payments: Sequence[Payment | None],
) -> None:
    """Declare the readings of the file's new lines and record their transfers (in the import's
    transaction; `new` is False for a line imported before, which brings nothing again)."""
    contract_ids = {p.contract_id for p in payments if p is not None and p.contract_id}
    contracts = Contract.objects.in_bulk(contract_ids)
    closed: dict[dt.date, str] = {}  # month -> why its readings can no longer change
    declared: set[tuple[int, dt.date]] = set()  # (meter, month) declared by this file
    held: list[HeldReading] = []
    transfers: dict[tuple[str, dt.date], list[Decimal]] = {}
    for row, line, is_new, payment in zip(rows, lines, new, payments, strict=True):
        if not is_new:
            continue
        transfers.setdefault((line.transfer_number, line.transfer_date), []).append(row.amount)
        if line.readings:
            contract = (
                contracts.get(payment.contract_id) if payment and payment.contract_id else None
            )
            held += declare_line(
                statement=statement, row=row, line=line, payment=payment, contract=contract,
                closed=closed, declared=declared,
            )  # fmt: skip
    HeldReading.objects.bulk_create(held)
    for (number, day), amounts in transfers.items():
        record_file_transfer(
            statement=statement,
            number=number,
            day=day,
            count=len(amounts),
            total=sum(amounts, ZERO),
        )


def declare_line(
    *,
    statement: StatementImport,
    row: Row,
    line: PostLine,
    payment: Payment | None,
    contract: Contract | None,
    closed: dict[dt.date, str],
    declared: set[tuple[int, dt.date]],
) -> list[HeldReading]:
    """Save the line's readings that the rules accept; the others, to hold, with the reason."""
    assert row.booked_on is not None  # every line has its payment date
    month = month_start(row.booked_on)
    held: list[HeldReading] = []
    pairs = [(position, to, previous) for position, to, previous in line.readings if to]

    def hold(
        position: int, to: str, previous: str, reason: str, meter_id: int | None = None
    ) -> None:
        held.append(
            HeldReading(
                statement=statement,
                line=row.entry_number,
                payment=payment,
                contract=contract,
                meter_id=meter_id,
                position=position,
                month=month,
                value=to[:20],
                previous=previous[:20],
                payer_name=row.payer_name,
                reason=reason[:500],
            )
        )

    if contract is None:
        for position, to, previous in pairs:
            hold(position, to, previous, _("The payment was not matched to a contract."))
        return held
    if not contract.is_valid_on(row.booked_on):
        for position, to, previous in pairs:
            hold(position, to, previous, _("The contract had ended on the day of the payment."))
        return held
    if month not in closed:
        try:
            ensure_month_open(month)  # locks the period row: a close cannot slip in
        except ValidationError as error:
            closed[month] = " ".join(error.messages)
        else:
            closed[month] = ""
    if closed[month]:
        for position, to, previous in pairs:
            hold(position, to, previous, closed[month])
        return held
    states = meter_states(contract, month) if pairs else []
    for position, to, previous in pairs:
        if position > len(states):
            hold(
                position,
                to,
                previous,
                _(
                    "The contract has %(count)s meters in use that month; "
                    "there is no meter No. %(n)s."
                )
                % {"count": len(states), "n": position},
            )
            continue
        state = states[position - 1]
        try:
            value = check_reading(to, state)
        except ValidationError as error:
            hold(position, to, previous, " ".join(error.messages), state.meter.pk)
            continue
        warnings = warnings_for(state, value, contract.category)
        if warnings:  # the portal asks the customer to confirm; here nobody can
            hold(position, to, previous, " ".join(warnings), state.meter.pk)
            continue
        reading, created = Reading.objects.select_for_update().get_or_create(
            meter=state.meter,
            period=month,
            defaults={"value": value, "source": Reading.Source.CUSTOMER},
        )
        key = (state.meter.pk, month)
        if created:
            declared.add(key)
            continue
        if key not in declared and timezone.localdate(reading.updated_at) > row.booked_on:
            # Declared on the portal after the day of the payment: the later one stays.
            hold(
                position,
                to,
                previous,
                _("A later declaration of this month is kept: %(value)s m³.")
                % {"value": reading.value},
                state.meter.pk,
            )
            continue
        declared.add(key)
        reading.value, reading.created_by = value, None
        reading.save(update_fields=["value", "created_by", "updated_at"])
    return held


def record_file_transfer(
    *, statement: StatementImport, number: str, day: dt.date, count: int, total: Decimal
) -> PostTransfer:
    fee = FEE_PER_PAYMENT * count
    transfer = PostTransfer.objects.select_for_update().filter(number=number, transfer_date=day)
    found = transfer.first()
    if found is not None:  # a second file of the same transfer: it adds to the first
        found.payments += count
        found.collected += total
        found.fee += fee
        found.save(update_fields=["payments", "collected", "fee"])
        return found
    waiting = PostTransfer.objects.select_for_update().filter(
        file__isnull=True, bank_transaction__isnull=False
    )
    found = pick(
        waiting.select_related("bank_transaction"),
        by_number=lambda t: t.bank_transaction is not None and number in words(t.bank_transaction),
        by_amount=lambda t: t.transfer_date == day and t.received == total - fee,
    )
    if found is None:
        found = PostTransfer(transfer_date=day)
    found.number, found.file = number, statement
    found.payments, found.collected, found.fee = count, total, fee
    found.save()
    return found


def reconcile_post_transfer(*, bank_transaction: BankTransaction) -> PostTransfer:
    """Record a bank credit from the post office and pair it with its file's transfer, if the
    file came first; else it waits for the file."""
    assert bank_transaction.booked_on is not None  # only booked credits are transfers
    waiting = PostTransfer.objects.select_for_update().filter(
        bank_transaction__isnull=True, file__isnull=False
    )
    text = words(bank_transaction)
    found = pick(
        waiting,
        by_number=lambda t: t.number in text,
        by_amount=lambda t: (
            t.transfer_date == bank_transaction.booked_on and t.expected == bank_transaction.amount
        ),
    )
    if found is None:
        found = PostTransfer(transfer_date=bank_transaction.booked_on)
    found.bank_transaction, found.received = bank_transaction, bank_transaction.amount
    found.save()
    return found


def pick(
    candidates: QuerySet[PostTransfer],
    *,
    by_number: Callable[[PostTransfer], bool],
    by_amount: Callable[[PostTransfer], bool],
) -> PostTransfer | None:
    """The one candidate named by its transfer number, else the one of the same date and exact
    amount; None when there is none or more than one (never a guess)."""
    listed = list(candidates)
    for test in (by_number, by_amount):
        chosen = [t for t in listed if test(t)]
        if len(chosen) == 1:
            return chosen[0]
    return None


def words(bank_transaction: BankTransaction) -> set[str]:
    return set(WORD.findall(f"{bank_transaction.remittance} {bank_transaction.reference}"))
