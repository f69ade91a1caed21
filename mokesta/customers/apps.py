from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "mokesta.customers"
    label = "customers"
    verbose_name = _("Customers and contracts")  # the back office's heading for the area

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed

        from mokesta.customers.linking import on_email_confirmed

        email_confirmed.connect(on_email_confirmed, dispatch_uid="customers-link-by-email")
