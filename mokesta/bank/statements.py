"""Bank statement import: ISO 20022 camt.053 XML and Swedbank's CSV statement.

The whole file is read and checked before anything is written: a file that is malformed, of
another format, too large or an XML bomb is refused with one clear message and imports nothing.
Then each entry is booked in its own atomic block, keyed by the bank's reference (or a hash of the
entry where the bank gives none), so importing a statement again books nothing twice.
Credits are matched to a contract by payment code, contract number or payer code found in the
remittance text; what cannot be matched becomes a payment without a contract (the unmatched queue).
"""

import csv
import datetime as dt
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError  # noqa: S405 - types only; parsing is defused

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Manager, Model, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from mokesta.accounts.models import User
from mokesta.billing.models import Invoice
from mokesta.customers.models import Contract
from mokesta.lib.money import round_money
from mokesta.onlinepay.payouts import is_payout, reconcile_payout
from mokesta.payments.models import BankTransaction, Payment, StatementImport

CAMT053_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053."
# Swedbank LT CSV: account; line type; date; payer/payee; details; amount; currency; D/K;
# entry no.; code; payment code [įmokos kodas]; document no. (later columns are optional).
SWEDBANK_COLUMNS = 11
SWEDBANK_TRANSACTION = "20"
SWEDBANK_OTHER_LINES = {"10", "82", "86"}  # opening balance, turnover, closing balance


class StatementError(Exception):
    """The file was refused; the message says why, in the user's language."""


@dataclass(frozen=True)
class Entry:
    reference: str
    amount: Decimal
    booked_on: dt.date
    credit: bool
    payer_name: str
    remittance: str


@dataclass
class ImportResult:
    statement: StatementImport

    @property
    def summary(self) -> str:
        s = self.statement
        return _(
            "%(entries)s entries: %(matched)s matched, %(unmatched)s unmatched, "
            "%(ignored)s debits ignored, %(duplicates)s already imported."
        ) % {
            "entries": s.entries,
            "matched": s.matched,
            "unmatched": s.unmatched,
            "ignored": s.ignored,
            "duplicates": s.duplicates,
        }


def import_statement(*, data: bytes, filename: str, user: User | None = None) -> ImportResult:
    """Import a statement file; raises StatementError (and writes nothing) if it is refused."""
    format_, entries = parse_statement(data=data, filename=filename)
    # One transaction for the file, one savepoint per entry: an entry that fails rolls back
    # alone, and the file costs one commit (on PostgreSQL each commit waits for the disk).
    with transaction.atomic():
        statement = StatementImport.objects.create(
            file_name=filename[:255], format=format_, uploaded_by=user, entries=len(entries)
        )
        counts = {"matched": 0, "unmatched": 0, "ignored": 0, "duplicates": 0}
        # A handful of queries for the whole file instead of several per entry.
        refs = [e.reference for e in entries]
        known = set(in_chunks(BankTransaction.objects, "checksum", refs))
        index = ContractIndex.for_texts([e.remittance for e in entries if e.credit])
        # In reference order, so two imports that overlap lock the same rows in the same order
        # and one waits for the other instead of deadlocking.
        for entry in sorted(entries, key=lambda e: e.reference):
            if entry.reference in known:
                counts["duplicates"] += 1
            else:
                counts[book_entry(entry, statement=statement, index=index)] += 1
        for field, value in counts.items():
            setattr(statement, field, value)
        statement.save(update_fields=list(counts))
    result = ImportResult(statement)
    if user is not None:
        audit(user, statement, ADDITION, result.summary)
    return result


def parse_statement(*, data: bytes, filename: str) -> tuple[str, list[Entry]]:
    """(format, entries) of a statement file, or StatementError for anything we will not import."""
    limit = settings.STATEMENT_MAX_BYTES
    if len(data) > limit:
        raise StatementError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(limit)}
        )
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise StatementError(_("The file is empty."))
    if head.startswith(b"<"):
        entries = parse_camt053(data)
        format_ = StatementImport.Format.CAMT053
    elif filename.lower().endswith(".xml"):
        raise StatementError(_("The XML file is malformed (line %(line)s).") % {"line": 1})
    else:
        entries = parse_swedbank_csv(data)
        format_ = StatementImport.Format.SWEDBANK_CSV
    if not entries:
        raise StatementError(_("The statement has no entries."))
    return format_, entries


