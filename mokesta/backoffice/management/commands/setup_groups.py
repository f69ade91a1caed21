from django.core.management.base import BaseCommand

from mokesta.backoffice.groups import GROUPS, setup_groups


class Command(BaseCommand):
    help = "Create the staff groups (clerk, accountant) with their permissions (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        setup_groups()
        self.stdout.write("Groups ready: " + ", ".join(GROUPS))
