from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "mokesta.billing"
    label = "billing"
