from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InquiriesConfig(AppConfig):
    """Customers' requests to the utility („Užklausos") and the conversation with its staff."""

    name = "mokesta.inquiries"
    label = "inquiries"
    verbose_name = _("Customer requests")
