from django.conf import settings
from django.core.management.base import BaseCommand

from mokesta.lib.dates import local_today
from mokesta.metering.reminders import queue_reading_reminders
from mokesta.outbox.sending import send_due


class Command(BaseCommand):
    help = (
        "From READING_REMINDER_DAY of the month on, remind users who have not declared this "
        "month's meter readings (once per user and month), then send the outbox. Run it daily."
    )

    def handle(self, *args: object, **options: object) -> None:
        today = local_today()
        if today.day < settings.READING_REMINDER_DAY:
            self.stdout.write(
                f"Nothing to do before day {settings.READING_REMINDER_DAY} of the month."
            )
            return
        queued = queue_reading_reminders(today=today)
        # The task queued after commit sends them; this covers a deployment without a worker.
        send_due(ids=queued)
        self.stdout.write(f"Queued {len(queued)} reminder(s).")
