from django.core.management.base import BaseCommand

from mokesta.outbox.sending import send_due


class Command(BaseCommand):
    help = (
        "Send every due e-mail and SMS in the outbox (new ones, retries whose pause is over, "
        "and ones a stopped worker left half-sent). Safe to run from cron beside the workers."
    )

    def handle(self, *args: object, **options: object) -> None:
        sent = send_due()
        self.stdout.write(f"Sent {sent} message(s).")
