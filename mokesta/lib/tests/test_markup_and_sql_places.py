"""Markup is written in templates and SQL in the query layers: the source is read (its AST) for
HTML in f-strings or concatenations and for cursor.execute()/raw() calls anywhere else.

Allowed places, each for a reason written where it is:
- markup in Python: portal/tables.py (long tables), metering/chart.py (the SVG chart),
  portal/fragments.py (kept fragments), and only through format_html (ruff's banned API list
  keeps mark_safe/SafeString/escape there too); the i.SAF export (billing/isaf.py) writes XML, not
  a page, each value escaped for XML;
- plain SQL: each app's queries.py, lib/sql.py (which runs them), and the infrastructure that
  reads by hand for speed or needs the database's own statements: the session store
  (accounts/sessions.py), the bank import's COPY and advisory lock (bank/booking.py), the health
  check's `SELECT 1` (outbox/health.py), the read replica's lag (lib/replica.py)."""

import ast
import re
from pathlib import Path

import mokesta

ROOT = Path(mokesta.__file__).parent
MARKUP_MODULES = {"portal/tables.py", "metering/chart.py", "portal/fragments.py"}
XML_EXPORTS = {"billing/isaf.py"}
SQL_MODULES = {
    "lib/sql.py",
    "lib/replica.py",
    "accounts/sessions.py",
    "bank/booking.py",
    "outbox/health.py",
}
TAG = re.compile(r"<(/?[a-zA-Z][a-zA-Z0-9]*)[\s>/]")
SQL_CALLS = {"execute", "executemany", "raw"}


def sources() -> list[tuple[str, ast.Module]]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{name}" or "/migrations/" in name:
            continue
        found.append((name, ast.parse(path.read_text(encoding="utf-8"), filename=name)))
    return found


def has_tag(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and bool(TAG.search(node.value))
    )


def markup_built_by_hand(tree: ast.Module) -> list[int]:
    """Lines of f-strings, `+` and `%` whose literal parts hold an HTML tag."""

    def by_hand(node: ast.AST) -> bool:
        if isinstance(node, ast.JoinedStr):
            return any(map(has_tag, node.values))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
            return has_tag(node.left) or has_tag(node.right)
        return False

    return [node.lineno for node in ast.walk(tree) if by_hand(node)]  # type: ignore[attr-defined]


def sql_calls(tree: ast.Module) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in SQL_CALLS
    ]


def test_no_markup_is_built_in_f_strings_or_concatenations():
    found = {
        name: lines
        for name, tree in sources()
        if name not in MARKUP_MODULES | XML_EXPORTS and (lines := markup_built_by_hand(tree))
    }
    assert found == {}


def test_the_markup_modules_build_no_markup_by_hand_either():
    """Even where markup is built in Python it goes through format_html, never an f-string."""
    found = {
        name: lines
        for name, tree in sources()
        if name in MARKUP_MODULES and (lines := markup_built_by_hand(tree))
    }
    assert found == {}


def test_plain_sql_runs_only_in_the_query_layers():
    found = {
        name: lines
        for name, tree in sources()
        if not name.endswith("queries.py")
        and name not in SQL_MODULES
        and (lines := sql_calls(tree))
    }
    assert found == {}


def test_the_checks_see_what_they_look_for():
    """The two detectors catch each form they are meant to (a check that finds nothing proves
    nothing)."""
    caught = ast.parse(
        "a = f'<td>{x}</td>'\n"
        "b = '<tr>' + x\n"
        "c = '<p class=\"n\">%s</p>' % x\n"
        "d = x + '</td>'\n"
        "cursor.execute('SELECT 1')\n"
        "Model.objects.raw('SELECT 1')\n"
    )
    assert markup_built_by_hand(caught) == [1, 2, 3, 4]
    assert sql_calls(caught) == [5, 6]
    clean = ast.parse("a = f'{x} m³'\nb = 'a < b' + x\nc = format_html('<b>{}</b>', x)\n")
    assert markup_built_by_hand(clean) == [] and sql_calls(clean) == []
