from django.apps import AppConfig


class BankConfig(AppConfig):
    """Bank statements: reading the bank's files, matching each entry to a contract, booking it.
    Its records (StatementImport, BankTransaction, Payment) are the payments app's models."""

    name = "mokesta.bank"
    label = "bank"
