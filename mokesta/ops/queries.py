"""The database reads of backup and restore: the snapshot a backup is taken in, row counts of
every table, and whether a database is empty (PostgreSQL only)."""

import psycopg
from django.db import connection
from psycopg import sql as psql
from psycopg.conninfo import make_conninfo


def begin_snapshot() -> str:
    """Starts a repeatable-read, read-only transaction (the caller's `atomic` block must have
    just begun) and exports its snapshot, so that pg_dump reads exactly what the manifest
    counts, whatever the running application writes meanwhile."""
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        return str(cursor.fetchone()[0])


def table_counts() -> dict[str, int]:
    """Rows of every table of the database's own schema, by table name."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = int(cursor.fetchone()[0])
    return counts


def server_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return str(cursor.fetchone()[0])


def analyze() -> None:
    """Planner statistics for a restored database (pg_restore does not make them)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def create_database_if_missing(env: dict[str, str]) -> None:
    """CREATE DATABASE for PGDATABASE of `env` (libpq's variables) when the server has none by
    that name; connects to the server's `postgres` database to ask."""
    params = {
        "host": env.get("PGHOST"),
        "port": env.get("PGPORT"),
        "user": env.get("PGUSER"),
        "password": env.get("PGPASSWORD"),
    }
    name = env["PGDATABASE"]
    conninfo = make_conninfo(dbname="postgres", **{k: v for k, v in params.items() if v})
    with psycopg.connect(conninfo, autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            admin.execute(psql.SQL("CREATE DATABASE {}").format(psql.Identifier(name)))
