"""ISO 20022 camt.053 (bank to customer statement), versions .001.02 to .001.13.

Each transaction (`TxDtls`) of an entry (`Ntry`) is a row of its own: a batch entry of five
transfers is five payments. Only booked entries become payments; an entry whose status is pending
or information only (`<Sts>PDNG</Sts>`, or `<Sts><Cd>INFO</Cd></Sts>` from version .08) is listed
as skipped.
"""

import pyexpat
from collections import Counter
from decimal import Decimal
from xml.etree import ElementTree as ET  # noqa: S405 - parsed only after check_safe() below
from xml.etree.ElementTree import Element

from django.utils.translation import gettext as _

from mokesta.bank.parsing.common import (
    Row,
    StatementError,
    account_id,
    bank_reference,
    fit_reference,
    occurrence_digest,
    parse_amount,
    parse_date,
)

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053."
BOOKED = "BOOK"


class DocumentTypeDeclared(Exception):
    pass


def refuse_dtd(*args: object) -> None:
    raise DocumentTypeDeclared


def check_safe(data: bytes) -> None:
    """Refuse a document type declaration (entities: billion laughs, external entities, DTD
    fetching) and anything not well-formed, in one quick pass of expat with no other handlers
    (as defusedxml does, but without its slow Python tree builder: then the fast C one is safe)."""
    parser = pyexpat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.ExternalEntityRefHandler = refuse_dtd  # type: ignore[assignment]
    try:
        parser.Parse(data, True)
    except DocumentTypeDeclared as exc:
        raise StatementError(
            _("The XML file contains a document type declaration, which is not allowed.")
        ) from exc
    except pyexpat.ExpatError as exc:
        raise StatementError(
            _("The XML file is malformed (line %(line)s).") % {"line": exc.lineno}
        ) from exc
    except (ValueError, LookupError, UnicodeError) as exc:  # an encoding Python does not know
        raise StatementError(_("The XML file is malformed (line %(line)s).") % {"line": 1}) from exc


def parse(data: bytes) -> list[Row]:
    check_safe(data)
    try:
        root = ET.fromstring(data)  # noqa: S314 - check_safe() refused any DTD above
    except (ET.ParseError, ValueError, LookupError, UnicodeError) as exc:
        raise StatementError(_("The XML file is malformed (line %(line)s).") % {"line": 1}) from exc
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if not ns.startswith(NAMESPACE) or root.find(f"{{{ns}}}BkToCstmrStmt") is None:
        raise StatementError(_("The XML file is not an ISO 20022 camt.053 bank statement."))
    reader = Reader(ns)
    rows: list[Row] = []
    seen: Counter[str] = Counter()
    number = 0
    for statement in root.iter(reader.q("Stmt")):
        account = account_id(
            reader.text(statement, "Acct/Id/IBAN") or reader.text(statement, "Acct/Id/Othr/Id")
        )
        for ntry in statement.iterfind(reader.q("Ntry")):
            number += 1
            try:
                rows.extend(reader.entry(ntry, number=number, account=account, seen=seen))
            except ValueError as exc:
                raise StatementError(
                    _("Entry %(number)s: %(problem)s") % {"number": number, "problem": exc}
                ) from exc
    return rows


