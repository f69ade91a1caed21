"""/healthz/: 200 when the database and cache answer and nothing due has waited too long."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mokesta.outbox.models import OutgoingMessage

pytestmark = pytest.mark.django_db

URL = "/healthz/"


def message(**fields: object) -> OutgoingMessage:
    return OutgoingMessage.objects.create(
        channel="email",
        recipient="a@example.lt",
        template="x",
        dedup_key=f"k{OutgoingMessage.objects.count()}",
        **fields,
    )


def test_it_answers_200_with_json(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) >= {"database", "cache", "outbox"}
    assert all(check["ok"] for check in body["checks"].values())
    assert "no-cache" in response["Cache-Control"]


def test_a_stale_outbox_message_fails_it(client: Client, settings) -> None:
    settings.HEALTHZ_MAX_QUEUE_AGE = 600
    row = message()
    OutgoingMessage.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(minutes=11)
    )
    response = client.get(URL)
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["outbox"]
    assert body["checks"]["outbox"]["oldest_due_seconds"] >= 660


def test_a_message_waiting_for_its_retry_is_not_stale(client: Client, settings) -> None:
    settings.HEALTHZ_MAX_QUEUE_AGE = 600
    row = message()
    OutgoingMessage.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=3),
        next_attempt_at=timezone.now() + dt.timedelta(minutes=30),
    )
    assert client.get(URL).status_code == 200


def test_a_message_a_dead_worker_left_counts_from_its_claim_timeout(client, settings) -> None:
    settings.HEALTHZ_MAX_QUEUE_AGE = 600
    row = message()
    OutgoingMessage.objects.filter(pk=row.pk).update(
        state="sending", claimed_at=timezone.now() - dt.timedelta(minutes=15)
    )
    assert client.get(URL).status_code == 200  # due again for 5 minutes only
    OutgoingMessage.objects.filter(pk=row.pk).update(
        claimed_at=timezone.now() - dt.timedelta(minutes=25)
    )
    assert client.get(URL).json()["failing"] == ["outbox"]


def test_a_stale_task_fails_it_with_the_database_backend(client: Client, settings) -> None:
    settings.TASK_BACKEND = "database"
    settings.HEALTHZ_MAX_QUEUE_AGE = 600
    assert client.get(URL).json()["checks"]["tasks"]["ok"]
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="mokesta.outbox.tasks.send_messages",
        backend_name="default",
        run_after=timezone.now(),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=20)
    )
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["failing"] == ["tasks"]


def test_a_cache_that_does_not_answer_fails_it(client: Client, settings) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    try:
        response = client.get(URL)
    finally:
        cache.close()
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


def test_it_tells_no_secrets(client: Client, settings) -> None:
    settings.HEALTHZ_MAX_QUEUE_AGE = 0
    text = client.get(URL).content.decode()
    assert settings.SECRET_KEY not in text
    assert "postgres" not in text and "sqlite" not in text
