"""The soak: the production stack under mixed traffic for a given time (not part of `make test`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mokesta .venv/bin/python bench/soak.py \
        --minutes 60

Brings up the topology test's stack (mokesta/lib/tests/test_topology.py: nginx with
deploy/nginx/mokesta.conf, two gunicorns, two `db_worker`s, PostgreSQL, an SMTP sink; 2,000
contracts), all on 127.0.0.1 — it refuses any other address — and drives it with `--clients`
logged-in customers, each from its own loopback address, for `--minutes` and at most
`--max-requests` requests: the customer pages (dashboard, invoices, an invoice, its PDF,
consumption, payments, the declaration form), declarations (POST), requests with a photo (one
per client every 10 minutes, within the limits), a bank statement imported every 5 minutes
(`manage.py import_statement`, 200 entries), and a billing run of last month on the workers at
the start (its 2,000 invoice e-mails sent meanwhile).

Printed at the end, and checked (exit status 1 when missed): no 5xx response; the p99 of the last
10 minutes within 1.5× the first 10 (with less than 30 minutes: the last and first fifth, printed
but not checked); every process's memory growth after warm-up (a fifth of the run, at least 2
minutes) below 10 % (checked from 30 minutes on); the database connections (the peak, against
the bound 2 × 3 gunicorn workers + 2 task workers + the commands); the outbox drained within 2
minutes of the end.
"""

import argparse
import concurrent.futures
import datetime as dt
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mokesta")

import _setup  # noqa: E402, F401 - Django set up

from mokesta.lib.dates import add_months, local_today, month_start  # noqa: E402
from mokesta.lib.tests.test_topology import Browser, Stack  # noqa: E402
from mokesta.testing.photos import png_bytes  # noqa: E402

PASSWORD = "Soak2026slaptas"
MONTH = add_months(month_start(local_today()), -1)


@dataclass
class Record:
    at: float
    kind: str
    status: int
    seconds: float


@dataclass
class Results:
    records: list[Record] = field(default_factory=list)
    memory: dict[str, list[tuple[float, int]]] = field(default_factory=dict)
    connections: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, record: Record) -> None:
        with self.lock:
            self.records.append(record)


