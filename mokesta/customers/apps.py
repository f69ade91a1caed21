from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "mokesta.customers"
    label = "customers"
