from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "mokesta.accounts"
    label = "accounts"
    verbose_name = _("Users")  # the back office's heading for the area