def multipart(browser: Browser, path: str, fields: dict[str, str], photo: bytes) -> int:
    """POST a form with one photo as a browser does (the CSRF token from the form first)."""
    page = browser.get(path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if not token:
        return page.status
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in {**fields, "csrfmiddlewaretoken": token[1]}.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    body = (
        "".join(parts).encode()
        + (
            f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; filename="s.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + photo
        + f"\r\n--{boundary}--\r\n".encode()
    )
    stack = browser.stack
    connection = http.client.HTTPSConnection(
        "localhost",
        stack.https_port,
        context=stack.tls,
        timeout=120,
        source_address=(browser.source, 0),
    )
    headers = {
        "Host": stack.host,
        "Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items()),
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Origin": f"https://{stack.host}",
        "Referer": f"https://{stack.host}{path}",
    }
    try:
        connection.request("POST", path, body=body, headers=headers)
        answer = connection.getresponse()
        answer.read()
        return answer.status
    finally:
        connection.close()


class Client:
    def __init__(self, stack: Stack, index: int, email: str, contract: int, meter: int) -> None:
        self.browser = Browser(stack, source=f"127.0.0.{10 + index}")
        self.email, self.contract, self.meter = email, contract, meter
        self.value = 107
        self.rng = random.Random(index)  # noqa: S311
        self.next_photo = 0.0
        self.invoice: int | None = None

    def timed(self, results: Results, kind: str, call) -> int:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            status = call()
        except OSError as error:
            results.errors.append(f"{kind}: {error}")
            status = 599
        results.add(Record(time.monotonic(), kind, status, time.perf_counter() - started))
        return status

    def login(self, results: Results) -> None:
        status = self.timed(
            results,
            "login",
            lambda: (
                self.browser.submit(
                    "/paskyra/login/", {"login": self.email, "password": PASSWORD}
                ).status
            ),
        )
        assert status == 302, f"{self.email} cannot log in: {status}"

    def step(self, results: Results) -> None:
        b, c = self.browser, self.contract
        roll = self.rng.random()
        now = time.monotonic()
        if now >= self.next_photo:
            self.next_photo = now + 600
            self.timed(
                results,
                "request+photo",
                lambda: multipart(
                    b,
                    "/savitarna/uzklausos/nauja/",
                    {"contract": str(c), "topic": "other", "text": "Skaitiklio nuotrauka"},
                    png_bytes((320, 240)),
                ),
            )
        elif roll < 0.1:
            self.value += self.rng.randint(1, 3)
            fields = {
                "month": local_today().replace(day=1).isoformat(),
                f"meter_{self.meter}": str(self.value),
                "confirm_unusual": "on",
                "confirm": "1",
            }
            self.timed(
                results,
                "declare",
                lambda: b.submit(f"/savitarna/sutartys/{c}/rodmenys/", fields).status,
            )
        elif roll < 0.2 and self.invoice:
            self.timed(
                results, "pdf", lambda: b.get(f"/savitarna/saskaitos/{self.invoice}/pdf/").status
            )
        else:
            path = self.rng.choice(
                [
                    "/savitarna/",
                    "/savitarna/saskaitos/",
                    f"/savitarna/sutartys/{c}/",
                    f"/savitarna/sutartys/{c}/suvartojimas/",
                    f"/savitarna/sutartys/{c}/mokejimai/",
                    f"/savitarna/sutartys/{c}/rodmenys/",
                    "/savitarna/uzklausos/",
                ]
            )

            def get() -> int:
                page = b.get(path)
                if path == "/savitarna/saskaitos/" and self.invoice is None:
                    found = re.search(r'href="/savitarna/saskaitos/(\d+)/"', page.text)
                    self.invoice = int(found[1]) if found else None
                return page.status

            self.timed(results, "page", get)


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def tree(pid: int) -> list[int]:
    found = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        for child in children.read_text().split():
            found += tree(int(child))
    return found


def sample(stack: Stack, results: Results, stop: threading.Event) -> None:
    while not stop.wait(15):
        now = time.monotonic()
        for name, process in list(stack.processes.items()):
            for pid in tree(process.pid):
                results.memory.setdefault(f"{name}:{pid}", []).append((now, rss_kib(pid)))
        count = stack.sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        )[0][0]
        results.connections.append(int(count) - 1)  # not this query's own


def import_statements(stack: Stack, tmp: Path, stop: threading.Event, results: Results) -> None:
    from statements import build  # bench/statements.py's camt.053 builder

    contracts = stack.sql("SELECT number, '' FROM customers_contract ORDER BY id LIMIT 500")
    payers = dict(
        stack.sql(
            "SELECT c.number, p.payer_code FROM customers_contract c"
            " JOIN customers_customer p ON p.id = c.customer_id ORDER BY c.id LIMIT 500"
        )
    )
    pairs = [(number, payers[number]) for number, _ in contracts]
    k = 0
    while True:
        k += 1
        text = build(200, pairs).decode().replace("BENCH", f"SOAK{k:03d}")
        path = tmp / f"statement-{k}.xml"
        path.write_text(text)
        started = time.perf_counter()
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "import_statement", str(path)],
            cwd=Path(_setup.__file__).resolve().parent.parent,
            env=stack.env,
            capture_output=True,
            text=True,
        )
        results.add(
            Record(
                time.monotonic(),
                "statement",
                200 if result.returncode == 0 else 500,
                time.perf_counter() - started,
            )
        )
        if result.returncode != 0:
            results.errors.append(f"import_statement: {result.stderr[-500:]}")
        if stop.wait(300):
            return


def p99(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100)[98]


def main() -> None:  # noqa: C901
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, required=True)
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--max-requests", type=int, default=1_000_000)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if not re.match(r"postgres(ql)?://[^@/]*@?(127\.0\.0\.1|localhost)[:/]", url):
        sys.exit("bench/soak.py runs against 127.0.0.1 only (DATABASE_URL=postgres://…@127.0.0.1…)")
    tmp = Path(tempfile.mkdtemp(prefix="mokesta-soak-"))
    os.chmod(tmp, 0o755)
    stack = Stack(tmp)
    results = Results()
    stop = threading.Event()
    print(f"soak: {args.minutes} min, {args.clients} clients; logs in {tmp}")
    stack.up()
    try:
        rows = stack.sql(
            "SELECT u.email, a.contract_id, m.id FROM accounts_user u"
            " JOIN customers_contractaccess a ON a.user_id = u.id"
            " JOIN customers_servicepoint s ON s.contract_id = a.contract_id"
            " JOIN metering_meter m ON m.service_point_id = s.id"
            " WHERE u.email LIKE 'c%%@example.lt' ORDER BY u.id LIMIT %s",
            args.clients,
        )
        emails = [r[0] for r in rows]
        stack.manage(
            "shell",
            "-c",
            "from django.contrib.auth.hashers import make_password; "
            "from allauth.account.models import EmailAddress; "
            "from mokesta.accounts.models import User; "
            f"emails = {emails!r}; "
            f"hashed = make_password({PASSWORD!r}); "
            "users = list(User.objects.filter(email__in=emails)); "
            "[setattr(u, 'password', hashed) or u.save() for u in users]; "  # the e-mail key
            "EmailAddress.objects.bulk_create([EmailAddress(user=u, email=u.email, "
            "verified=True, primary=True) for u in User.objects.filter(email__in=emails)]); "
            # the statements are of this account (bench/statements.py's)
            "from mokesta.utility.models import Utility; "
            "Utility.objects.update(iban='LT407300010012345678')",
        )
        clients = [Client(stack, k, *row) for k, row in enumerate(rows)]
        for client in clients:
            client.login(results)
        # The billing run of last month, on the workers, while the customers click.
        stack.manage(
            "shell",
            "-c",
            "from mokesta.billing.models import BillingPeriod, BillingRun; "
            "from mokesta.billing.tasks import run_billing; "
            f"p, _ = BillingPeriod.objects.get_or_create(month='{MONTH.isoformat()}'); "
            "run_billing.enqueue(BillingRun.objects.create(period=p).pk)",
        )
        started = time.monotonic()
        deadline = started + args.minutes * 60
        sampler = threading.Thread(target=sample, args=(stack, results, stop), daemon=True)
        importer = threading.Thread(
            target=import_statements, args=(stack, tmp, stop, results), daemon=True
        )
        sampler.start()
        importer.start()

        def drive(client: Client) -> None:
            while time.monotonic() < deadline and len(results.records) < args.max_requests:
                client.step(results)

        with concurrent.futures.ThreadPoolExecutor(len(clients)) as pool:
            list(pool.map(drive, clients))
        stop.set()
        importer.join(timeout=600)
        ended = time.monotonic()
        drained_by = ended + 120
        pending = -1
        while time.monotonic() < drained_by:
            pending = stack.sql(
                "SELECT count(*) FROM messaging_outgoingmessage"
                " WHERE state IN ('pending', 'sending')"
            )[0][0]
            if pending == 0:
                break
            time.sleep(1)
        report(args, results, started, ended, pending, stack)
    finally:
        stop.set()
        stack.down()


