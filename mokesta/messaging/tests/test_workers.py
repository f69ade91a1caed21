"""Two workers draining one outbox at the same time, on whichever database the suite runs on
(the CI runs it on SQLite and on PostgreSQL)."""

import threading
from collections import Counter

import pytest
from django.db import connection

from mokesta.messaging.models import OutgoingMessage
from mokesta.messaging.sending import send_due

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 2
EMAILS = 60
SMS = 40


def queue_messages() -> None:
    context = {
        "first_name": "Ona",
        "contracts": ["VKU-1"],
        "month": "2026-11-01",
        "deadline_date": "2026-11-30",
    }
    OutgoingMessage.objects.bulk_create(
        [
            OutgoingMessage(
                channel="email",
                recipient=f"user{n}@example.lt",
                template="reading-reminder",
                context=context,
                dedup_key=f"email:{n}",
            )
            for n in range(EMAILS)
        ]
        + [
            OutgoingMessage(
                channel="sms",
                recipient=f"+3706{n:07d}",
                template="reading-reminder",
                context=context,
                dedup_key=f"sms:{n}",
            )
            for n in range(SMS)
        ]
    )


def run_workers() -> list[int]:
    start = threading.Barrier(WORKERS)
    results: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            # Small batches so that the two workers take turns many times.
            results.append(send_due(batch_size=3))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_two_workers_send_each_of_100_messages_exactly_once(smtp_sink, infobip) -> None:
    queue_messages()
    results = run_workers()

    assert sum(results) == EMAILS + SMS
    assert all(result > 0 for result in results)  # both workers really took part
    by_email = Counter(smtp_sink.recipients())
    assert len(by_email) == EMAILS and set(by_email.values()) == {1}
    by_phone = Counter(sms["to"] for sms in infobip.received)
    assert len(by_phone) == SMS and set(by_phone.values()) == {1}
    assert infobip.problems == []
    assert OutgoingMessage.objects.filter(state="sent", attempts=1).count() == EMAILS + SMS
