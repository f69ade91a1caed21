"""The background task (Django Tasks API) that queues the monthly reading reminders."""

from django_tasks import task

from mokesta.lib.dates import local_today
from mokesta.metering.reminders import queue_reading_reminders


@task()
def send_reading_reminders() -> int:
    """Queue this month's reminders to declare readings (sent after commit); returns how many."""
    return len(queue_reading_reminders(today=local_today()))
