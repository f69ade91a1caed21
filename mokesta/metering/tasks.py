"""The background task (Django Tasks API) that queues the monthly reading reminders."""

from django_tasks import task

from mokesta.lib.dates import local_today
from mokesta.metering.insights import queue_verification_reminders
from mokesta.metering.reminders import queue_reading_reminders


@task()
def send_reading_reminders() -> int:
    """Queue this month's reminders to declare readings (sent after commit); returns how many."""
    return len(queue_reading_reminders(today=local_today()))


@task()
def send_verification_reminders() -> int:
    """Queue the reminders of meters whose verification falls due within 60 days."""
    return len(queue_verification_reminders(today=local_today()))
