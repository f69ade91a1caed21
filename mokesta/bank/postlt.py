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
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mokesta.bank.models import BankTransaction, HeldReading, PostTransfer, StatementImport
from mokesta.bank.parsing.common import Row
from mokesta.bank.parsing.postlt import FEE_PER_PAYMENT, PostLine
from mokesta.billing.periods import ensure_month_open
from mokesta.customers.models import Contract
from mokesta.lib.dates import month_start
from mokesta.lib.money import ZERO
from mokesta.metering.declaration import (
    MeterState,
    check_reading,
    entered_by_utility_message,
    meter_states_by_contract,
    warnings_for,
)
from mokesta.metering.models import Reading
from mokesta.payments.models import Payment

WORD = re.compile(r"[0-9A-Za-z]+")
BATCH = 2000  # rows per INSERT, UPDATE or IN (...) list


def is_post_transfer(*, payer_name: str) -> bool:
    """A credit whose payer is the post office itself (POSTLT_TRANSFER_PAYERS)."""
    payer = payer_name.casefold()
    return any(name.casefold() in payer for name in settings.POSTLT_TRANSFER_PAYERS if name)


@dataclass
class Slip:
    """A new line of the file that wrote readings, with what the rules need."""

    row: Row
    line: PostLine
    payment: Payment | None
    contract: Contract | None
    month: dt.date


@dataclass
class Accepted:
    """A reading the rules accept, to be written (a later line of the file replaces it)."""

    value: int
    paid_on: dt.date
    held: HeldReading  # what to hold, should the month's reading turn out to be later


def book_post_lines(
    *,
    statement: StatementImport,
    rows: Sequence[Row],
    lines: Sequence[PostLine],
    new: Sequence[bool],
    payments: Sequence[Payment | None],
) -> None:
    """Declare the readings of the file's new lines and record their transfers (in the import's
    transaction; `new` is False for a line imported before, which brings nothing again). The
    meters and readings the rules need are read for all of the file's contracts at once, the
    readings written in bulk: a query per line would make a big file dozens of times slower."""
    contract_ids = {p.contract_id for p in payments if p is not None and p.contract_id}
    contracts = Contract.objects.in_bulk(contract_ids)
    slips: list[Slip] = []
    transfers: dict[tuple[str, dt.date], list[Decimal]] = {}
    for row, line, is_new, payment in zip(rows, lines, new, payments, strict=True):
        if not is_new:
            continue
        transfers.setdefault((line.transfer_number, line.transfer_date), []).append(row.amount)
        if any(to for _, to, _ in line.readings):
            assert row.booked_on is not None  # every line has its payment date
            contract_id = payment.contract_id if payment is not None else None
            contract = contracts.get(contract_id) if contract_id else None
            slips.append(Slip(row, line, payment, contract, month_start(row.booked_on)))
    held: list[HeldReading] = []
    accepted: dict[tuple[int, dt.date], Accepted] = {}
    by_month: dict[dt.date, list[Slip]] = {}
    for slip in slips:
        by_month.setdefault(slip.month, []).append(slip)
    for month, month_slips in sorted(by_month.items()):
        try:
            ensure_month_open(month)  # locks the period row: a close cannot slip in
        except ValidationError as error:
            closed = " ".join(error.messages)
        else:
            closed = ""
        states = meter_states_by_contract(
            {slip.contract.pk for slip in month_slips if slip.contract is not None}, month
        )
        for slip in month_slips:
            check_slip(slip, statement=statement, closed=closed, states=states, held=held,
                       accepted=accepted)  # fmt: skip
    write_readings(accepted, held)
    HeldReading.objects.bulk_create(held, batch_size=BATCH)
    for (number, day), amounts in transfers.items():
        record_file_transfer(
            statement=statement,
            number=number,
            day=day,
            count=len(amounts),
            total=sum(amounts, ZERO),
        )


def check_slip(
    slip: Slip,
    *,
    statement: StatementImport,
    closed: str,
    states: dict[int, list[MeterState]],
    held: list[HeldReading],
    accepted: dict[tuple[int, dt.date], Accepted],
) -> None:
    """Put each reading of the slip in `accepted` (the rules accept it) or `held` (why not)."""
    row, contract = slip.row, slip.contract
    assert row.booked_on is not None
    for position, to, previous in slip.line.readings:
        if not to:
            continue
        holding = HeldReading(
            statement=statement,
            line=row.entry_number,
            payment=slip.payment,
            contract=contract,
            position=position,
            month=slip.month,
            value=to[:20],
            previous=previous[:20],
            payer_name=row.payer_name,
        )
        reason = ""
        meters = states.get(contract.pk, []) if contract is not None else []
        if contract is None:
            reason = _("The payment was not matched to a contract.")
        elif not contract.is_valid_on(row.booked_on):
            reason = _("The contract had ended on the day of the payment.")
        elif closed:
            reason = closed
        elif position > len(meters):
            reason = _(
                "The contract has %(count)s meters in use that month; there is no meter No. %(n)s."
            ) % {"count": len(meters), "n": position}
        else:
            state = meters[position - 1]
            holding.meter = state.meter
            try:
                value = check_reading(to, state)
            except ValidationError as error:
                reason = " ".join(error.messages)
            else:
                # The portal asks the customer to confirm these; at the post office nobody can.
                reason = " ".join(warnings_for(state, value, contract.category))
                if not reason:
                    accepted[(state.meter.pk, slip.month)] = Accepted(value, row.booked_on, holding)
        if reason:
            holding.reason = reason[:500]
            held.append(holding)


def write_readings(accepted: dict[tuple[int, dt.date], Accepted], held: list[HeldReading]) -> None:
    """Write the accepted readings as the customer's declarations: a new row, or the month's
    earlier declaration replaced, unless that one was made after the day of the payment (on the
    portal, the day after the slip was written), which stays; the slip's reading is then held."""
    keys = sorted(accepted)
    existing: dict[tuple[int, dt.date], Reading] = {}
    for start in range(0, len(keys), BATCH):
        chunk = keys[start : start + BATCH]
        found = Reading.objects.select_for_update().filter(
            meter_id__in={meter for meter, _ in chunk}, period__in={month for _, month in chunk}
        )
        existing.update(((r.meter_id, r.period), r) for r in found)
    now = timezone.now()
    created, updated = [], []
    for key in keys:
        reading, accept = existing.get(key), accepted[key]
        if reading is None:
            created.append(
                Reading(
                    meter_id=key[0],
                    period=key[1],
                    value=accept.value,
                    source=Reading.Source.CUSTOMER,
                )
            )
        elif reading.source != Reading.Source.CUSTOMER:  # entered by the utility meanwhile
            accept.held.reason = entered_by_utility_message()
            held.append(accept.held)
        elif timezone.localdate(reading.updated_at) > accept.paid_on:
            accept.held.reason = _("A later declaration of this month is kept: %(value)s m³.") % {
                "value": reading.value
            }
            held.append(accept.held)
        else:
            reading.value, reading.created_by, reading.updated_at = accept.value, None, now
            updated.append(reading)
    Reading.objects.bulk_create(created, batch_size=BATCH)
    Reading.objects.bulk_update(updated, ["value", "created_by", "updated_at"], batch_size=BATCH)


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
    found.number, found.transfer_date, found.file = number, day, statement
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
