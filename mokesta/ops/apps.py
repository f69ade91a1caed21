from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operating the installation: backup and restore, the read replica's routing."""

    name = "mokesta.ops"
    label = "ops"
