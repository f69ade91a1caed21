from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """The staff side: admin site with two-factor login, staff groups, audit trail."""

    default = True
    name = "mokesta.backoffice"
    label = "backoffice"

    def ready(self) -> None:
        from mokesta.backoffice.groups import setup_groups_after_migrate

        # After every migrate, so a fresh database has the clerk and accountant groups.
        post_migrate.connect(setup_groups_after_migrate, sender=self)
        # django-otp has no Lithuanian catalogue.
        apps.get_app_config("otp_totp").verbose_name = _("Two-factor login")
        totp_device = apps.get_model("otp_totp", "TOTPDevice")
        totp_device._meta.verbose_name = _("authenticator device")
        totp_device._meta.verbose_name_plural = _("authenticator devices")
        # django-tasks' database backend names its app in plain English.
        apps.get_app_config("django_tasks_database").verbose_name = _("Background tasks")


class MokestaAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site as `admin.site`, so every app registers on it."""

    default = False
    default_site = "mokesta.backoffice.site.BackofficeSite"
