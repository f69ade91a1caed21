from django.apps import AppConfig
from django.db.models.signals import pre_delete, pre_save
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "mokesta.billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        from mokesta.billing import signals
        from mokesta.metering.models import Reading

        pre_save.connect(signals.guard_reading_save, sender=Reading, dispatch_uid="billing-lock")
        pre_delete.connect(
            signals.guard_reading_delete, sender=Reading, dispatch_uid="billing-lock"
        )
