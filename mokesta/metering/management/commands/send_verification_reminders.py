from django.core.management.base import BaseCommand

from mokesta.lib.dates import local_today
from mokesta.metering.insights import queue_verification_reminders
from mokesta.outbox.sending import send_due


class Command(BaseCommand):
    help = (
        "Remind users whose meter's verification falls due within 60 days (once per meter and "
        "due date), then send the outbox. Run it daily."
    )

    def handle(self, *args: object, **options: object) -> None:
        queued = queue_verification_reminders(today=local_today())
        # The task queued after commit sends them; this covers a deployment without a worker.
        send_due(ids=queued)
        self.stdout.write(f"Queued {len(queued)} reminder(s).")
