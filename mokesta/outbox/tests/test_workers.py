"""Two workers draining one outbox at the same time, on whichever database the suite runs on
(the CI runs it on SQLite and on PostgreSQL)."""

import threading
from collections import Counter

import pytest
from django.db import connection

from mokesta.outbox.models import OutgoingMessage
from mokesta.outbox.sending import send_due

from .conftest import REMINDER_CONTEXT

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 2
EMAILS = 60
SMS = 40


def queue_messages() -> None:
    recipients = [("email", f"user{n}@example.lt") for n in range(EMAILS)] + [
        ("sms", f"+3706{n:07d}") for n in range(SMS)
    ]
    OutgoingMessage.objects.bulk_create(
        OutgoingMessage(
            channel=channel,
            recipient=recipient,
            template="reading-reminder",
            context=REMINDER_CONTEXT,
            dedup_key=f"{channel}:{recipient}",
        )
        for channel, recipient in recipients
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