class Reader:
    """Reads entries of one namespace (the version of camt.053 the file is in)."""

    def __init__(self, ns: str) -> None:
        self.ns = ns
        self.paths: dict[str, str] = {}

        self.steps: dict[str, tuple[str, ...]] = {}

    def q(self, path: str) -> str:
        """An ElementTree path with every step in the statement's namespace (memoised)."""
        found = self.paths.get(path)
        if found is None:
            found = self.paths[path] = "/".join(f"{{{self.ns}}}{step}" for step in path.split("/"))
        return found

    def find(self, element: Element | None, path: str) -> Element | None:
        # One step at a time: a one-step find runs in C, a path goes through ElementPath (slow).
        steps = self.steps.get(path)
        if steps is None:
            steps = self.steps[path] = tuple(f"{{{self.ns}}}{step}" for step in path.split("/"))
        for step in steps:
            if element is None:
                return None
            element = element.find(step)
        return element

    def text(self, element: Element, path: str) -> str:
        found = self.find(element, path)
        return (found.text or "").strip() if found is not None else ""

    def entry(self, ntry: Element, *, number: int, account: str, seen: Counter[str]) -> list[Row]:
        status = (self.text(ntry, "Sts/Cd") or self.text(ntry, "Sts") or BOOKED).upper()
        booked = status == BOOKED
        indicator = self.text(ntry, "CdtDbtInd")
        if indicator not in ("CRDT", "DBIT"):
            raise ValueError(_("the credit/debit indicator is missing"))
        amt = self.find(ntry, "Amt")
        entry_amount = parse_amount(
            (amt.text or "").strip() if amt is not None else "",
            currency=amt.get("Ccy", "EUR") if amt is not None else "EUR",
        )
        date = self.text(ntry, "BookgDt/Dt") or self.text(ntry, "BookgDt/DtTm")[:10]
        if not booked and not date:  # a pending entry need not have a booking date yet
            date = self.text(ntry, "ValDt/Dt") or self.text(ntry, "ValDt/DtTm")[:10]
        booked_on = parse_date(date) if booked or date else None
        entry_ref = bank_reference(self.text(ntry, "AcctSvcrRef")) or bank_reference(
            self.text(ntry, "NtryRef")
        )
        dtls = self.find(ntry, "NtryDtls")
        details = (dtls.findall(self.q("TxDtls")) if dtls is not None else []) or [Element("none")]
        batch = len(details) > 1
        rows = []
        total = Decimal(0)
        for position, tx in enumerate(details, start=1):
            amount = entry_amount
            if batch:  # each transaction of a batch entry carries its own amount
                tx_amt = self.find(tx, "Amt")
                if tx_amt is None:
                    tx_amt = self.find(tx, "AmtDtls/TxAmt/Amt")
                amount = parse_amount(
                    (tx_amt.text or "").strip() if tx_amt is not None else "",
                    currency=tx_amt.get("Ccy", "EUR") if tx_amt is not None else "EUR",
                )
                total += amount
            party = "Dbtr" if indicator == "CRDT" else "Cdtr"
            payer = self.text(tx, f"RltdPties/{party}/Nm") or self.text(
                tx, f"RltdPties/{party}/Pty/Nm"
            )
            parts = []
            rmt = self.find(tx, "RmtInf")
            if rmt is not None:
                parts = [(element.text or "").strip() for element in rmt.findall(self.q("Ustrd"))]
                for strd in rmt.findall(self.q("Strd")):
                    parts.append(self.text(strd, "CdtrRefInf/Ref"))
            remittance = " ".join(part for part in parts if part)
            # Identity: the bank's reference of the transaction, else of the entry (with the
            # transaction's position in a batch), else a hash. Never the payer's EndToEndId or
            # InstrId: they are often the placeholder NOTPROVIDED, the same for many payments.
            reference = bank_reference(self.text(tx, "Refs/AcctSvcrRef"))
            if not reference and entry_ref:
                reference = f"{entry_ref}/{position}" if batch else entry_ref
            if not reference:
                reference = "camt:" + occurrence_digest(
                    seen,
                    account,
                    date,
                    str(amount),
                    indicator,
                    payer,
                    remittance,
                    str(position),
                )
            rows.append(
                Row(
                    entry_number=number,
                    position=position,
                    reference=fit_reference(reference),
                    amount=amount,
                    booked_on=booked_on,
                    credit=indicator == "CRDT",
                    payer_name=payer[:200],
                    remittance=remittance[:500],
                    booked=booked,
                    status=status[:10],
                    account=account,
                )
            )
        if batch and total != entry_amount:
            raise ValueError(
                _("its transactions add up to %(total)s, not to the entry's %(amount)s")
                % {"total": total, "amount": entry_amount}
            )
        return rows
