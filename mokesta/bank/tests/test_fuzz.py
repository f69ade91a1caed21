"""Fuzzing the statement import (issue 9.3): seeded random mutations of the sample files of both
formats. Each must be refused with a StatementError and a message, or imported correctly; never
another exception, never a partial import."""

import random
import re
from collections.abc import Callable
from decimal import Decimal

import pytest

from mokesta.bank.booking import import_statement
from mokesta.bank.models import BankTransaction, StatementImport
from mokesta.bank.parsing import StatementError
from mokesta.bank.tests.camt import document, entry, tx
from mokesta.bank.tests.conftest import Ledger, sample
from mokesta.lib.money import MAX_SINGLE_AMOUNT
from mokesta.payments.models import Payment

pytestmark = pytest.mark.django_db

CASES = 1200
SEED = 20261129
BATCH = document(
    entry(
        "30.00",
        tx("VKU-2018-0007", amount="10.00"),
        tx("Sut.Nr.VKU-2020-0090", amount="20.00"),
        ref="B1",
    ),
    entry("5.00", tx("PC-2026100001"), status="<Sts>PDNG</Sts>"),
    version="001.08",
)
SAMPLES = [
    (sample("camt053.xml"), "camt053.xml"),
    (BATCH, "batch.xml"),
    (sample("swedbank.csv"), "swedbank.csv"),
    (sample("swedbank_comma_iso8859-13.csv"), "swedbank_comma.csv"),
]
NUMBER = re.compile(rb"\d+[.,]\d\d")
HUGE = [b"1E+30", b"9" * 30, b"1000000000000.00", b"-5", b"0.001", b"1e2", b"NaN", b"\xd9\xa1"]


def flip(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def duplicate_line(rng: random.Random, data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    i = rng.randrange(len(lines))
    return b"".join(lines[: i + 1] + [lines[i]] + lines[i + 1 :])


def remove_line(rng: random.Random, data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    del lines[rng.randrange(len(lines))]
    return b"".join(lines)


def swap_fields(rng: random.Random, data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    i = rng.randrange(len(lines))
    separator = b";" if b";" in lines[i] else b","
    cells = lines[i].split(separator)
    if len(cells) > 1:
        a, b = rng.sample(range(len(cells)), 2)
        cells[a], cells[b] = cells[b], cells[a]
        lines[i] = separator.join(cells)
    else:  # XML: swap two lines
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    return b"".join(lines)


def huge_number(rng: random.Random, data: bytes) -> bytes:
    numbers = list(NUMBER.finditer(data))
    if not numbers:
        return data
    found = rng.choice(numbers)
    return data[: found.start()] + rng.choice(HUGE) + data[found.end() :]


def long_field(rng: random.Random, data: bytes) -> bytes:
    i = rng.randrange(len(data) + 1)
    return data[:i] + rng.choice([b"x", b" ", b'"', b"/ "]) * rng.choice([300, 140_000]) + data[i:]


def insert_special(rng: random.Random, data: bytes) -> bytes:
    i = rng.randrange(len(data) + 1)
    return (
        data[:i] + rng.choice([b'"', b"<", b"&", b"\x00", b"\r", b";", b"]]>", b"\xc4"]) + data[i:]
    )


MUTATIONS: list[Callable[[random.Random, bytes], bytes]] = [
    flip,
    truncate,
    duplicate_line,
    remove_line,
    swap_fields,
    huge_number,
    long_field,
    insert_special,
]


def counts() -> tuple[int, int, int]:
    return (
        StatementImport.objects.count(),
        BankTransaction.objects.count(),
        Payment.objects.count(),
    )


def test_mutated_statements_are_refused_or_imported_whole(ledger: Ledger) -> None:
    rng = random.Random(SEED)
    outcomes = {"refused": 0, "imported": 0}
    for case in range(CASES):
        data, filename = SAMPLES[case % len(SAMPLES)]
        for _ in range(rng.randint(1, 3)):
            if data:  # a truncation may leave nothing to mutate further
                data = rng.choice(MUTATIONS)(rng, data)
        before = counts()
        try:
            result = import_statement(data=data, filename=filename)
        except StatementError as refused:
            assert str(refused), f"case {case}: a refusal without a message"
            assert counts() == before, f"case {case}: refused, yet something was written"
            outcomes["refused"] += 1
            continue
        # Imported: whole, and every number the database holds is within its columns.
        s = result.statement
        imports, transactions, payments = counts()
        assert imports == before[0] + 1, f"case {case}"
        assert transactions == before[1] + s.entries, f"case {case}: a partial import"
        assert payments == before[2] + s.matched + s.unmatched, f"case {case}"
        assert s.entries == s.matched + s.unmatched + s.ignored + s.duplicates + s.skipped
        assert all(Decimal(0) < tx.amount <= MAX_SINGLE_AMOUNT for tx in s.transactions.all()), (
            f"case {case}"
        )
        outcomes["imported"] += 1
    # The mutations must exercise both outcomes, or the test proves little.
    assert outcomes["refused"] > CASES // 4
    assert outcomes["imported"] > CASES // 20
