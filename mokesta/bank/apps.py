from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BankConfig(AppConfig):
    """Bank statements: reading the bank's files, matching each entry to a contract, booking it.
    Its records are StatementImport and BankTransaction; the payments it books are the payments
    app's, the provider payouts it reconciles onlinepay's."""

    name = "mokesta.bank"
    label = "bank"
    verbose_name = _("Bank statements")  # the back office's heading for the area
