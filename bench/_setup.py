"""Shared start of the benchmarks: Django on a fresh throw-away database (never the real one)."""

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mokesta.settings")
os.environ.setdefault("DEBUG", "1")  # the development secret key; nothing is served

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402


def fresh_database() -> str:
    """Create and migrate an empty database beside the configured one; returns its old name.
    SQLite: a temporary file of its own (not the test suite's); PostgreSQL: <name>_bench."""
    settings_dict = connection.settings_dict
    old_name = settings_dict["NAME"]
    if connection.vendor == "sqlite":
        bench_file = Path(tempfile.gettempdir()) / f"mokesta-bench-{os.getpid()}.sqlite3"
        settings_dict.setdefault("TEST", {})["NAME"] = str(bench_file)
    else:
        settings_dict.setdefault("TEST", {})["NAME"] = f"{old_name}_bench"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return old_name


def drop_database(old_name: str) -> None:
    connection.creation.destroy_test_db(old_name, verbosity=0)


# --- the database at scale (bench/scale.py) ---------------------------------------------------


def conninfo() -> str:
    """libpq connection string of the database Django is connected to (PostgreSQL)."""
    from psycopg.conninfo import make_conninfo

    s = connection.settings_dict
    params = {"host": s["HOST"], "port": s["PORT"], "user": s["USER"], "password": s["PASSWORD"]}
    return make_conninfo(dbname=s["NAME"], **{k: str(v) for k, v in params.items() if v})


def _admin(sql: str) -> None:
    import psycopg

    s = connection.settings_dict
    with psycopg.connect(conninfo().replace(f"dbname={s['NAME']}", "dbname=postgres")) as admin:
        admin.autocommit = True
        admin.execute(sql)  # type: ignore[arg-type]


def scale_database(n: int, build: bool = True) -> str:
    """Points Django at `<name>_scale<N>` (PostgreSQL) and returns its name. build=True (the
    other benchmarks): reuse it when bench/scale.py left it with N contracts, else make it
    now. build=False (bench/scale.py itself): always a new, migrated, empty one."""
    from django.core.management import call_command

    s = connection.settings_dict
    name = f"{s['NAME'].split('_scale')[0]}_scale{n}"
    connection.close()
    s["NAME"] = name
    if build:
        try:
            from mokesta.customers.models import Contract

            if Contract.objects.count() == n:
                return name
        except Exception:  # noqa: S110 - missing or empty: made below
            pass
        connection.close()
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)
    if build:
        import datetime as dt

        from scale import build as fill

        from mokesta.lib.dates import add_months, local_today, month_start

        month: dt.date = add_months(month_start(local_today()), -1)
        fill(n, month)
    return name


def drop_scale_database(name: str) -> None:
    connection.close()
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
