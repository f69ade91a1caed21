from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class BackofficeConfig(AppConfig):
    default = True
    """The staff side: admin site with two-factor login, staff groups, audit trail."""

    name = "mokesta.backoffice"
    label = "backoffice"

    def ready(self) -> None:
        from mokesta.backoffice.groups import setup_groups_after_migrate

        # After every migrate, so a fresh database has the clerk and accountant groups.
        post_migrate.connect(setup_groups_after_migrate, sender=self)


class MokestaAdminConfig(admin_apps.AdminConfig):
    default = False
    """django.contrib.admin with our site as `admin.site`, so every app registers on it."""

    default_site = "mokesta.backoffice.site.BackofficeSite"
