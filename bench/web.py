"""Load benchmark of the customer pages: req/s, p99 latency and queries per page (not a test).

    .venv/bin/python bench/web.py [--duration 5] [--rounds 3] [--pages dashboard,invoice] [--check]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/web.py
    .venv/bin/python bench/web.py --profile --pages dashboard,consumption   # cProfile, no load
    .venv/bin/python bench/web.py --cpu                   # in-process CPU ms per page, no load
    DATABASE_URL=postgres://… .venv/bin/python bench/web.py --scale 1500000 --explain  # plans

Builds a throw-away database (SQLite in a temporary folder; with a postgres:// DATABASE_URL, a
fresh database on that server, dropped at the end), migrates it, loads the demo data, collects the
static files into the temporary folder, logs in as the demo customer and serves the project with
gunicorn (2 sync workers, DEBUG=0) and, on another port, the Django "hello world" of
bench/hello_wsgi.py with the same settings. wrk (32 connections) then loads, for each page in turn,
hello and the page, so that the ratio holds on a noisy machine. Queries are counted in-process with
the test client (statements sent; a transaction's BEGIN and COMMIT are not queries:
mokesta/testing/queries.py). Targets per page: page/hello ≥ 0.08, p99 < 150 ms, at most 8
queries (the API's endpoints, called with a personal access token: ≥ 0.10 and at most 5
queries); `--check` exits 1 if one is missed (otherwise the exit code is 0). Only 127.0.0.1 is used.

`--scale N` measures on the database `bench/scale.py N` built and left (`<name>_scale<N>`, kept
at the end, no demo data) as the customer of its contract 3 (two meters, a year of invoices and
payments): compare `--scale 10000` with `--scale 1500000` for the pages at national scale.
"""

import argparse
import cProfile
import http.client
import os
import pstats
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EMAIL, PASSWORD = "demo@mokesta.lt", "Demo2026pass"
SCALE_EMAIL = "scale3@example.lt"  # bench/scale.py: contract 3 has a user and two meters
WORKERS = 2
TARGET_RATIO, TARGET_P99_MS, TARGET_QUERIES = 0.08, 150.0, 8
# Literal paths: URL names may move between modules, the paths stay. {contract} is the demo
# customer's first linked contract, {invoice} that contract's latest invoice.
PAGES = {
    "dashboard": "/savitarna/",
    "invoices": "/savitarna/saskaitos/",
    "invoice": "/savitarna/saskaitos/{invoice}/",
    "consumption": "/savitarna/sutartys/{contract}/suvartojimas/",
    "declare": "/savitarna/sutartys/{contract}/rodmenys/",
    "payments": "/savitarna/sutartys/{contract}/mokejimai/",
    "contract": "/savitarna/sutartys/{contract}/",
    "profile": "/paskyra/profilis/",
    # The open API with a personal access token (Authorization: Bearer), not the session.
    "api_invoices": "/api/v1/contracts/{contract}/invoices/",
    "api_consumption": "/api/v1/contracts/{contract}/consumption/",
}
API_PAGES = {name for name in PAGES if name.startswith("api_")}
TARGET_API_RATIO, TARGET_API_QUERIES = 0.10, 5  # issue 23


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_admin(url: str):
    """An autocommit connection to the server's maintenance database `postgres`."""
    import psycopg

    admin = urllib.parse.urlsplit(url)._replace(path="/postgres", query="")
    return psycopg.connect(admin.geturl(), autocommit=True, connect_timeout=10)


