from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnlinePayConfig(AppConfig):
    """Online payments: orders sent to a payment provider, its confirmations booked as payments
    once, and its payouts reconciled with the bank statement (README: "Online payments")."""

    name = "mokesta.onlinepay"
    label = "onlinepay"
    verbose_name = _("Online payments")

    def ready(self) -> None:
        from mokesta.onlinepay import checks  # registers the system checks

        checks.refuse_demo_outside_debug()
