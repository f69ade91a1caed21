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
