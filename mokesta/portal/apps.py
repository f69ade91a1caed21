from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "mokesta.portal"
    label = "portal"
