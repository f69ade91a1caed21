from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "mokesta.customers"
    label = "customers"

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed

        from mokesta.customers.linking import on_email_confirmed

        email_confirmed.connect(on_email_confirmed, dispatch_uid="customers-link-by-email")
