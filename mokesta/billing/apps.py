from django.apps import AppConfig
from django.db.models.signals import pre_delete, pre_save
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "mokesta.billing"
    label = "billing"
    verbose_name = _("Tariffs and invoices")

    def ready(self) -> None:
        # Imported here, not at the top: models may not be imported before the apps are loaded.
        from mokesta.billing import delivery, signals
        from mokesta.metering.models import Reading
        from mokesta.outbox.sending import ATTACHMENT_PROVIDERS

        pre_save.connect(signals.guard_reading_save, sender=Reading, dispatch_uid="billing-lock")
        pre_delete.connect(
            signals.guard_reading_delete, sender=Reading, dispatch_uid="billing-lock"
        )
        if delivery.invoice_attachments not in ATTACHMENT_PROVIDERS:
            ATTACHMENT_PROVIDERS.append(delivery.invoice_attachments)
