"""Bank statement import speed: `python bench/statements.py N` builds a camt.053 file with N credit
entries (a third match a contract number, a third a payer code, a third nothing; every tenth is a
batch entry of two NOTPROVIDED transfers), then in one run:

  1. baseline: a raw bulk_create of the same payments and bank transactions (then removed),
  2. the import (parse, identities, matching, booking),
  3. the re-import of the same file (every transaction a duplicate, listed),

and prints entries/s for each and the import's time as a multiple of the baseline.
Uses DATABASE_URL (a test database is created and dropped); not a test."""

import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mokesta.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

ENTRY = """<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-11-02</Dt></BookgDt><AcctSvcrRef>BENCH{n:08d}</AcctSvcrRef><NtryDtls><TxDtls>
<Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
<RltdPties><Dbtr><Nm>Mokėtojas {n}</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""
BATCH = """<Ntry><Amt Ccy="EUR">{total}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-11-02</Dt></BookgDt><AcctSvcrRef>BENCH{n:08d}</AcctSvcrRef><NtryDtls>{txs}
</NtryDtls></Ntry>"""
TX = """<TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><Amt Ccy="EUR">{amount}</Amt>
<RltdPties><Dbtr><Nm>Mokėtojas {n}</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls>"""


def build(n: int, contracts: list[tuple[str, str]]) -> bytes:
    """A camt.053 file of n transactions."""
    entries = []
    i = 0
    while i < n:
        number, payer_code = contracts[i % len(contracts)]
        text = [f"Sut.Nr.{number}", f"Mok. kodas {payer_code}", "Ačiū"][i % 3]
        amount = Decimal(f"{10 + i % 90}.{i % 100:02d}")
        if i % 10 == 9 and i + 1 < n:  # a batch entry: two transfers
            txs = TX.format(n=i, amount=amount, text=text) + TX.format(
                n=i + 1, amount=amount, text="Ačiū"
            )
            entries.append(BATCH.format(n=i, total=amount * 2, txs=txs))
            i += 2
        else:
            entries.append(ENTRY.format(n=i, amount=amount, text=text))
            i += 1
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>'
        "<Acct><Id><IBAN>LT407300010012345678</IBAN></Id></Acct>"
        + "".join(entries)
        + "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def baseline(n: int, rows: list) -> tuple[float, float]:
    """Seconds for a raw bulk_create of the payments and transactions the import writes."""
    from mokesta.bank.models import BankTransaction, StatementImport
    from mokesta.payments.models import Payment

    start, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():
        statement = StatementImport.objects.create(file_name="baseline", format="camt053")
        payments = [
            Payment(
                amount=row.amount,
                paid_on=row.booked_on,
                source="bank",
                bank_reference="base" + row.reference,
                payer_name=row.payer_name,
                details=row.remittance,
            )
            for row in rows
        ]
        Payment.objects.bulk_create(payments, batch_size=2000)
        BankTransaction.objects.bulk_create(
            [
                BankTransaction(
                    statement=statement,
                    checksum="base" + row.reference,
                    reference=row.reference,
                    amount=row.amount,
                    booked_on=row.booked_on,
                    payer_name=row.payer_name,
                    remittance=row.remittance,
                    state="unmatched",
                    payment=payment,
                )
                for row, payment in zip(rows, payments, strict=True)
            ],
            batch_size=2000,
        )
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    # Raw deletes: Django's collector would list every id in one IN (…), more parameters than
    # PostgreSQL takes (65,535) at a million entries; nothing else refers to these rows.
    with transaction.atomic():
        BankTransaction.objects.filter(statement=statement)._raw_delete(connection.alias)
        Payment.objects.filter(bank_reference__startswith="base")._raw_delete(connection.alias)
        statement.delete()
    return took, cpu


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    setup_test_environment()
    # A database of its own, so that the benchmark and the test suite may run side by side.
    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = str(Path(tempfile.gettempdir()) / f"mokesta-bench-{os.getpid()}.sqlite3")
    else:
        test["NAME"] = f"test_{connection.settings_dict['NAME']}_bench"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from mokesta.bank.booking import import_statement
        from mokesta.bank.parsing import parse_statement
        from mokesta.customers.models import Contract

        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        contracts = list(Contract.objects.values_list("number", "customer__payer_code"))
        data = build(n, contracts)
        with django.test.override_settings(STATEMENT_MAX_BYTES=len(data)):
            rows = parse_statement(data=data, filename="bench.xml").rows
            assert len(rows) == n
            base, base_cpu = baseline(n, rows)
            print(
                f"{connection.vendor}: raw bulk_create of {n} payments + transactions: "
                f"{base:.2f} s = {n / base:.0f} entries/s (baseline; this process's CPU "
                f"{base_cpu:.2f} s)"
            )
            for label in ("import", "re-import"):
                start, cpu = time.perf_counter(), time.process_time()
                result = import_statement(data=data, filename="bench.xml")
                took, cpu = time.perf_counter() - start, time.process_time() - cpu
                print(
                    f"{connection.vendor}: {label}: {n} entries ({len(data) / 1e6:.1f} MB) "
                    f"in {took:.2f} s = {n / took:.0f} entries/s, {took / base:.2f}× baseline "
                    f"(CPU {cpu:.2f} s); {result.summary}"
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
