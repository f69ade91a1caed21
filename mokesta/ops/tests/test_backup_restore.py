"""The backup drill as an operator runs it: `deploy/backup` of a populated system (the demo data,
stored invoice PDFs, a customer request with a photo) on PostgreSQL, `deploy/restore` into
another database and folder, and the restored system compared with the original by its own
reads (not the manifest's): the rows of every table, the sums of invoices and payments per
contract, a stored PDF byte for byte, the photo, a login.

Marked `topology` (PostgreSQL and PostgreSQL's own tools; `.ci/run` runs it)."""

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings

from mokesta.ops.tests.backup_data import DEMO, DEMO_PASSWORD

pytestmark = pytest.mark.topology

ROOT = Path(settings.BASE_DIR)


def server_url() -> str:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        base = "postgres://postgres@127.0.0.1:5432/mokesta"
    return base.rpartition("/")[0]


class System:
    """One installation: a database of its own and a private media folder."""

    def __init__(self, tmp: Path, name: str) -> None:
        self.db_name = f"mokesta_backup_{name}_{uuid.uuid4().hex[:8]}"
        self.url = f"{server_url()}/{self.db_name}"
        self.media = tmp / f"{name}-private"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
        }
        self.env.update(
            DATABASE_URL=self.url,
            PRIVATE_MEDIA_ROOT=str(self.media),
            DEBUG="1",  # static files without collectstatic
            SECRET_KEY="backup-" + uuid.uuid4().hex * 2,
            TASK_BACKEND="immediate",
            EMAIL_URL="dummymail://",
        )

    def run(self, *command: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(  # noqa: S603
            list(command), cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=600
        )
        if ok:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def manage(self, *args: str) -> str:
        return self.run(sys.executable, "manage.py", *args).stdout

    def sql(self, query: str, *params: object) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url, autocommit=True) as connection:
            return connection.execute(query, params).fetchall()  # type: ignore[arg-type]

    def tables(self) -> dict[str, int]:
        names = [
            row[0]
            for row in self.sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {name: self.sql(f'SELECT count(*) FROM "{name}"')[0][0] for name in names}

    def drop(self) -> None:
        with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def systems(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[System, System, Path]]:
    tmp = tmp_path_factory.mktemp("backup")
    original, restored = System(tmp, "original"), System(tmp, "restored")
    try:
        with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{original.db_name}"')  # type: ignore[arg-type]
        original.manage("migrate", "--noinput")
        original.manage(
            "shell", "-c", "from mokesta.ops.tests.backup_data import populate; populate()"
        )
        yield original, restored, tmp / "backups"
    finally:
        original.drop()
        restored.drop()


def test_a_backup_restored_elsewhere_is_the_same_system(systems):
    original, restored, backups = systems
    out = original.run(str(ROOT / "deploy" / "backup"), str(backups), "--keep", "3").stdout
    (folder,) = sorted(backups.glob("mokesta-*"))
    assert str(folder) in out
    assert {p.name for p in folder.iterdir()} == {"database.dump", "private.tar", "manifest.json"}

    # The restore makes the database (it does not exist yet) and the media folder.
    out = restored.run(str(ROOT / "deploy" / "restore"), str(folder)).stdout
    assert "all match the manifest" in out

    # Every table has the same rows.
    tables = original.tables()
    assert len(tables) > 30 and tables["billing_invoice"] > 100
    assert restored.tables() == tables

    # The money, per contract.
    per_contract = (
        "SELECT contract_id, sum(total) FROM billing_invoice GROUP BY 1 ORDER BY 1",
        "SELECT contract_id, sum(amount) FROM payments_payment GROUP BY 1 ORDER BY 1",
    )
    for query in per_contract:
        sums = original.sql(query)
        assert len(sums) > 1
        assert restored.sql(query) == sums

    # A stored PDF, byte for byte; every stored one by its checksum.
    ((pk, pdf),) = original.sql(
        "SELECT id, pdf FROM billing_invoice WHERE pdf IS NOT NULL ORDER BY id LIMIT 1"
    )
    assert bytes(pdf).startswith(b"%PDF")
    assert restored.sql("SELECT pdf FROM billing_invoice WHERE id = %s", pk) == [(pdf,)]
    pdfs = "SELECT id, sha256(pdf) FROM billing_invoice WHERE pdf IS NOT NULL ORDER BY id"
    assert len(original.sql(pdfs)) == 4
    assert restored.sql(pdfs) == original.sql(pdfs)

    # The photo: its row and its file.
    ((name,),) = original.sql("SELECT image FROM inquiries_inquiryphoto")
    photo = (original.media / name).read_bytes()
    assert photo.startswith(b"\x89PNG")
    assert (restored.media / name).read_bytes() == photo

    # A login with the customer's password, and the session the restored site writes.
    login = (
        "from django.test import Client; c = Client(); "
        f"assert c.login(email={DEMO!r}, password={DEMO_PASSWORD!r}); "
        "r = c.get('/savitarna/'); assert r.status_code == 200, r.status_code; "
        "assert 'Atsijungti' in r.content.decode(); print('logged in')"
    )
    restored.env["ALLOWED_HOSTS"] = "testserver"
    assert "logged in" in restored.manage("shell", "-c", login)


def test_it_refuses_to_restore_over_a_database_with_tables(systems):
    original, restored, backups = systems
    (folder,) = sorted(backups.glob("mokesta-*"))
    refused = restored.run(str(ROOT / "deploy" / "restore"), str(folder), ok=False)
    assert refused.returncode != 0
    assert "PRIVATE_MEDIA_ROOT) holds files" in refused.stderr  # the media folder is checked first
    restored.env["PRIVATE_MEDIA_ROOT"] = str(backups.parent / "empty-private")
    refused = restored.run(str(ROOT / "deploy" / "restore"), str(folder), ok=False)
    assert "has tables: restore into a new one" in refused.stderr


def test_it_refuses_a_damaged_backup(systems):
    original, restored, backups = systems
    (folder,) = sorted(backups.glob("mokesta-*"))
    damaged = backups.parent / "damaged"
    damaged.mkdir()
    for part in folder.iterdir():
        (damaged / part.name).write_bytes(part.read_bytes())
    dump = damaged / "database.dump"
    dump.write_bytes(dump.read_bytes()[:-100])
    fresh = System(backups.parent, "damaged")
    try:
        refused = fresh.run(str(ROOT / "deploy" / "restore"), str(damaged), ok=False)
        assert "does not match its checksum in the manifest" in refused.stderr
        (damaged / "manifest.json").unlink()
        refused = fresh.run(str(ROOT / "deploy" / "restore"), str(damaged), ok=False)
        assert "manifest.json is missing: not a complete backup" in refused.stderr
    finally:
        fresh.drop()


def test_keep_deletes_the_oldest_backups(systems):
    original, _, backups = systems
    for _ in range(3):
        original.run(str(ROOT / "deploy" / "backup"), str(backups), "--keep", "2")
    assert len(list(backups.glob("mokesta-*"))) == 2