def create_database(url: str, tmp: Path, scale: int = 0) -> tuple[str, str | None]:
    """The throw-away database's URL and, on PostgreSQL, its name (to drop at the end); with
    `scale`, bench/scale.py's database (kept)."""
    if scale:
        name = f"{urllib.parse.urlsplit(url).path.strip('/').split('_scale')[0]}_scale{scale}"
        return urllib.parse.urlsplit(url)._replace(path=f"/{name}").geturl(), None
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp / 'web.sqlite3'}", None
    name = f"mokesta_web_{os.getpid()}"
    with pg_admin(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlsplit(url)._replace(path=f"/{name}").geturl(), name


def serve(app: str, port: int, log: Path, env: dict[str, str]) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gunicorn", app, "--workers", str(WORKERS)]
    cmd += ["--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT)]
    cmd += ["--pythonpath", str(ROOT / "bench"), "--log-level", "warning"]
    with log.open("wb") as out:
        return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)


def get(port: int, path: str, header: str = "") -> tuple[int, str]:
    """Status and Location of one GET (redirects are not followed); `header` "Name: value"."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        name, _colon, value = header.partition(": ")
        conn.request("GET", path, headers={name: value} if header else {})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        conn.close()


def wait_ready(proc: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"gunicorn on port {port} exited:\n{log.read_text()[-3000:]}")
        try:
            get(port, "/")  # any answer: a worker is up
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"gunicorn on port {port} not ready after 60 s:\n{log.read_text()[-3000:]}")


def wrk(url: str, args: argparse.Namespace, header: str, seconds: int) -> dict[str, float]:
    cmd = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{seconds}s"]
    cmd += ["--timeout", "10s", "--latency", url]
    if header:
        cmd[1:1] = ["-H", header]
    out = subprocess.run(
        cmd, capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "p99": float(p99[1]) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[p99[2]]
        if p99
        else float("inf"),  # nothing answered in time
        "errors": (int(non2xx[1]) if non2xx else 0)
        + (sum(map(int, sockets.groups())) if sockets else 0),
    }


def setup_django(env: dict[str, str], tmp: Path, email: str = EMAIL):
    """Django in this process on the benchmark's database; the demo customer's test client,
    logged in, and the pages' paths with the ids filled in."""
    os.environ.update(env)
    sys.path[:0] = [str(ROOT), str(tmp)]
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.get(email=email)
    if email == EMAIL and not user.check_password(PASSWORD):
        sys.exit(f"{EMAIL}: the demo password {PASSWORD} does not match")
    contract = user.contract_accesses.order_by("pk").first().contract
    invoice = contract.invoices.order_by("-issue_date", "-pk").first()
    print(f"demo customer: contract {contract.pk} ({contract}), latest invoice {invoice.pk}")
    client = Client(HTTP_HOST="127.0.0.1")  # no setup_test_environment: "testserver" not allowed
    client.force_login(user)
    paths = {
        name: path.format(contract=contract.pk, invoice=invoice.pk) for name, path in PAGES.items()
    }
    from mokesta.accounts.tokens import create_token

    _token, raw = create_token(user=user, name="bench", scope="read", days=1)
    return client, paths, raw


def count_queries(client, path: str, extra: dict[str, str]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mokesta.testing.queries import statements

    client.get(path, **extra)  # warm: first-request work is not counted
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    if os.environ.get("BENCH_SHOW_QUERIES"):
        print(path, *(q["sql"][:120] for q in queries.captured_queries), sep="\n  ")
    if response.status_code != 200:
        sys.exit(f"{path}: in-process status {response.status_code}")
    return len(statements(queries.captured_queries))


def profile(fetch: dict, paths: dict[str, str], n: int) -> None:
    for name, path in paths.items():
        fetch[name]()
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(n):
            fetch[name]()
        profiler.disable()
        elapsed = time.perf_counter() - started
        print(f"\n=== {name} {path}: {n} requests, {1000 * elapsed / n:.1f} ms each (profiled)")
        stats = pstats.Stats(profiler)
        # The project's own functions by cumulative time, then everything by own time.
        stats.sort_stats("cumulative").print_stats(re.escape(f"{ROOT / 'mokesta'}/"), 25)
        stats.sort_stats("tottime").print_stats(20)


def explain(fetch: dict, paths: dict[str, str]) -> None:
    """Each page's statements with the plan PostgreSQL chose, its root node and the time it
    took (EXPLAIN ANALYZE in this process, after a warm-up request): the indexes and plans of
    the pages at scale, for the README."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mokesta.testing.queries import statements

    for name, path in paths.items():
        fetch[name]()
        with CaptureQueriesContext(connection) as captured:
            fetch[name]()
        print(f"\n=== {name} {path}")
        for sql in statements(captured.captured_queries):
            if not sql.lstrip().upper().startswith("SELECT"):
                print(f"  (write) {' '.join(sql.split())[:100]}")
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
                (plan,) = cursor.fetchone()[0]
                cursor.execute("EXPLAIN " + sql)
                lines = [row[0] for row in cursor.fetchall()]
            scans = sorted({line.strip().split("  (")[0] for line in lines if " on " in line})
            print(
                f"  {plan['Execution Time']:7.3f} ms  {' '.join(sql.split())[:100]}\n"
                f"      {plan['Plan']['Node Type']}; " + "; ".join(s.lstrip("-> ") for s in scans)
            )


def cpu_times(fetch: dict, paths: dict[str, str], n: int) -> None:
    """Median CPU time of one request per page, in this process (test client, no server): on a
    shared machine steadier than req/s, which the neighbours' load moves."""
    print(f"\nin-process CPU time per request, median of {n} after 20 warm-up requests")
    for name in paths:
        for _ in range(20):
            fetch[name]()
        times = []
        for _ in range(n):
            started = time.thread_time()
            fetch[name]()
            times.append(time.thread_time() - started)
        times.sort()
        print(f"{name:<12} {1000 * times[len(times) // 2]:6.2f} ms", flush=True)


def prepare(tmp: Path, database_url: str, scale: int = 0) -> dict[str, str]:
    """The servers' environment; the database migrated, with the demo data and static files."""
    # STATIC_ROOT is not read from the environment: a settings module of our own moves it.
    (tmp / "web_bench_settings.py").write_text(
        f"from mokesta.settings import *  # noqa\nSTATIC_ROOT = {str(tmp / 'static')!r}\n"
    )
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="web_bench_settings",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(tmp)]),
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),  # the servers and this process sign alike
        LOG_LEVEL="WARNING",
        API_RATE_LIMIT="100000000/m/key",  # the API's limit must not cut the load test short
    )
    commands = [["migrate", "--noinput"], ["collectstatic", "--noinput"]]
    if not scale:
        commands.insert(1, ["load_demo"])
    names = ", ".join(command[0] for command in commands)
    print(f"database {database_url.split('@')[-1]}: {names}", flush=True)
    for command in commands:
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode:
            sys.exit(f"manage.py {command[0]} failed:\n{done.stderr[-3000:]}")
    return env


