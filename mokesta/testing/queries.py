"""What a query count counts: the statements a request sends to the database, not the
transaction's own control (BEGIN, COMMIT, SAVEPOINT …), which Django logs beside them since 4.2
and which a request pays for once however many statements it groups."""

from collections.abc import Iterable, Mapping

CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def statements(captured: Iterable[Mapping[str, str]]) -> list[str]:
    """The SQL of the captured queries (CaptureQueriesContext) other than transaction control."""
    return [q["sql"] for q in captured if not q["sql"].lstrip().upper().startswith(CONTROL)]
