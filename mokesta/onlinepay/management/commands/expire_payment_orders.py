from django.core.management.base import BaseCommand

from mokesta.onlinepay.orders import expire_orders


class Command(BaseCommand):
    help = "Marks online payment orders left pending past ONLINEPAY_ORDER_LIFETIME as expired."

    def handle(self, *args: object, **options: object) -> None:
        count = expire_orders()
        self.stdout.write(f"{count} online payment order(s) expired.")
