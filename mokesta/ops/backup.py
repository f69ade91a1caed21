"""Backup and restore of an installation: the PostgreSQL database (custom-format `pg_dump`,
which holds the stored invoice PDFs too), the private media (photos of customer requests) and a
manifest of counts and checksums that the restore checks the restored system against.

A backup is one folder, `<target>/mokesta-YYYYMMDD-HHMMSS/`:
- `database.dump`: `pg_dump -Fc`, taken in the snapshot the manifest is counted in (an exported
  snapshot of a repeatable-read transaction), so the counts match the dump exactly while the
  application keeps running;
- `private.tar`: PRIVATE_MEDIA_ROOT as it is (the photos are already compressed);
- `manifest.json`: row counts of every table, per-contract sums of invoices and payments (as a
  checksum), a checksum of every stored PDF, each private file's checksum, and each of the two
  files' own checksum and size. Written last: a folder without it is an unfinished backup.

The restore goes into the database DATABASE_URL names (created if it does not exist, refused if
it has tables) and into PRIVATE_MEDIA_ROOT (refused if it holds files), then recounts and
compares everything with the manifest. README: "Backup and restore"."""

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Func, Sum
from django.utils import timezone

from mokesta.billing.models import Invoice
from mokesta.inquiries.models import InquiryPhoto
from mokesta.ops import queries
from mokesta.payments.models import Payment

FORMAT = 1
DUMP, MEDIA, MANIFEST = "database.dump", "private.tar", "manifest.json"
BLOCK = 1 << 20


class BackupError(Exception):
    pass


# --- checksums -------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def lines_sha256(lines: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode())
        digest.update(b"\n")
    return digest.hexdigest()


class Sha256(Func):
    function = "sha256"


def per_contract(queryset: Any, column: str) -> dict[str, Any]:
    """Count, grand total and a checksum of the per-contract sums of `column` (unmatched
    payments under contract "-")."""
    rows = list(
        queryset.order_by()
        .values_list("contract_id")
        .annotate(sum=Sum(column))
        .order_by("contract_id")
    )
    return {
        "count": queryset.count(),
        "total": str(sum((row[1] for row in rows), start=0)),
        "per_contract_sha256": lines_sha256(
            f"{'-' if contract is None else contract}:{amount}" for contract, amount in rows
        ),
    }


def stored_pdfs() -> dict[str, Any]:
    """How many invoices have a stored PDF, and one checksum over (id, the PDF's SHA-256)."""
    rows = (
        Invoice.objects.filter(pdf__isnull=False)
        .order_by("pk")
        .annotate(digest=Sha256("pdf"))
        .values_list("pk", "digest")
    )
    count = 0

    def lines() -> Iterable[str]:
        nonlocal count
        for pk, digest in rows.iterator(chunk_size=5000):
            count += 1
            yield f"{pk}:{bytes(digest).hex()}"

    checksum = lines_sha256(lines())
    return {"count": count, "sha256": checksum}


def media_files(root: Path) -> dict[str, str]:
    """SHA-256 of every file under `root`, by its path relative to it."""
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): file_sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def database_facts() -> dict[str, Any]:
    """What the manifest records of the database; read in the caller's transaction."""
    return {
        "tables": queries.table_counts(),
        "invoices": per_contract(Invoice.objects.all(), "total"),
        "payments": per_contract(Payment.objects.all(), "amount"),
        "pdfs": stored_pdfs(),
        "photos": sorted(
            name for name in InquiryPhoto.objects.values_list("image", flat=True).iterator()
        ),
    }


# --- the connection as pg_dump and pg_restore take it -----------------------------------------


def libpq_env(database: dict[str, Any] | None = None) -> dict[str, str]:
    """The environment naming the database for PostgreSQL's own tools (the password in
    PGPASSWORD, never on a command line that `ps` shows)."""
    database = database or settings.DATABASES["default"]
    env = dict(os.environ)
    for key, name in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if database.get(name):
            env[key] = str(database[name])
    return env


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise BackupError("Backup and restore need PostgreSQL (DATABASE_URL=postgres://…).")


def run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


# --- backup ----------------------------------------------------------------------------------


@dataclass
class Backup:
    folder: Path
    manifest: dict[str, Any]


