"""The read replica with a real one: `pg_basebackup -R` of the local PostgreSQL into a second
cluster on another port of 127.0.0.1, started with `pg_ctl` (as the postgres OS user when run
as root), and the site served by gunicorn with DATABASE_REPLICA_URL pointing at it.

Replay on the replica is paused and the customer's first name changed on the primary, so every
page says where it read from: the new name is the primary's, only the replica still lacks it.

The primary must accept replication connections from 127.0.0.1: `.ci/allow-replication` (run by
`.ci/run`) adds that line to pg_hba.conf. Marked `topology`."""

import glob
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg
import pytest
from django.conf import settings

pytestmark = pytest.mark.topology

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
DEMO, DEMO_PASSWORD, OLD_NAME, NEW_NAME = "demo@mokesta.lt", "Demo2026pass", "Ona", "Primarija"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(what: str, condition: Callable[[], Any], timeout: float = 120) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if result := condition():
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    assert found or shutil.which(name), f"{name} is not installed"
    return found[-1] if found else str(shutil.which(name))


def as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: the replica's files and server belong to postgres."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def primary_server() -> str:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        base = "postgres://postgres@127.0.0.1:5432/mokesta"
    return base.rpartition("/")[0]


class Site:
    """A gunicorn serving the site on the primary and the replica; a client with cookies."""

    def __init__(self, tmp: Path, env: dict[str, str], name: str) -> None:
        self.port = free_port()
        log = (tmp / f"{name}.log").open("ab")
        self.process = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "mokesta.wsgi", "--bind", f"127.0.0.1:{self.port}"]
            + ["--workers", "1", "--error-logfile", "-"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        self.cookies: dict[str, str] = {}
        wait_for(f"gunicorn {name}", self.answers)

    def answers(self) -> bool:
        try:
            return self.request("GET", "/healthz/", keep=False)[0] in (200, 503)
        except OSError:
            return False

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, keep: bool = True
    ) -> tuple[int, str, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": f"localhost:{self.port}"}
        if self.cookies and keep:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://localhost:{self.port}"
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            content = answer.read()
        finally:
            connection.close()
        if keep:
            for value in answer.headers.get_all("Set-Cookie") or []:
                cookie: SimpleCookie = SimpleCookie()
                cookie.load(value)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
        return answer.status, answer.headers.get("Location", ""), content

    def page(self, path: str) -> str:
        status, _, content = self.request("GET", path)
        assert status == 200, (path, status, content[:2000])
        return content.decode()

    def post_form(self, path: str, fields: dict[str, str]) -> int:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.page(path))
        assert token, path
        return self.request("POST", path, {**fields, "csrfmiddlewaretoken": token[1]})[0]


def run(command: list[str], **options: Any) -> None:
    result = subprocess.run(command, capture_output=True, **options)  # noqa: S603
    assert result.returncode == 0, (command, result.stdout, result.stderr)


