"""Background tasks (Django Tasks API) that send the outbox and queue the reading reminders."""

from django_tasks import task

from mokesta.lib.dates import local_today
from mokesta.messaging import sending


@task()
def send_messages(message_ids: list[int] | None = None) -> int:
    """Send the given queued messages (all due ones when None); returns how many went out."""
    return sending.send_due(ids=message_ids)


@task()
def send_reading_reminders() -> int:
    """Queue this month's reminders to declare readings and send them; returns how many."""
    from mokesta.messaging.reminders import queue_reading_reminders

    return len(queue_reading_reminders(today=local_today()))