def make_backup(target: Path, *, keep: int = 0) -> Backup:
    """A new backup folder under `target`; with `keep`, older complete backups beyond the
    newest `keep` are deleted after this one is written."""
    require_postgresql()
    stamp = timezone.now().astimezone(dt.UTC)
    target.mkdir(parents=True, exist_ok=True)
    name = f"mokesta-{stamp:%Y%m%d-%H%M%S}"
    folder, again = target / name, 0
    while folder.exists():  # two in one second sort by name too: -1, -2 after the plain one
        again += 1
        folder = target / f"{name}-{again}"
    folder.mkdir()
    os.chmod(folder, 0o700)  # personal data: the operator's eyes only
    with transaction.atomic():
        snapshot = queries.begin_snapshot()
        run(
            ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(folder / DUMP)],
            libpq_env(),
        )
        facts = database_facts()
        version = queries.server_version()
    media_root = Path(settings.PRIVATE_MEDIA_ROOT)
    with tarfile.open(folder / MEDIA, "w") as archive:
        if media_root.exists():
            archive.add(media_root, arcname=".")
    manifest = {
        "format": FORMAT,
        "created_at": stamp.isoformat(),
        "database": {
            "name": settings.DATABASES["default"]["NAME"],
            "server_version": version,
        },
        "files": {
            name: {"sha256": file_sha256(folder / name), "bytes": (folder / name).stat().st_size}
            for name in (DUMP, MEDIA)
        },
        "media": media_files(media_root),
        **facts,
    }
    missing = sorted(set(facts["photos"]) - set(manifest["media"]))
    if missing:
        manifest["photos_missing"] = missing  # recorded, not fatal: the database is still saved
    partial = folder / (MANIFEST + ".part")
    partial.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    partial.rename(folder / MANIFEST)
    if keep:
        complete = sorted(p.parent for p in target.glob(f"mokesta-*/{MANIFEST}"))
        for old in complete[:-keep]:
            shutil.rmtree(old)
    return Backup(folder, manifest)


# --- restore ---------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.exists():
        raise BackupError(f"{path} is missing: not a complete backup.")
    manifest: dict[str, Any] = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    for name, expected in manifest["files"].items():
        if file_sha256(folder / name) != expected["sha256"]:
            raise BackupError(f"{folder / name} does not match its checksum in the manifest.")
    return manifest


def compare(manifest: dict[str, Any], found: dict[str, Any]) -> list[str]:
    """What differs between the manifest and the restored system, in words."""
    problems = []
    for key in ("invoices", "payments", "pdfs", "photos", "media"):
        if manifest[key] != found[key]:
            problems.append(f"{key} differ")
    expected, restored = manifest["tables"], found["tables"]
    for table in sorted(set(expected) | set(restored)):
        if expected.get(table) != restored.get(table):
            problems.append(
                f"table {table}: {expected.get(table)} rows in the backup, "
                f"{restored.get(table)} restored"
            )
    return problems


def restore_backup(folder: Path, *, jobs: int = 2) -> dict[str, Any]:
    """Restores `folder` into DATABASE_URL's database and PRIVATE_MEDIA_ROOT, both fresh, then
    checks them against the manifest. Returns the manifest."""
    require_postgresql()
    manifest = read_manifest(folder)
    media_root = Path(settings.PRIVATE_MEDIA_ROOT)
    if media_root.exists() and any(p.is_file() for p in media_root.rglob("*")):
        raise BackupError(f"{media_root} (PRIVATE_MEDIA_ROOT) holds files: restore into a new one.")
    queries.create_database_if_missing(libpq_env())
    connection.close()  # (re)connect to the database just made
    if connection.introspection.table_names():
        raise BackupError(
            f"The database {settings.DATABASES['default']['NAME']} has tables: restore into a "
            "new one."
        )
    run(
        [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            f"--jobs={jobs}",
            "-d",
            str(settings.DATABASES["default"]["NAME"]),
            str(folder / DUMP),
        ],
        libpq_env(),
    )
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA) as archive:
        archive.extractall(media_root, filter="data")  # no paths out of the folder, no devices
    connection.close()
    queries.analyze()
    found = {**database_facts(), "media": media_files(media_root)}
    problems = compare(manifest, found)
    if problems:
        raise BackupError("The restored system differs from the backup: " + "; ".join(problems))
    return manifest
