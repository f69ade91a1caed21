from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "mokesta.payments"
    label = "payments"
    verbose_name = _("Payments")  # the back office's heading for the area
