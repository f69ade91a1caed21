from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "mokesta.payments"
    label = "payments"
