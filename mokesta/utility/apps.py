from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UtilityConfig(AppConfig):
    """The utility this deployment serves (its name, codes, bank account): the bottom layer."""

    name = "mokesta.utility"
    label = "utility"
    verbose_name = _("Utility")  # the back office's heading for the area
