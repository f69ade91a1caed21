"""Tell the customers on the streets of each current outage notice, once (run it from cron)."""

from django.core.management.base import BaseCommand

from mokesta.customers.outages import notify_current_outages


class Command(BaseCommand):
    help = "Queue each current outage notice to the affected customers who accept messages (once)."

    def handle(self, *args: object, **options: object) -> None:
        waiting = notify_current_outages()
        self.stdout.write(f"{waiting} outage message(s) waiting to be sent")
