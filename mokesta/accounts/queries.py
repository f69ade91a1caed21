"""The accounts' reads on every page: the logged-in user, by one plain query (lib/sql.py); and
the one write of every API call, the token's use counted against its limit.

Django's ModelBackend reads the user of the session with the ORM on every request; building that
query cost more than twice what the database took to answer it. test_queries.py checks the user
read here equals the ORM's."""

import datetime as dt
from typing import NamedTuple

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from mokesta.accounts.models import ApiToken, User
from mokesta.lib.sql import columns, execute, instances, sql, written_rows

USER_SQL = sql(
    "SELECT {fields} FROM {user} u WHERE u.{user.pk} = %s", fields=columns(User, "u"), user=User
)


TOKEN_SQL = sql(
    "SELECT {fields}, {user_fields} FROM {token} t JOIN {user} u ON u.{user.pk} = t.{token.user}"
    " WHERE t.{token.token_hash} = %s",
    fields=columns(ApiToken, "t"),
    user_fields=columns(User, "u"),
    token=ApiToken,
    user=User,
)


def token_by_hash(token_hash: str) -> ApiToken | None:
    """The API token with this hash and its user, or None."""
    found = instances(TOKEN_SQL, [token_hash], ApiToken, {"user": User})
    return found[0] if found else None


def user_by_pk(pk: object) -> User | None:
    """The user with this primary key (as the session stored it), or None."""
    try:
        key = int(pk)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    found = instances(USER_SQL, [key], User)
    return found[0] if found else None


class TokenCall(NamedTuple):
    calls: int  # in the current window, this one included
    window_started_at: dt.datetime


TOKEN_CALL_SQL = sql(
    "UPDATE {t} SET"
    " {t.window_calls} = CASE WHEN {t.window_started_at} > %(since)s"
    " THEN {t.window_calls} + 1 ELSE 1 END,"
    " {t.window_started_at} = CASE WHEN {t.window_started_at} > %(since)s"
    " THEN {t.window_started_at} ELSE %(now)s END,"
    " {t.last_used_at} = %(now)s"
    " WHERE {t.pk} = %(pk)s RETURNING {t.window_calls}, {t.window_started_at}",
    t=ApiToken,
)


def count_token_call(token: ApiToken, now: dt.datetime, window: dt.timedelta) -> TokenCall:
    """Count one call of `token` in its current window (a new window when the last one began
    `window` or longer ago) and record the use: one UPDATE, atomic in the database, so that
    every process counts against the same number."""
    adapt = connection.ops.adapt_datetimefield_value
    params = {"since": adapt(now - window), "now": adapt(now), "pk": token.pk}
    started = ApiToken._meta.get_field("window_started_at")
    (call,) = written_rows(TOKEN_CALL_SQL, params, TokenCall, {"window_started_at": started})
    token.window_calls, token.window_started_at, token.last_used_at = *call, now
    return call


AUDIT_SQL = sql(
    "INSERT INTO {log} ({log.action_time}, {log.user}, {log.content_type}, {log.object_id},"
    " {log.object_repr}, {log.action_flag}, {log.change_message})"
    " VALUES (%s, %s, %s, %s, %s, %s, %s)",
    log=LogEntry,
)


def audit_token_use(token: ApiToken, now: dt.datetime, message: str) -> None:
    """The audit row of one API call with `token`: what lib/audit.audit() writes (the admin's
    log), by one plain INSERT, as every call writes one."""
    content_type = ContentType.objects.get_for_model(ApiToken)  # cached per process
    params = [
        connection.ops.adapt_datetimefield_value(now),
        token.user_id,
        content_type.pk,
        str(token.pk),
        str(token)[:200],
        CHANGE,
        message,
    ]
    execute(AUDIT_SQL, params)
