from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# How the back office names each area. The apps' own configs leave verbose_name at Django's
# default (the label, in English); naming them here keeps the admin's words in one catalogue.
AREA_NAMES = {
    "accounts": _("Users"),
    "customers": _("Customers and contracts"),
    "metering": _("Meters and readings"),
    "billing": _("Tariffs and invoices"),
    "payments": _("Payments"),
    "messaging": _("Messages"),
    "news": _("News"),
    "portal": _("Utility"),
    "otp_totp": _("Two-factor login"),
}


class BackofficeConfig(AppConfig):
    """The staff side: admin site with two-factor login, staff groups, audit trail."""

    default = True
    name = "mokesta.backoffice"
    label = "backoffice"

    def ready(self) -> None:
        from mokesta.backoffice.groups import setup_groups_after_migrate

        # After every migrate, so a fresh database has the clerk and accountant groups.
        post_migrate.connect(setup_groups_after_migrate, sender=self)
        for label, name in AREA_NAMES.items():
            config = apps.app_configs.get(label)
            if config is not None and config.verbose_name == label.title():
                config.verbose_name = name
        # django-otp has no Lithuanian catalogue.
        totp_device = apps.get_model("otp_totp", "TOTPDevice")
        totp_device._meta.verbose_name = _("authenticator device")
        totp_device._meta.verbose_name_plural = _("authenticator devices")


class MokestaAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site as `admin.site`, so every app registers on it."""

    default = False
    default_site = "mokesta.backoffice.site.BackofficeSite"
