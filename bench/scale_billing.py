"""The billing run at scale on the task workers (PostgreSQL; not part of `make test`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mokesta .venv/bin/python \
        bench/scale_billing.py 100000 --workers 1 2

On the database of `bench/scale.py N` (built first if missing), bills last month the way the back
office does — a `run_billing` task that enqueues a task per chunk — with K `manage.py db_worker`
processes for each K given, and prints the run's wall time, invoices/s, the ratio to the first K,
and the peak memory (VmHWM) of every worker. After each run the month's invoices, their lines,
billed readings, estimates, queued messages and tasks are deleted and the period reopened, so the
next K starts from the same state. `--in-process` adds `bill_period` in this process (the
command's path: chunks one after another) with its peak memory. E-mail goes to a dummy backend,
but the invoice e-mails are rendered (with their PDFs) by the same workers after the chunks.
"""

import argparse
import os
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path

# This process only enqueues: the run's tasks go to the workers' queue.
os.environ.setdefault("TASK_BACKEND", "database")

import _setup  # noqa: E402
from django.db import connection  # noqa: E402

from mokesta.billing.models import (
    BilledReading,
    BillingPeriod,
    BillingRun,
    Invoice,
    InvoiceLine,
    InvoiceSequence,
)
from mokesta.billing.run import bill_period
from mokesta.billing.tasks import run_billing
from mokesta.lib.dates import add_months, local_today, month_start
from mokesta.metering.models import Reading
from mokesta.outbox.models import OutgoingMessage

ROOT = Path(__file__).resolve().parent.parent


def peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def tree_peaks(pid: int) -> list[int]:
    """VmHWM of a process and its children (a worker may fork nothing; gunicorn would)."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    return [peak_kib(p) for p in pids]


def reset(month) -> None:  # type: ignore[no-untyped-def]
    """Back to last month unbilled (raw deletes: the models refuse to delete issued invoices)."""
    alias = connection.alias
    period = BillingPeriod.objects.filter(month=month).first()
    if period is not None:
        OutgoingMessage.objects.filter(invoice__period=period)._raw_delete(alias)
        InvoiceLine.objects.filter(invoice__period=period)._raw_delete(alias)
        BilledReading.objects.filter(invoice__period=period)._raw_delete(alias)
        BillingRun.objects.filter(period=period).delete()
        Invoice.objects.filter(period=period)._raw_delete(alias)
        BillingPeriod.objects.filter(pk=period.pk).update(state="open", closed_at=None)
    Reading.objects.filter(period=month, source="estimate")._raw_delete(alias)
    last = Invoice.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    InvoiceSequence.objects.filter(series="VKU").update(last_number=last)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_tasks_database_dbtaskresult")


def run_on_workers(month, workers: int, chunk: int, tmp: Path) -> tuple[float, int, list]:  # type: ignore[no-untyped-def]
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TASK_BACKEND": "database",
        "BILLING_CHUNK_SIZE": str(chunk),
        "EMAIL_URL": "dummymail://",
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "localhost",
    }
    processes = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
            + ["--interval", "0.1", "--worker-id", f"bench-{k}"],
            cwd=ROOT,
            env=env,
            stdout=(tmp / f"worker{k}.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        for k in range(workers)
    ]
    try:
        period, _ = BillingPeriod.objects.get_or_create(month=month)
        run = BillingRun.objects.create(period=period)
        started = time.perf_counter()
        run_billing.enqueue(run.pk)
        while True:
            run.refresh_from_db()
            if run.state in (BillingRun.State.DONE, BillingRun.State.FAILED):
                break
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
        if run.state == BillingRun.State.FAILED:
            raise SystemExit(f"the run failed: {run.error}")
        peaks = [max(tree_peaks(p.pid)) for p in processes]
        return elapsed, run.invoices_issued, peaks
    finally:
        for p in processes:
            p.terminate()
        for p in processes:
            p.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="contracts (the database of bench/scale.py N)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--chunk", type=int, default=2000, help="BILLING_CHUNK_SIZE")
    parser.add_argument("--in-process", action="store_true", help="also bill_period in-process")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/scale_billing.py needs PostgreSQL: DATABASE_URL=postgres://…")
    name = _setup.scale_database(args.n)
    month = add_months(month_start(local_today()), -1)
    tmp = Path(f"/tmp/mokesta-scale-billing-{os.getpid()}")
    tmp.mkdir(exist_ok=True)
    print(f"{name}: {args.n:,} contracts, billing {month:%Y-%m}, chunks of {args.chunk}")
    first = None
    for workers in args.workers:
        reset(month)
        elapsed, issued, peaks = run_on_workers(month, workers, args.chunk, tmp)
        first = first or elapsed
        print(
            f"  {workers} worker(s): {issued:,} invoices in {elapsed:.1f} s = "
            f"{issued / elapsed:,.0f}/s; time / first = {elapsed / first:.2f}; "
            f"peak memory per worker {', '.join(f'{p / 1024:.0f} MiB' for p in peaks)}"
        )
    if args.in_process:
        reset(month)
        started = time.perf_counter()
        issued = bill_period(month=month)
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"  in-process bill_period: {issued:,} invoices in {elapsed:.1f} s = "
            f"{issued / elapsed:,.0f}/s; peak memory {peak:.0f} MiB"
        )
    reset(month)
    print(f"worker logs in {tmp}")


if __name__ == "__main__":
    main()
