"""Reads of the customer pages from a PostgreSQL streaming replica (DATABASE_REPLICA_URL).

Only what can safely be a few seconds old goes there: a GET or HEAD of a customer page
(a view of `mokesta.portal`) other than the payment and declaration pages, by a visitor who has
not written anything in the last REPLICA_STICKY_SECONDS (the `mokesta_wrote` cookie every
non-GET request sets, so that a customer sees their own declaration, payment or profile change
at once), while the replica answers and has replayed everything it received or lags by at most
REPLICA_MAX_LAG_SECONDS (checked at most every REPLICA_CHECK_SECONDS per process; a replica
that is down is asked again only after that pause). Everything else — every write, every read
of a POST, the back office, the API, payments, the task workers — uses the primary, and so
does the rest of a request once it has written anything (e.g. a PDF stored on first download).

The choice is made per request by ReplicaMiddleware and kept in a context variable that the
router (ORM reads) and `read_connection()` (the query layers' plain SQL) both follow. Without
DATABASE_REPLICA_URL neither the middleware nor the router is installed."""

import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
WROTE_COOKIE = "mokesta_wrote"
# Views of the customer pages that read what was just written or must not be stale.
PRIMARY_VIEWS = (
    "mokesta.portal.pay.",  # the amount to pay, the order's state
    "mokesta.portal.readings.declare",  # the declaration form and its checks
    "mokesta.portal.declare.",
)
# Tables of the infrastructure: shared counters and the task queue are read where written.
PRIMARY_APPS = {"django_cache", "django_tasks_database", "django_tasks_db"}

_reading: ContextVar[str] = ContextVar("mokesta_read_alias", default=DEFAULT_DB_ALIAS)


def read_alias() -> str:
    """The database this request reads from: "replica" or "default"."""
    return _reading.get()


def read_connection() -> BaseDatabaseWrapper:
    """The connection the query layers' plain SQL reads with (the router's choice for the ORM)."""
    return connections[_reading.get()]


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        if model._meta.app_label in PRIMARY_APPS:
            return DEFAULT_DB_ALIAS
        return _reading.get()

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        # From the first write on, the rest of the request reads what it wrote: the primary.
        if model._meta.app_label not in PRIMARY_APPS:
            _reading.set(DEFAULT_DB_ALIAS)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


# --- is the replica fit to read from? -----------------------------------------------------------

LAG_SQL = (
    "SELECT pg_is_in_recovery(),"
    " (SELECT status FROM pg_stat_wal_receiver),"
    " CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
    " ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END"
)


class Health:
    """The replica's state as this process last saw it."""

    checked_at = -1e9
    usable = False
    lag: float | None = None

    @classmethod
    def check(cls) -> bool:
        now = time.monotonic()
        if now - cls.checked_at < settings.REPLICA_CHECK_SECONDS:
            return cls.usable
        cls.checked_at = now
        replica = connections[REPLICA]
        try:
            with replica.cursor() as cursor:
                cursor.execute(LAG_SQL)
                in_recovery, receiver, lag = cursor.fetchone()
        except Exception:  # down, refusing, unreachable: the primary serves
            replica.close()
            cls.usable, cls.lag = False, None
            return False
        cls.lag = None if lag is None else float(lag)
        cls.usable = bool(
            in_recovery
            and receiver == "streaming"
            and cls.lag is not None
            and cls.lag <= settings.REPLICA_MAX_LAG_SECONDS
        )
        return cls.usable

    @classmethod
    def forget(cls) -> None:
        cls.checked_at, cls.usable, cls.lag = -1e9, False, None


def replica_fits(request: HttpRequest, view: Callable[..., Any]) -> bool:
    """Whether this request's reads may come from the replica (before asking the replica)."""
    name = f"{view.__module__}.{getattr(view, '__qualname__', '')}"
    return (
        request.method in ("GET", "HEAD")
        and name.startswith("mokesta.portal.")
        and not name.startswith(PRIMARY_VIEWS)
        and WROTE_COOKIE not in request.COOKIES
    )


class ReplicaMiddleware:
    """Chooses the database a request reads from (installed with DATABASE_REPLICA_URL only)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _reading.set(DEFAULT_DB_ALIAS)
        try:
            response = self.get_response(request)
        finally:
            _reading.reset(token)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            # What this visitor does next reads what they just wrote.
            response.set_cookie(
                WROTE_COOKIE,
                "1",
                max_age=settings.REPLICA_STICKY_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        if replica_fits(request, view) and Health.check():
            _reading.set(REPLICA)
