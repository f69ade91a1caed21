"""Bank statement import speed: `python bench/statements.py N` builds a camt.053 file with N credit
entries (a third match a contract number, a third a payer code, a third nothing), imports it, then
imports it again (all duplicates), and prints entries/s for both. Uses DATABASE_URL; not a test."""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mokesta.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

ENTRY = """<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<BookgDt><Dt>2026-11-02</Dt></BookgDt><AcctSvcrRef>BENCH{n:08d}</AcctSvcrRef><NtryDtls><TxDtls>
<RltdPties><Dbtr><Nm>Mokėtojas {n}</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""


def build(n: int, contracts: list[tuple[str, str]]) -> bytes:
    entries = []
    for i in range(n):
        number, payer_code = contracts[i % len(contracts)]
        text = [f"Sutartis {number}", f"Mok. kodas {payer_code}", "Ačiū"][i % 3]
        entries.append(ENTRY.format(n=i, amount=f"{10 + i % 90}.{i % 100:02d}", text=text))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>'
        + "".join(entries)
        + "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from mokesta.bank.statements import import_statement
        from mokesta.customers.models import Contract

        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        contracts = list(Contract.objects.values_list("number", "customer__payer_code"))
        data = build(n, contracts)
        with django.test.override_settings(STATEMENT_MAX_BYTES=len(data)):
            for label in ("first import", "re-import"):
                start = time.perf_counter()
                result = import_statement(data=data, filename="bench.xml")
                took = time.perf_counter() - start
                print(
                    f"{connection.vendor}: {label}: {n} entries ({len(data) / 1e6:.1f} MB) "
                    f"in {took:.2f} s = {n / took:.0f} entries/s; {result.summary}"
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