def wrong_format() -> StatementError:
    return StatementError(
        _(
            "This is not a bank statement: upload an ISO 20022 camt.053 XML file "
            "or a Swedbank CSV statement."
        )
    )


# --- camt.053 ---------------------------------------------------------------------------------


def parse_camt053(data: bytes) -> list[Entry]:
    try:
        # defusedxml refuses DTD entities (billion laughs), external entities and DTD fetching.
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise StatementError(
            _("The XML file contains a document type declaration, which is not allowed.")
        ) from exc
    except ParseError as exc:
        raise StatementError(
            _("The XML file is malformed (line %(line)s).") % {"line": exc.position[0]}
        ) from exc
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if (
        not namespace.startswith(CAMT053_NAMESPACE)
        or root.find(q(namespace, "BkToCstmrStmt")) is None
    ):
        raise StatementError(_("The XML file is not an ISO 20022 camt.053 bank statement."))
    entries: list[Entry] = []
    seen: Counter[str] = Counter()
    for number, ntry in enumerate(root.iter(q(namespace, "Ntry")), start=1):
        try:
            entries.extend(camt_entry(ntry, namespace, seen))
        except ValueError as exc:
            raise StatementError(
                _("Entry %(number)s: %(problem)s") % {"number": number, "problem": exc}
            ) from exc
    return entries


def q(namespace: str, path: str) -> str:
    """An ElementTree path with every step in the statement's namespace."""
    return "/".join(f"{{{namespace}}}{step}" for step in path.split("/"))


def text(element: Element | None, namespace: str, path: str) -> str:
    if element is None:
        return ""
    found = element.find(q(namespace, path))
    return (found.text or "").strip() if found is not None else ""


