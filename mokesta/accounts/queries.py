"""The accounts' reads on every page: the logged-in user, by one plain query (lib/sql.py).

Django's ModelBackend reads the user of the session with the ORM on every request; building that
query cost more than twice what the database took to answer it. test_queries.py checks the user
read here equals the ORM's."""

from mokesta.accounts.models import User
from mokesta.lib.sql import columns, instances, sql

USER_SQL = sql(
    "SELECT {fields} FROM {user} u WHERE u.{user.pk} = %s", fields=columns(User, "u"), user=User
)


def user_by_pk(pk: object) -> User | None:
    """The user with this primary key (as the session stored it), or None."""
    try:
        key = int(pk)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    found = instances(USER_SQL, [key], User)
    return found[0] if found else None
