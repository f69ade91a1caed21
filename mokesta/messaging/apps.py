from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "mokesta.messaging"
    label = "messaging"