def report(args, results: Results, started: float, ended: float, pending: int, stack) -> None:  # type: ignore[no-untyped-def]
    failures = []
    records = [r for r in results.records if r.at >= started]
    total = len(records)
    server_errors = [r for r in records if r.status >= 500]
    duration = ended - started
    print(f"{total:,} requests in {duration / 60:.1f} min = {total / duration:.1f}/s")
    kinds: dict[str, list[float]] = {}
    statuses: dict[str, Counter[int]] = {}
    for r in records:
        kinds.setdefault(r.kind, []).append(r.seconds)
        statuses.setdefault(r.kind, Counter())[r.status] += 1
    for kind, values in sorted(kinds.items()):
        answers = ", ".join(f"{n}× {code}" for code, n in sorted(statuses[kind].items()))
        print(
            f"  {kind:<14} {len(values):>7,}  p50 {statistics.median(values) * 1000:7.0f} ms"
            f"  p99 {p99(values) * 1000:7.0f} ms  ({answers})"
        )
    print(f"5xx responses: {len(server_errors)}")
    if server_errors:
        failures.append(f"{len(server_errors)} responses 5xx")
    long_run = args.minutes >= 30
    window = 600 if long_run else duration / 5
    first = [r.seconds for r in records if r.kind == "page" and r.at < started + window]
    last = [r.seconds for r in records if r.kind == "page" and r.at >= ended - window]
    if first and last:
        ratio = p99(last) / p99(first)
        print(
            f"pages' p99: first {window / 60:.1f} min {p99(first) * 1000:.0f} ms, "
            f"last {p99(last) * 1000:.0f} ms, ratio {ratio:.2f} (target ≤ 1.5"
            f"{'' if long_run else '; not checked under 30 min'})"
        )
        if long_run and ratio > 1.5:
            failures.append(f"p99 ratio {ratio:.2f}")
    warm = started + (max(120.0, duration / 5) if long_run else duration / 5)
    print("memory (RSS) after warm-up → end:")
    for name, samples in sorted(results.memory.items()):
        after = [kib for at, kib in samples if at >= warm and kib]
        if len(after) < 2:
            continue
        growth = (after[-1] - after[0]) / after[0]
        print(f"  {name:<24} {after[0] / 1024:7.1f} → {after[-1] / 1024:7.1f} MiB ({growth:+.1%})")
        if long_run and growth >= 0.10:
            failures.append(f"{name} grew {growth:.1%}")
    bound = 2 * 2 + 2 + 6  # the gunicorns' workers, the task workers, commands and slack
    peak = max(results.connections, default=0)
    print(f"database connections: peak {peak} (bound {bound})")
    if peak > bound:
        failures.append(f"{peak} database connections")
    print(f"outbox not sent 2 minutes after the end: {pending}")
    if pending:
        failures.append(f"{pending} messages left in the outbox")
    invoices = stack.sql("SELECT count(*) FROM billing_invoice")[0][0]
    print(f"invoices billed during the soak: {invoices}")
    for error in results.errors[:10]:
        print(f"  error: {error}")
    if failures:
        print("FAILED: " + "; ".join(failures))
        sys.exit(1)
    print(f"OK ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC)")


if __name__ == "__main__":
    main()
