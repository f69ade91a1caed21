"""/healthz/: whether this process can serve and the background work is moving.

200 with {"status": "ok", "checks": {...}} when the database and the cache answer and the
oldest due e-mail/SMS (and, with TASK_BACKEND=database, the oldest waiting task) has waited
less than HEALTHZ_MAX_QUEUE_AGE seconds; else 503 with "failing" naming the checks that failed.
It says nothing else (no versions, hosts or errors): it is public, for the load balancer and
the monitoring. It lives here, in the lowest layer that sees the outbox."""

import datetime as dt
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult

from mokesta.outbox.models import OutgoingMessage
from mokesta.outbox.sending import CLAIM_TIMEOUT

State = OutgoingMessage.State
Check = Callable[[], tuple[bool, dict[str, object]]]


def _database() -> tuple[bool, dict[str, object]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,), {}


def _cache() -> tuple[bool, dict[str, object]]:
    key, value = "healthz:probe", uuid.uuid4().hex
    cache.set(key, value, 30)
    return cache.get(key) == value, {}


def _waited(since: dt.datetime | None) -> tuple[bool, dict[str, object]]:
    age = 0 if since is None else max(0, int((timezone.now() - since).total_seconds()))
    return age <= settings.HEALTHZ_MAX_QUEUE_AGE, {"oldest_due_seconds": age}


def _outbox() -> tuple[bool, dict[str, object]]:
    """Due since: a waiting message's next attempt, or the moment a claimed one was left."""
    now = timezone.now()
    pending = (
        OutgoingMessage.objects.filter(state=State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    stuck = (
        OutgoingMessage.objects.filter(state=State.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
        .order_by("claimed_at")
        .values_list("claimed_at", flat=True)
        .first()
    )
    candidates = [pending] if pending else []
    if stuck:
        candidates.append(stuck + CLAIM_TIMEOUT)
    return _waited(min(candidates, default=None))


def _tasks() -> tuple[bool, dict[str, object]]:
    oldest = (
        DBTaskResult.objects.ready()
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    return _waited(oldest)


def checks() -> dict[str, Check]:
    found: dict[str, Check] = {"database": _database, "cache": _cache, "outbox": _outbox}
    if settings.TASK_BACKEND == "database":
        found["tasks"] = _tasks
    return found


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    results: dict[str, dict[str, object]] = {}
    failing = []
    for name, check in checks().items():
        try:
            ok, details = check()
        except Exception:  # any error is a failed check; what it was stays out of the answer
            ok, details = False, {}
        results[name] = {"ok": ok, **details}
        if not ok:
            failing.append(name)
    body: dict[str, object] = {"status": "fail" if failing else "ok", "checks": results}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)
