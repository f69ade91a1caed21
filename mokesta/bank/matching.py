"""Which contract a credit is for: by payment code, contract number or payer code written in the
remittance text, the way people write them.

People type codes with spaces or dashes („2504 000105 6"), glue numbers to words and punctuation
(„Sut.Nr.VKU-2024-0107", „kodas49107080033") and write in any case. So each text is cut into
candidate strings (every run of its pieces, with and without the separators) and the candidates
are looked up in dictionaries of the real codes, loaded once per import in a few queries. Only a
candidate that is a real code counts, so the loose cutting does not cause false matches.

A payment that could belong to more than one contract is never guessed: it goes to the unmatched
queue with the reason and what was found.
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Manager, QuerySet

from mokesta.bank.parsing import Row
from mokesta.billing.models import Invoice
from mokesta.customers.models import Contract
from mokesta.payments.models import Payment

Reason = Payment.UnmatchedReason
CHUNK = 2000  # values per IN (...) list: well under SQLite's (32,766) and PostgreSQL's limits
MAX_PIECES = 6  # a code is at most this many pieces long („VKU-2024-0107" is three)
MAX_CODE = 30  # the longest payment code / contract number the database holds
TOKEN = re.compile(r"[^\W_]+(?:[-./_]+[^\W_]+)*")  # letters/digits joined by - . / _
SEPARATOR = re.compile(r"([-./_]+)")
# Where words are glued: a digit next to a letter („kodas49107080033"), a lower-case letter
# before a capital („sutVKU-2024-0107").
GLUE = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)|(?<=[^\W\d_A-Z])(?=[A-Z])")
DIGIT_GROUPS = re.compile(r"\d+(?:[ -]\d+)+")  # „2504 000105 6", „2504-000105-6"


@lru_cache(maxsize=65536)  # statements repeat the same texts („Už vandenį", a payer's code)
def candidates(text: str) -> frozenset[str]:
    """Every string in `text` that could be a code, upper-cased. Each must contain a digit."""
    found: set[str] = set()
    for token in TOKEN.findall(text):
        parts = SEPARATOR.split(token)  # piece, separator, piece, …
        pieces: list[str] = []
        separators: list[str] = []
        for i, part in enumerate(parts):
            if i % 2:
                separators.append(part)
                continue
            glued = GLUE.split(part)
            pieces.extend(glued)
            separators.extend([""] * (len(glued) - 1))
        for start in range(len(pieces)):
            joined = ""
            bare = ""
            for end in range(start, min(len(pieces), start + MAX_PIECES)):
                if end > start:
                    joined += separators[end - 1]
                joined += pieces[end]
                bare += pieces[end]
                found.add(joined)
                found.add(bare)  # „2504-000105-6" typed for 25040001056
    for run in DIGIT_GROUPS.findall(text):
        groups = re.split(r"[ -]", run)
        for start in range(len(groups)):
            for end in range(start + 2, min(len(groups), start + MAX_PIECES) + 1):
                found.add("".join(groups[start:end]))
    return frozenset(
        word.upper()
        for word in found
        if 4 <= len(word) <= MAX_CODE and any(char.isdigit() for char in word)
    )


@dataclass(frozen=True, slots=True)
class Match:
    contract_id: int | None = None
    reason: str = ""  # a Payment.UnmatchedReason when no contract was found
    detail: str = ""  # what was found, for staff: „VKU-2018-0007, VKU-2020-0090"


@dataclass
class ContractIndex:
    """The contracts a statement's remittance texts can name, looked up once per import."""

    by_payment_code: dict[str, set[int]] = field(default_factory=dict)
    by_number: dict[str, int] = field(default_factory=dict)
    # payer code -> (contract id, contract number, start, end) of each of the payer's contracts
    by_payer_code: dict[str, list[tuple[int, str, dt.date, dt.date | None]]] = field(
        default_factory=dict
    )

    @classmethod
    def for_texts(cls, texts: Iterable[str]) -> "ContractIndex":
        words: set[str] = set()
        for text in set(texts):
            words |= candidates(text)
        index = cls()
        for code, contract_id in in_chunks(
            Invoice.objects.order_by(), "payment_code", words, "contract_id"
        ):
            index.by_payment_code.setdefault(code.upper(), set()).add(contract_id)
        for number, pk in in_chunks(Contract.objects.order_by(), "number", words, "pk"):
            index.by_number[number.upper()] = pk
        payer_words = [word for word in words if word.isdigit()]
        for payer_code, *contract in in_chunks(
            Contract.objects.order_by(),
            "customer__payer_code",
            payer_words,
            "pk",
            "number",
            "start_date",
            "end_date",
        ):
            index.by_payer_code.setdefault(payer_code, []).append(tuple(contract))
        return index

    def match(self, row: Row) -> Match:
        """The contract a credit is for, or why none could be chosen."""
        words = candidates(row.remittance)
        codes = {word for word in words if word in self.by_payment_code}
        contracts = set().union(*(self.by_payment_code[code] for code in codes))
        if len(contracts) == 1:
            return Match(contract_id=contracts.pop())
        if contracts:
            return Match(reason=Reason.SEVERAL_CODES, detail=listed(codes))
        numbers = {word for word in words if word in self.by_number}
        if len(numbers) == 1:
            return Match(contract_id=self.by_number[numbers.pop()])
        if numbers:
            return Match(reason=Reason.SEVERAL_NUMBERS, detail=listed(numbers))
        payers = {word for word in words if word in self.by_payer_code}
        if len(payers) > 1:
            return Match(reason=Reason.SEVERAL_PAYERS, detail=listed(payers))
        if payers:
            return self.by_payer(payers.pop(), on=row.booked_on)
        return Match(reason=Reason.NONE_FOUND)

    def by_payer(self, payer_code: str, *, on: dt.date | None) -> Match:
        contracts = self.by_payer_code[payer_code]
        if len(contracts) == 1:  # a payer's only contract, even if it has ended (a late payment)
            return Match(contract_id=contracts[0][0])
        # A payer with several contracts is matched only if one of them is valid that day.
        valid = [c for c in contracts if on and c[2] <= on and (c[3] is None or c[3] >= on)]
        if len(valid) == 1:
            return Match(contract_id=valid[0][0])
        return Match(
            reason=Reason.PAYER_CONTRACTS,
            detail=f"{payer_code}: {listed(c[1] for c in (valid or contracts))}",
        )


def listed(values: Iterable[str]) -> str:
    return ", ".join(sorted(values))[:200]


def in_chunks(manager: Manager | QuerySet, field: str, values: Iterable[str], *also: str) -> list:
    """values_list(field, *also) of the rows whose `field` is one of `values`."""
    values = sorted(set(values))
    rows: list = []
    for i in range(0, len(values), CHUNK):
        chunk = manager.filter(**{f"{field}__in": values[i : i + CHUNK]})
        rows += chunk.values_list(field, *also, flat=not also)
    return rows