def camt_entry(ntry: Element, ns: str, seen: Counter[str]) -> list[Entry]:
    indicator = text(ntry, ns, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        raise ValueError(_("the credit/debit indicator is missing"))
    booked = text(ntry, ns, "BookgDt/Dt") or text(ntry, ns, "BookgDt/DtTm")[:10]
    booked_on = parse_date(booked)
    entry_amount = parse_amount(text(ntry, ns, "Amt"), currency=amount_currency(ntry, ns))
    entry_ref = text(ntry, ns, "AcctSvcrRef") or text(ntry, ns, "NtryRef")
    details = ntry.findall(q(ns, "NtryDtls/TxDtls"))
    if not details:
        details = [Element("none")]
    entries = []
    for tx in details:
        amount = entry_amount
        if len(details) > 1:  # a batch entry: each transaction carries its own amount
            tx_amount = text(tx, ns, "Amt") or text(tx, ns, "AmtDtls/TxAmt/Amt")
            amount = parse_amount(tx_amount, currency="EUR")
        reference = (
            text(tx, ns, "Refs/AcctSvcrRef")
            or text(tx, ns, "Refs/TxId")
            or (entry_ref if len(details) == 1 else "")
            or text(tx, ns, "Refs/EndToEndId")
        )
        payer = (
            text(tx, ns, "RltdPties/Dbtr/Nm")
            or text(tx, ns, "RltdPties/Dbtr/Pty/Nm")
            or text(tx, ns, "RltdPties/Cdtr/Nm")
            or text(tx, ns, "RltdPties/Cdtr/Pty/Nm")
        )
        parts = [
            (element.text or "").strip()
            for element in tx.findall(q(ns, "RmtInf/Ustrd"))
            + tx.findall(q(ns, "RmtInf/Strd/CdtrRefInf/Ref"))
        ]
        remittance = " ".join(part for part in parts if part)
        if not reference:
            reference = "camt:" + occurrence_digest(
                seen, booked_on.isoformat(), str(amount), payer, remittance
            )
        entries.append(
            Entry(
                reference=reference[:100],
                amount=amount,
                booked_on=booked_on,
                credit=indicator == "CRDT",
                payer_name=payer[:200],
                remittance=remittance[:500],
            )
        )
    return entries


def amount_currency(ntry: Element, ns: str) -> str:
    amt = ntry.find(q(ns, "Amt"))
    return amt.get("Ccy", "EUR") if amt is not None else "EUR"


# --- Swedbank CSV -------------------------------------------------------------------------------


def parse_swedbank_csv(data: bytes) -> list[Entry]:
    if b"\x00" in data or data.startswith(b"%PDF"):
        raise wrong_format()
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Swedbank's own exports are ISO-8859-13 (Baltic) unless UTF-8 is chosen.
        content = data.decode("iso8859_13")
    first_line = content.lstrip().splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    entries = []
    seen: Counter[str] = Counter()
    rows = csv.reader(io.StringIO(content), delimiter=delimiter)
    for number, row in enumerate(rows, start=1):
        if not any(cell.strip() for cell in row):
            continue
        line_type = row[1].strip() if len(row) > 1 else ""
        if number == 1 and not line_type.isdigit() and len(row) >= SWEDBANK_COLUMNS:
            continue  # the optional header row
        if len(row) < SWEDBANK_COLUMNS or line_type not in (
            SWEDBANK_OTHER_LINES | {SWEDBANK_TRANSACTION}
        ):
            if number == 1:
                raise wrong_format()
            raise StatementError(
                _("Row %(number)s does not match the Swedbank CSV statement layout.")
                % {"number": number}
            )
        if line_type != SWEDBANK_TRANSACTION:
            continue
        try:
            entries.append(swedbank_entry(row, delimiter, seen))
        except ValueError as exc:
            raise StatementError(
                _("Row %(number)s: %(problem)s") % {"number": number, "problem": exc}
            ) from exc
    return entries


def swedbank_entry(row: list[str], delimiter: str, seen: Counter[str]) -> Entry:
    cells = [cell.strip() for cell in row]
    debit_credit = cells[7].upper()
    if debit_credit not in ("D", "K"):
        raise ValueError(_("the D/K column must be D or K"))
    amount_text = cells[5].replace(" ", "")
    if delimiter == ";":  # with semicolons the decimal separator may be a comma
        amount_text = amount_text.replace(",", ".")
    amount = parse_amount(amount_text, currency=cells[6] or "EUR")
    booked_on = parse_date(cells[2])
    # "Name | code | BIC | IBAN": the payer's name comes first.
    payer = cells[3].split("|")[0].strip()
    # The bank pads the details with "/ / / /" separators of empty structured fields.
    details = re.sub(r"(\s*/)+\s*$", "", cells[4]).strip()
    payment_code = cells[10]
    remittance = " ".join(part for part in (details, payment_code) if part)
    # The entry number is not unique (it repeats across a day's entries): hash the whole row.
    reference = "swed:" + occurrence_digest(seen, *cells)
    return Entry(
        reference=reference,
        amount=amount,
        booked_on=booked_on,
        credit=debit_credit == "K",
        payer_name=payer[:200],
        remittance=remittance[:500],
    )


# --- shared helpers ---------------------------------------------------------------------------


def parse_amount(value: str, *, currency: str) -> Decimal:
    if currency != "EUR":
        raise ValueError(_("only EUR is accepted, not %(currency)s") % {"currency": currency})
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(_("the amount is missing or invalid")) from None
    if not amount.is_finite() or amount <= 0 or amount != round_money(amount):
        raise ValueError(_("the amount is missing or invalid"))
    return amount


def parse_date(value: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a plain date
        except ValueError:
            continue
    raise ValueError(_("the booking date is missing or invalid"))


def digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def occurrence_digest(seen: Counter[str], *parts: str) -> str:
    """The reference of an entry the bank gave none: a hash of the entry and of how many
    identical entries came before it in the same file.

    A customer may pay the same amount twice on one day with the same text: two genuine payments
    that look alike, so the hash must tell them apart; yet importing the same file again must give
    the same references. The first occurrence keeps the plain hash, so files imported before
    occurrences were counted are still recognised.
    """
    plain = digest(*parts)
    seen[plain] += 1
    if seen[plain] == 1:
        return plain
    return digest(*parts, f"occurrence {seen[plain]}")


# --- booking ------------------------------------------------------------------------------------


def book_entry(entry: Entry, *, statement: StatementImport, index: "ContractIndex") -> str:
    """Book one entry in its own atomic block; returns the counter it adds to."""
    try:
        with transaction.atomic():
            payment = None
            contract_id = None
            # --- onlinepay hook: a payment provider's payout settles online payments that were
            # booked when the provider confirmed them; it is recorded, never booked again.
            payout = entry.credit and is_payout(payer_name=entry.payer_name)
            if entry.credit and not payout:
                contract_id = index.find(entry.remittance, on=entry.booked_on)
                payment = Payment.objects.create(
                    contract_id=contract_id,
                    amount=entry.amount,
                    paid_on=entry.booked_on,
                    source=Payment.Source.BANK,
                    bank_reference=entry.reference,
                    payer_name=entry.payer_name,
                    details=entry.remittance,
                )
            state = (
                BankTransaction.State.PAYOUT
                if payout
                else BankTransaction.State.IGNORED
                if not entry.credit
                else BankTransaction.State.MATCHED
                if contract_id
                else BankTransaction.State.UNMATCHED
            )
            bank_transaction = BankTransaction.objects.create(
                statement=statement,
                checksum=entry.reference,
                amount=entry.amount,
                booked_on=entry.booked_on,
                credit=entry.credit,
                payer_name=entry.payer_name,
                remittance=entry.remittance,
                state=state,
                payment=payment,
            )
            if payout:  # onlinepay hook: tie the payout to the online payments it settles
                reconcile_payout(bank_transaction=bank_transaction)
    except IntegrityError:
        # The bank reference is booked already: by another import running at the same moment.
        return "duplicates"
    # A payout counts as matched: it is accounted for, not waiting for staff.
    return {
        "ignored": "ignored",
        "matched": "matched",
        "unmatched": "unmatched",
        "payout": "matched",
    }[state]


TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z/._-]*[0-9A-Za-z]|[0-9A-Za-z]")
CHUNK = 500  # values per IN (...) list: well under SQLite's and PostgreSQL's parameter limits


def tokens(remittance: str) -> set[str]:
    found = TOKEN.findall(remittance)
    # Codes and numbers are compared as written and upper-cased ("vku-2018-0007" is a number too).
    return set(found) | {token.upper() for token in found}


def in_chunks(manager: Manager | QuerySet, field: str, values: Iterable[str], *also: str) -> list:
    """values_list(field, *also) of the rows whose `field` is one of `values`."""
    values = sorted(set(values))
    rows: list = []
    for i in range(0, len(values), CHUNK):
        chunk = manager.filter(**{f"{field}__in": values[i : i + CHUNK]})
        rows += chunk.values_list(field, *also, flat=not also)
    return rows


@dataclass
class ContractIndex:
    """The contracts a statement's remittance texts can name, looked up once per file."""

    by_payment_code: dict[str, int]
    by_number: dict[str, int]
    by_payer_code: dict[str, list[tuple[int, dt.date, dt.date | None]]]

    @classmethod
    def for_texts(cls, texts: list[str]) -> "ContractIndex":
        words = set().union(*map(tokens, texts)) if texts else set()
        payers: dict[str, list[tuple[int, dt.date, dt.date | None]]] = {}
        for payer_code, *contract in in_chunks(
            Contract.objects, "customer__payer_code", words, "pk", "start_date", "end_date"
        ):
            payers.setdefault(payer_code, []).append(tuple(contract))
        return cls(
            by_payment_code=dict(
                in_chunks(Invoice.objects.order_by(), "payment_code", words, "contract_id")
            ),
            by_number=dict(in_chunks(Contract.objects, "number", words, "pk")),
            by_payer_code=payers,
        )

    def find(self, remittance: str, *, on: dt.date) -> int | None:
        """The contract (id) a payment is for: by payment code, contract number or payer code."""
        words = tokens(remittance)
        for key in (self.by_payment_code, self.by_number):
            found = {key[word] for word in words if word in key}
            if len(found) == 1:
                return found.pop()
        payers = [word for word in words if word in self.by_payer_code]
        if len(payers) == 1:
            contracts = self.by_payer_code[payers[0]]
            # A payer with several contracts is matched only if one of them is valid that day.
            valid = [
                pk for pk, start, end in contracts if start <= on and (end is None or end >= on)
            ]
            if len(valid) == 1:
                return valid[0]
            if not valid and len(contracts) == 1:
                return contracts[0][0]
        return None


def assign_payment(*, payment: Payment, contract: Contract, user: User) -> Payment:
    """Staff assign an unmatched payment to a contract (from the unmatched queue)."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.contract_id is not None:
            raise ValueError("payment is already assigned")
        locked.contract = contract
        locked.save(update_fields=["contract"])
        BankTransaction.objects.filter(payment=locked).update(state=BankTransaction.State.ASSIGNED)
        audit(user, locked, CHANGE, _("Assigned to contract %(number)s.") % {"number": contract})
    return locked


def audit(user: User, obj: Model, action: int, message: str) -> None:
    """Record a change made outside the admin in the admin's own log (the audit trail)."""
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=action,
        change_message=message,
    )
