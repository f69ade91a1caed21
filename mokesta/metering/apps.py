from django.apps import AppConfig


class MeteringConfig(AppConfig):
    name = "mokesta.metering"
    label = "metering"
