from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """The e-mail/SMS outbox and its senders. The label keeps the app's first name, so its
    table and migrations stay as they are."""

    name = "mokesta.outbox"
    label = "messaging"
    verbose_name = _("Messages")  # the back office's heading for the area
