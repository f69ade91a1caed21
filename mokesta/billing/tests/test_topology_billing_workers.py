"""The billing run on two task workers (`manage.py db_worker`, PostgreSQL), one of them killed
with SIGKILL in the middle of a chunk, and the period run again: every contract is billed once
and the invoice numbers run 1…N without a gap.

A run is a planning task and one task per chunk (billing/tasks.py); BILLING_CHUNK_SIZE is small
here so that there are many chunks to share and to interrupt. Marked `topology`."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings

from mokesta.lib.dates import add_months, local_today, month_start

pytestmark = pytest.mark.topology

ROOT = Path(settings.BASE_DIR)
CONTRACTS = 1500
CHUNK = 100


def wait_for(what: str, condition: Callable[[], Any], timeout: float = 300) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if result := condition():
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Installation:
    def __init__(self, tmp: Path) -> None:
        base = os.environ.get("DATABASE_URL", "")
        if not base.startswith("postgres"):
            base = "postgres://postgres@127.0.0.1:5432/mokesta"
        self.server = base.rpartition("/")[0]
        self.db_name = f"mokesta_rerun_{uuid.uuid4().hex[:8]}"
        self.url = f"{self.server}/{self.db_name}"
        self.tmp = tmp
        self.env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        self.env.update(
            DATABASE_URL=self.url,
            DEBUG="1",
            SECRET_KEY="rerun-" + uuid.uuid4().hex * 2,
            TASK_BACKEND="database",
            BILLING_CHUNK_SIZE=str(CHUNK),
            EMAIL_URL="dummymail://",
            PYTHONUNBUFFERED="1",
        )
        self.workers: dict[str, subprocess.Popen[bytes]] = {}

    def admin(self, sql: str) -> None:
        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as connection:
            connection.execute(sql)  # type: ignore[arg-type]

    def sql(self, query: str, *params: object) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url, autocommit=True) as connection:
            cursor = connection.execute(query, params)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

    def manage(self, *args: str) -> str:
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def start_worker(self, name: str) -> None:
        log = (self.tmp / f"{name}.log").open("ab")
        self.workers[name] = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
            + ["--interval", "0.1", "--worker-id", name],
            cwd=ROOT,
            env={**self.env, "PGAPPNAME": name},  # its connections are known by this name
            stdout=log,
            stderr=log,
            start_new_session=True,
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.workers.pop(name)
        os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def start_run(self, month: dt.date) -> int:
        out = self.manage(
            "shell",
            "-c",
            "from mokesta.billing.models import BillingPeriod, BillingRun; "
            "from mokesta.billing.tasks import run_billing; "
            f"period, _ = BillingPeriod.objects.get_or_create(month='{month.isoformat()}'); "
            "run = BillingRun.objects.create(period=period); "
            "run_billing.enqueue(run.pk); print('run', run.pk)",
        )
        return int(out.split("run ")[-1])

    def run_state(self, run: int) -> tuple[str, int, int, int]:
        return self.sql(
            "SELECT state, contracts_total, contracts_done, invoices_issued"
            " FROM billing_billingrun WHERE id = %s",
            run,
        )[0]


@pytest.fixture
def installation(tmp_path: Path) -> Iterator[Installation]:
    site = Installation(tmp_path)
    site.admin(f'CREATE DATABASE "{site.db_name}"')
    try:
        yield site
    finally:
        for name in list(site.workers):
            site.kill(name, signal.SIGTERM)
        site.admin(f'DROP DATABASE IF EXISTS "{site.db_name}" WITH (FORCE)')


def test_a_worker_killed_mid_run_and_a_rerun_bill_every_contract_once_without_gaps(installation):
    site = installation
    month = add_months(month_start(local_today()), -1)
    site.manage("migrate", "--noinput")
    site.manage(
        "shell",
        "-c",
        "import datetime as dt; from mokesta.lib.tests.topology_data import populate; "
        f"populate({CONTRACTS}, dt.date.fromisoformat('{month.isoformat()}'))",
    )
    site.start_worker("w1")
    site.start_worker("w2")
    first = site.start_run(month)

    def invoices() -> int:
        return site.sql("SELECT count(*) FROM billing_invoice")[0][0]

    # Both workers take chunks.
    wait_for("chunks on both workers", lambda: invoices() >= 4 * CHUNK)
    # Kill w1 in the middle of a chunk: while its transaction holds the invoice sequence's lock
    # (bill_chunk takes it first and keeps it to the commit).
    wait_for(
        "w1 inside a chunk",
        lambda: site.sql(
            "SELECT 1 FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid"
            " JOIN pg_class c ON c.oid = l.relation WHERE a.application_name = 'w1'"
            " AND c.relname = 'billing_invoicesequence' AND l.granted"
        ),
    )
    site.kill("w1")
    killed_at = invoices()
    assert 0 < killed_at < CONTRACTS

    # w2 goes on with the queued chunks; the one w1 was billing is left undone (its task row
    # stays RUNNING: nobody finishes it). The run is started again, as staff would.
    wait_for(
        "w2 to finish the queued chunks",
        lambda: (
            not site.sql("SELECT 1 FROM django_tasks_database_dbtaskresult WHERE status = 'READY'")
        ),
    )
    first_state = site.run_state(first)
    assert first_state[0] == "running" and first_state[2] < first_state[1]
    left = site.sql(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
        " AND task_path LIKE %s AND worker_ids ->> 0 = 'w1'",
        "%bill_run_chunk",
    )
    assert left == [(1,)]  # the chunk w1 died in
    site.start_worker("w1")
    second = site.start_run(month)
    wait_for("the second run", lambda: site.run_state(second)[0] == "done")

    period_invoices = site.sql(
        "SELECT i.contract_id, i.sequence FROM billing_invoice i"
        " JOIN billing_billingperiod p ON p.id = i.period_id WHERE p.month = %s",
        month,
    )
    contracts = [contract for contract, _ in period_invoices]
    assert len(contracts) == len(set(contracts)) == CONTRACTS  # each once, none left
    assert sorted(sequence for _, sequence in period_invoices) == list(range(1, CONTRACTS + 1))
    assert site.sql("SELECT last_number FROM billing_invoicesequence") == [(CONTRACTS,)]
    state, total, done, issued = site.run_state(second)
    assert 0 < total < CONTRACTS and done == total and issued == total
    taken = site.sql(
        "SELECT DISTINCT worker_ids ->> 0 FROM django_tasks_database_dbtaskresult"
        " WHERE task_path LIKE %s",
        "%bill_run_chunk",
    )
    assert {w for (w,) in taken} == {"w1", "w2"}  # both workers billed chunks
