from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "mokesta.demo"
    label = "demo"
