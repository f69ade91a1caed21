"""Booking a statement's rows: each new credit becomes a payment (matched to a contract or left
in the unmatched queue), each debit is recorded, and what was already imported or not booked by
the bank is listed. All of a file in one transaction: it is imported whole or not at all.

Bulk throughout: the identities already known and the contracts the texts can name are read in
a few queries per import; payments are written with bulk_create (their ids are needed), the
transactions with COPY or executemany (insert_transactions).
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mokesta.accounts.models import User
from mokesta.bank.matching import ContractIndex, in_chunks
from mokesta.bank.models import BankTransaction, StatementImport
from mokesta.bank.parsing import ParsedStatement, Row, StatementError, parse_statement
from mokesta.bank.parsing.common import reused_reference
from mokesta.bank.payouts import reconcile_payout
from mokesta.bank.postlt import book_post_lines, is_post_transfer, reconcile_post_transfer
from mokesta.customers.models import Contract
from mokesta.lib.audit import ADDITION, CHANGE, audit
from mokesta.onlinepay.payouts import is_payout
from mokesta.payments.models import Payment

log = logging.getLogger(__name__)
State = BankTransaction.State
BATCH = 2000  # rows per INSERT (payments) or executemany (transactions on SQLite)
# One key for pg_advisory_xact_lock: imports book one after another, so two overlapping files
# imported at the same moment see each other's transactions and book each one once.
IMPORT_LOCK = 0x6D6F6B62616E6B  # "mokbank"
COUNTERS: dict[str, str] = {
    State.MATCHED: "matched",
    State.UNMATCHED: "unmatched",
    State.IGNORED: "ignored",
    State.PAYOUT: "matched",  # accounted for (onlinepay), not waiting for staff
    State.DUPLICATE: "duplicates",
    State.SKIPPED: "skipped",
}


@dataclass
class ImportResult:
    statement: StatementImport

    @property
    def summary(self) -> str:
        return summary(self.statement)


def summary(s: StatementImport) -> str:
    return _(
        "%(entries)s entries: %(matched)s matched, %(unmatched)s unmatched, "
        "%(ignored)s debits ignored, %(duplicates)s already imported."
    ) % {
        "entries": s.entries,
        "matched": s.matched,
        "unmatched": s.unmatched,
        "ignored": s.ignored,
        "duplicates": s.duplicates,
    } + (
        " "
        + _("%(skipped)s not booked by the bank (pending or information), skipped.")
        % {"skipped": s.skipped}
        if s.skipped
        else ""
    )


def import_statement(*, data: bytes, filename: str, user: User | None = None) -> ImportResult:
    """Import a statement file now; raises StatementError (and writes nothing) if it is refused."""
    parsed = parse_statement(data=data, filename=filename)
    with transaction.atomic():
        lock_imports()
        statement = StatementImport.objects.create(
            file_name=filename[:255],
            format=parsed.format,
            uploaded_by=user,
            entries=len(parsed.rows),
            state=StatementImport.State.RUNNING,
        )
        book_rows(statement=statement, rows=parsed.rows, post_lines=parsed.post_lines)
    if user is not None:
        audit(user, statement, ADDITION, summary(statement))
    return ImportResult(statement)


def queue_statement(*, data: bytes, filename: str, user: User | None = None) -> StatementImport:
    """Check a statement file and keep it for a background import (run_import). Raises
    StatementError at once, before anything is written, if the file is refused."""
    parsed: ParsedStatement = parse_statement(data=data, filename=filename)
    return StatementImport.objects.create(
        file_name=filename[:255],
        format=parsed.format,
        uploaded_by=user,
        entries=len(parsed.rows),
        state=StatementImport.State.QUEUED,
        content=data,
    )


def run_import(
    *, statement_id: int, progress: Callable[[int], None] | None = None
) -> StatementImport:
    """Import a queued statement (the background task). A failure is written to the statement
    (state FAILED, with the reason) and nothing of the file is booked."""
    started = StatementImport.objects.filter(
        pk=statement_id, state=StatementImport.State.QUEUED
    ).update(state=StatementImport.State.RUNNING)
    statement = StatementImport.objects.select_related("uploaded_by").get(pk=statement_id)
    if not started:  # delivered twice, or already done: import once
        return statement
    try:
        parsed = parse_statement(data=bytes(statement.content), filename=statement.file_name)
        with transaction.atomic():
            lock_imports()
            book_rows(
                statement=statement,
                rows=parsed.rows,
                progress=progress,
                post_lines=parsed.post_lines,
            )
    except StatementError as error:
        fail(statement, str(error))
    except Exception:
        log.exception("statement import %s failed", statement_id)
        fail(statement, _("The import failed unexpectedly; nothing was booked. Try again later."))
    else:
        if statement.uploaded_by is not None:
            audit(statement.uploaded_by, statement, ADDITION, summary(statement))
    return statement


def fail(statement: StatementImport, error: str) -> None:
    statement.state = StatementImport.State.FAILED
    statement.error = error
    statement.finished_at = timezone.now()
    statement.save(update_fields=["state", "error", "finished_at"])


def lock_imports() -> None:
    """Let imports book one at a time (inside the caller's transaction). SQLite needs nothing:
    its transactions start IMMEDIATE (see settings), one writer at a time already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def book_rows(
    *,
    statement: StatementImport,
    rows: list[Row],
    progress: Callable[[int], None] | None = None,
    post_lines: list | None = None,
) -> None:
    """Book a statement's rows and count them on the statement; in the caller's transaction.
    With `post_lines` (the post office's file: parsing.postlt) the payments are the post's and
    the lines' readings and transfer are booked too (bank.postlt)."""
    source = Payment.Source.POST if post_lines else Payment.Source.BANK
    known = known_identities([row.reference for row in rows if row.booked])
    # A reference seen before (in the database or earlier in this file) with another amount is
    # not the same transaction: it gets the identity reference~amount and waits for a clerk.
    first_amount: dict[str, Decimal] = {}
    reused = []
    for row in rows:
        if row.booked:
            earlier = known.get(row.reference, first_amount.get(row.reference))
            if earlier is not None and earlier != row.amount:
                reused.append(reused_reference(row.reference, row.amount))
            first_amount.setdefault(row.reference, row.amount)
    if reused:
        known.update(known_identities(reused))
    if progress:
        progress(0)
    states: list[str] = []
    identities: list[str] = []
    held: dict[int, Decimal] = {}  # row index -> the amount its reference was used for before
    for i, row in enumerate(rows):
        identity = row.reference
        if not row.booked:
            states.append(State.SKIPPED)
            identities.append(identity)
            continue
        earlier = known.get(identity)
        if earlier is not None and earlier != row.amount:
            held[i] = earlier
            identity = reused_reference(row.reference, row.amount)
            earlier = known.get(identity)
        identities.append(identity)
        if earlier is not None:  # imported before, or twice in this file
            states.append(State.DUPLICATE)
        else:
            known[identity] = row.amount
            states.append(State.UNMATCHED if row.credit else State.IGNORED)
    index = ContractIndex.for_texts(
        row.remittance for row, state in zip(rows, states, strict=True) if state == State.UNMATCHED
    )
    payments: list[Payment | None] = []
    for i, row in enumerate(rows):
        payment = None
        if states[i] == State.UNMATCHED:
            if i in held:  # booked, and waits for a clerk with the reason
                payment = Payment(
                    amount=row.amount,
                    paid_on=row.booked_on,  # type: ignore[misc]  # booked rows have a date
                    source=source,
                    bank_reference=identities[i],
                    payer_name=row.payer_name,
                    details=row.remittance,
                    unmatched_reason=Payment.UnmatchedReason.REFERENCE_REUSED,
                    unmatched_detail=(
                        _("%(reference)s was booked before with %(amount)s €")
                        % {"reference": row.reference, "amount": held[i]}
                    )[:200],
                )
            elif not post_lines and (  # at the post office every payer is a customer
                is_payout(payer_name=row.payer_name) or is_post_transfer(payer_name=row.payer_name)
            ):
                # A payment provider's payout settles online payments already booked one by
                # one: booked again it would count them twice (onlinepay reconciles it below).
                # So does the post office's daily transfer of the payments its file brought.
                states[i] = State.PAYOUT
            else:
                match = index.match(row)
                payment = Payment(
                    contract_id=match.contract_id,
                    amount=row.amount,
                    paid_on=row.booked_on,  # type: ignore[misc]  # booked rows have a date
                    source=source,
                    bank_reference=identities[i],
                    payer_name=row.payer_name,
                    details=row.remittance,
                    unmatched_reason=match.reason,
                    unmatched_detail=match.detail,
                )
                if match.contract_id:
                    states[i] = State.MATCHED
        payments.append(payment)
    created = [payment for payment in payments if payment is not None]
    for start in range(0, len(created), BATCH):
        Payment.objects.bulk_create(created[start : start + BATCH])
        if progress:
            progress(start + BATCH)
    insert_transactions(
        (
            statement.pk,
            identity if state not in (State.DUPLICATE, State.SKIPPED) else None,
            identity,
            row.entry_number,
            row.position,
            row.amount,
            row.booked_on,
            row.credit,
            row.payer_name,
            row.remittance,
            str(state),
            payment.pk if payment is not None else None,
        )
        for row, identity, state, payment in zip(rows, identities, states, payments, strict=True)
    )
    # Each new payout settles the online payments booked one by one when customers paid; the
    # post office's transfer, the payments of its file.
    for payout in BankTransaction.objects.filter(statement=statement, state=State.PAYOUT):
        if is_post_transfer(payer_name=payout.payer_name):
            reconcile_post_transfer(bank_transaction=payout)
        else:
            reconcile_payout(bank_transaction=payout)
    if post_lines:
        book_post_lines(
            statement=statement,
            rows=rows,
            lines=post_lines,
            new=[state not in (State.DUPLICATE, State.SKIPPED) for state in states],
            payments=payments,
        )
    counts = dict.fromkeys(["matched", "unmatched", "ignored", "duplicates", "skipped"], 0)
    for state in states:
        counts[COUNTERS[state]] += 1
    for name, value in counts.items():
        setattr(statement, name, value)
    statement.entries = len(rows)
    statement.state = StatementImport.State.DONE
    statement.finished_at = timezone.now()
    statement.save(update_fields=[*counts, "entries", "state", "finished_at"])


TRANSACTION_FIELDS = (
    "statement",
    "checksum",
    "reference",
    "entry_number",
    "position",
    "amount",
    "booked_on",
    "credit",
    "payer_name",
    "remittance",
    "state",
    "payment",
)


def known_identities(refs: list[str]) -> dict[str, Decimal]:
    """Those of `refs` already booked, with the amount booked under each: a bank transaction's
    or a payment's reference."""
    if connection.vendor == "postgresql":
        # One array parameter instead of thousands of IN (...) placeholders, which the driver
        # would scan one by one (seconds for a 100,000-entry file).
        quote = connection.ops.quote_name
        sql = (
            f"SELECT checksum, amount FROM {quote(BankTransaction._meta.db_table)} "  # noqa: S608
            "WHERE checksum = ANY(%s) UNION ALL "
            f"SELECT bank_reference, amount FROM {quote(Payment._meta.db_table)} "
            "WHERE bank_reference = ANY(%s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [refs, refs])
            return dict(cursor.fetchall())
    known = dict(in_chunks(BankTransaction.objects.order_by(), "checksum", refs, "amount"))
    known.update(in_chunks(Payment.objects.order_by(), "bank_reference", refs, "amount"))
    return known


def insert_transactions(values: Iterable[tuple]) -> None:
    """INSERT rows of BankTransaction (values in TRANSACTION_FIELDS order).

    Plain SQL, not bulk_create: building a model instance and compiling each of its fields costs
    more than the database's work, and a statement's transactions are the largest part of an
    import (every one of them is listed, duplicates and skipped included). PostgreSQL gets them
    by COPY (the driver would otherwise scan a multi-row INSERT's placeholders one by one),
    SQLite by executemany (one prepared statement). The values are plain Decimal/date/str/bool/
    int/None, which both drivers adapt themselves.
    """
    meta = BankTransaction._meta
    quote = connection.ops.quote_name
    # Every name is a concrete field of the model (a ForeignKey's column is its `_id`).
    columns = ", ".join(
        quote(meta.get_field(name).column)  # type: ignore[union-attr, arg-type]
        for name in TRANSACTION_FIELDS
    )
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
            return
        placeholders = ", ".join(["%s"] * len(TRANSACTION_FIELDS))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        batch: list[tuple] = []
        for value in values:
            batch.append(value)
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def assign_payment(*, payment: Payment, contract: Contract, user: User) -> Payment:
    """Staff assign an unmatched payment to a contract (from the unmatched queue)."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.contract_id is not None:
            raise ValueError("payment is already assigned")
        locked.contract = contract
        locked.save(update_fields=["contract"])
        BankTransaction.objects.filter(payment=locked).update(state=State.ASSIGNED)
        audit(user, locked, CHANGE, _("Assigned to contract %(number)s.") % {"number": contract})
    return locked