def measure(name, path, args, app_port, hello_url, header, queries) -> tuple:
    """One row of the table: hello, then the page, each loaded for --duration seconds, --rounds
    times; the row is the round with the median ratio (a noisy machine moves single runs)."""
    page_url = f"http://127.0.0.1:{app_port}{path}"
    status, location = get(app_port, path, header)
    if status != 200:
        sys.exit(f"{name} {path}: HTTP {status} {location}".rstrip())
    wrk(page_url, args, header, 1)  # warm both workers: templates, imports
    runs = []
    for _round in range(args.rounds):
        hello = wrk(hello_url, args, "", args.duration)
        page = wrk(page_url, args, header, args.duration)
        runs.append((page["rate"] / hello["rate"], page, hello))
    if get(app_port, path, header)[0] != 200:  # still logged in: no redirects were timed
        sys.exit(f"{name} {path}: no longer 200 after the run")
    runs.sort(key=lambda run: run[0])
    ratio, page, hello = runs[len(runs) // 2]
    page = {**page, "errors": sum(run[1]["errors"] for run in runs)}
    hello = {**hello, "errors": sum(run[2]["errors"] for run in runs)}
    if args.rounds > 1:
        print(f"  {name}: ratios {', '.join(f'{run[0]:.3f}' for run in runs)}", flush=True)
    api = name in API_PAGES
    missed = [
        label
        for label, ok in (
            ("ratio", ratio >= (TARGET_API_RATIO if api else TARGET_RATIO)),
            ("p99", page["p99"] < TARGET_P99_MS),
            ("queries", queries <= (TARGET_API_QUERIES if api else TARGET_QUERIES)),
            ("errors", page["errors"] == 0 and hello["errors"] == 0),
        )
        if not ok
    ]
    print(f"  {name}: {page['rate']:.0f} req/s, hello {hello['rate']:.0f} req/s", flush=True)
    return name, page, hello, ratio, queries, missed


def report(rows: list[tuple], args: argparse.Namespace, vendor: str) -> None:
    print(
        f"\n{vendor}, {args.connections} connections, {args.duration:g} s runs × {args.rounds}, "
        f"gunicorn {WORKERS} sync workers, DEBUG=0, {os.cpu_count()} CPUs"
    )
    print(
        f"targets: ratio ≥ {TARGET_RATIO}, p99 < {TARGET_P99_MS:.0f} ms, "
        f"queries ≤ {TARGET_QUERIES}\n"
    )
    header = ("page", "req/s", "hello req/s", "ratio", "p99 ms", "queries")
    print("{:<12} {:>8} {:>12} {:>7} {:>8} {:>8}".format(*header))
    for name, page, hello, ratio, queries, missed in rows:
        verdict = f"FAIL ({', '.join(missed)})" if missed else "OK"
        print(
            f"{name:<12} {page['rate']:>8.1f} {hello['rate']:>12.1f} {ratio:>7.3f} "
            f"{page['p99']:>8.1f} {queries:>8}  {verdict}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=1, help="hello/page pairs per page (median)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated page names")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--profile", action="store_true", help="cProfile the pages in-process")
    parser.add_argument("--cpu", action="store_true", help="in-process CPU time per page")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE each page's queries (PostgreSQL)"
    )
    parser.add_argument("--requests", type=int, default=200, help="requests per profiled page")
    parser.add_argument("--scale", type=int, default=0, help="on bench/scale.py N's database")
    args = parser.parse_args()
    pages = args.pages.split(",")
    if unknown := set(pages) - set(PAGES):
        parser.error(f"unknown pages {sorted(unknown)}; known: {', '.join(PAGES)}")
    if not (args.profile or args.cpu) and not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")
    # SIGTERM ends like Ctrl-C: through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    tmp = Path(tempfile.mkdtemp(prefix="mokesta-web-"))
    servers: list[subprocess.Popen] = []
    server_url, pg_name = os.environ.get("DATABASE_URL", ""), None
    try:
        database_url, pg_name = create_database(server_url, tmp, args.scale)
        env = prepare(tmp, database_url, args.scale)
        client, paths, token = setup_django(env, tmp, SCALE_EMAIL if args.scale else EMAIL)
        paths = {name: paths[name] for name in pages}
        from django.test import Client

        program = Client(HTTP_HOST="127.0.0.1")  # a program sends its token, no session cookie
        bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        fetch = {
            name: (
                partial(program.get, path, **bearer)
                if name in API_PAGES
                else partial(client.get, path)
            )
            for name, path in paths.items()
        }
        if args.profile:
            profile(fetch, paths, args.requests)
            return 0
        if args.cpu:
            cpu_times(fetch, paths, min(args.requests, 100))
            return 0
        if args.explain:
            explain(fetch, paths)
            return 0
        queries = {
            name: count_queries(program, path, bearer)
            if name in API_PAGES
            else count_queries(client, path, {})
            for name, path in paths.items()
        }
        cookie = "Cookie: " + "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
        headers = {name: cookie for name in paths}
        headers.update({name: f"Authorization: Bearer {token}" for name in API_PAGES})
        from django.db import connection

        vendor = connection.vendor
        connection.close()  # the servers have the database to themselves

        app_port, hello_port = free_port(), free_port()
        for app, port in (("mokesta.wsgi", app_port), ("hello_wsgi:application", hello_port)):
            log = tmp / f"gunicorn-{port}.log"
            servers.append(serve(app, port, log, env))
            wait_ready(servers[-1], port, log)
        hello_url = f"http://127.0.0.1:{hello_port}/"
        wrk(hello_url, args, "", 1)  # warm both hello workers
        rows = [
            measure(name, path, args, app_port, hello_url, headers[name], queries[name])
            for name, path in paths.items()
        ]
        report(rows, args, vendor)
        return 1 if args.check and any(row[-1] for row in rows) else 0
    finally:
        for proc in servers:
            proc.terminate()
        for proc in servers:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        if pg_name:
            with pg_admin(server_url) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # cleaned up in main's finally
        sys.exit(130)