class Cluster:
    def __init__(self) -> None:
        self.port = free_port()
        # Not under pytest's temporary folder: the postgres user must reach it.
        self.home = Path(tempfile.mkdtemp(prefix="mokesta-replica-"))
        self.data = self.home / "data"
        self.log = self.home / "replica.log"

    def make(self) -> None:
        self.data.mkdir(mode=0o700)
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres", "postgres")
            shutil.chown(self.home, "postgres", "postgres")
        run(
            as_postgres(
                [pg_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
                + ["-D", str(self.data), "-R", "-X", "stream", "-c", "fast"]
            ),
        )
        # Debian keeps the primary's configuration in /etc: the copy gets a small one of its own.
        conf = {
            "postgresql.conf": f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{self.data}'\nhot_standby = on\n"
            "wal_receiver_status_interval = 1s\n",
            "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n",
            "pg_ident.conf": "",
        }
        for name, text in conf.items():
            run(as_postgres(["tee", str(self.data / name)]), input=text.encode())
        self.start()

    def start(self) -> None:
        run(
            as_postgres([pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w"])
            + ["start"]
        )

    def stop(self) -> None:
        subprocess.run(  # noqa: S603
            as_postgres([pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]),
            capture_output=True,
        )


@pytest.fixture(scope="module")
def replica(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("replica")
    os.chmod(tmp, 0o755)
    db_name = f"mokesta_replica_{uuid.uuid4().hex[:8]}"
    primary = f"{primary_server()}/{db_name}"
    cluster = Cluster()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DATABASE_URL=primary,
        DEBUG="1",  # static files without collectstatic
        SECRET_KEY="replica-" + uuid.uuid4().hex * 2,
        ALLOWED_HOSTS="localhost",
        TASK_BACKEND="immediate",
        EMAIL_URL="dummymail://",
        PYTHONUNBUFFERED="1",
    )
    sites: list[Site] = []
    with psycopg.connect(f"{primary_server()}/postgres", autocommit=True) as admin:
        allowed = admin.execute(
            "SELECT 1 FROM pg_hba_file_rules WHERE 'replication' = ANY(database)"
        ).fetchone()
        assert allowed, "the primary refuses replication: run .ci/allow-replication"
        admin.execute(f'CREATE DATABASE "{db_name}"')  # type: ignore[arg-type]
    try:
        for command in (["migrate", "--noinput"], ["load_demo"]):
            subprocess.run(  # noqa: S603
                [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True
            )
        cluster.make()
        replica_url = f"postgres://postgres@127.0.0.1:{cluster.port}/{db_name}"

        def serve(name: str, **extra: str) -> Site:
            site = Site(tmp, {**env, "DATABASE_REPLICA_URL": replica_url, **extra}, name)
            sites.append(site)
            return site

        yield {"primary": primary, "replica": replica_url, "cluster": cluster, "serve": serve}
    finally:
        for site in sites:
            site.stop()
        cluster.stop()
        shutil.rmtree(cluster.home, ignore_errors=True)
        with psycopg.connect(f"{primary_server()}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')  # type: ignore[arg-type]


def sql(url: str, query: str, *params: object) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(query, params)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


def caught_up(primary: str, replica: str) -> bool:
    (target,) = sql(primary, "SELECT pg_current_wal_lsn()")[0]
    return bool(sql(replica, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", str(target))[0][0])


def test_customer_pages_read_the_replica_and_writes_and_what_follows_them_the_primary(replica):
    primary, replica_url = replica["primary"], replica["replica"]
    site = replica["serve"]("site", REPLICA_CHECK_SECONDS="0", REPLICA_MAX_LAG_SECONDS="600")
    # Log in (a POST: the primary; it stamps the visitor's cookie).
    assert site.post_form("/paskyra/login/", {"login": DEMO, "password": DEMO_PASSWORD}) == 302
    assert "mokesta_wrote" in site.cookies
    assert OLD_NAME in site.page("/savitarna/")
    wait_for("the replica to replay the login", lambda: caught_up(primary, replica_url))
    sql(replica_url, "SELECT pg_wal_replay_pause()")
    sql(primary, "UPDATE accounts_user SET first_name = %s WHERE email = %s", NEW_NAME, DEMO)

    # The stamp says „wrote a moment ago": the primary.
    assert NEW_NAME in site.page("/savitarna/")
    # Its few seconds over (the cookie's Max-Age), the customer pages read the replica.
    del site.cookies["mokesta_wrote"]
    assert NEW_NAME not in site.page("/savitarna/")
    assert NEW_NAME not in site.page("/savitarna/saskaitos/")
    # …but not the declaration form and the payment pages.
    contract = sql(
        primary,
        "SELECT a.contract_id FROM customers_contractaccess a JOIN accounts_user u"
        " ON u.id = a.user_id WHERE u.email = %s ORDER BY 1 LIMIT 1",
        DEMO,
    )[0][0]
    assert NEW_NAME in site.page(f"/savitarna/sutartys/{contract}/rodmenys/")
    # A GET that writes (the PDF stored on its first download) reads it back from the primary.
    invoice = sql(
        primary,
        "SELECT id FROM billing_invoice WHERE contract_id = %s AND pdf IS NULL LIMIT 1",
        contract,
    )[0][0]
    status, _, content = site.request("GET", f"/savitarna/saskaitos/{invoice}/pdf/")
    assert status == 200 and content.startswith(b"%PDF")
    assert "mokesta_wrote" not in site.cookies  # a GET sets no stamp
    # Any POST stamps again: a language switch.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', site.page("/savitarna/"))
    assert token
    form = {"language": "lt", "next": "/savitarna/", "csrfmiddlewaretoken": token[1]}
    status = site.request("POST", "/i18n/setlang/", form)[0]
    assert status == 302 and "mokesta_wrote" in site.cookies
    assert NEW_NAME in site.page("/savitarna/")
    del site.cookies["mokesta_wrote"]

    # A replica lagging more than the bound is skipped: its replay is paused behind the
    # primary's last write, so its lag grows; a bound of 0 is already exceeded (the first
    # site's 600 s, however slow the machine, is not).
    strict = replica["serve"]("strict", REPLICA_CHECK_SECONDS="0", REPLICA_MAX_LAG_SECONDS="0")
    strict.cookies = {k: v for k, v in site.cookies.items() if k != "mokesta_wrote"}
    assert NEW_NAME in strict.page("/savitarna/")
    assert NEW_NAME not in site.page("/savitarna/")  # the lenient one still reads the replica

    # Replay resumed, the replica catches up and serves the new name too.
    sql(replica_url, "SELECT pg_wal_replay_resume()")
    wait_for("the replica to catch up", lambda: caught_up(primary, replica_url))
    assert NEW_NAME in site.page("/savitarna/")

    # A replica that is down is skipped: the pages still answer, from the primary.
    sql(primary, "UPDATE accounts_user SET first_name = %s WHERE email = %s", "Trečioji", DEMO)
    replica["cluster"].stop()
    assert "Trečioji" in site.page("/savitarna/")
    assert "Trečioji" in site.page("/savitarna/saskaitos/")
