from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mokesta.customers.models import Contract
from mokesta.lib.money import MONEY


class Payment(models.Model):
    """Money received [mokėjimas]. Without a contract it waits in the unmatched queue for staff."""

    class Source(models.TextChoices):
        BANK = "bank", _("bank statement")
        ONLINE = "online", _("online payment")
        CASH = "cash", _("cash desk")

    contract = models.ForeignKey(
        Contract,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("contract"),
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_on = models.DateField(_("payment date"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    # The bank's own id of the entry: unique, so importing a statement twice books nothing twice.
    bank_reference = models.CharField(
        _("bank reference"), max_length=100, unique=True, null=True, blank=True
    )
    # An online payment's id at its provider ("paysera:<order id>"): unique, so a confirmation
    # the provider repeats, or that races the customer's return, is booked once.
    provider_reference = models.CharField(
        _("provider reference"), max_length=100, unique=True, null=True, blank=True
    )
    payer_name = models.CharField(_("payer"), max_length=200, blank=True)
    details = models.CharField(_("payment details"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]
        indexes = [
            # Balances and the self-service payment list read a contract's payments by date.
            models.Index(fields=["contract", "paid_on"], name="payment_contract_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount}"


class UnmatchedPaymentManager(models.Manager["UnmatchedPayment"]):
    def get_queryset(self) -> models.QuerySet["UnmatchedPayment"]:
        return super().get_queryset().filter(contract__isnull=True)


class UnmatchedPayment(Payment):
    """The queue of payments no contract was found for; clerks assign a contract here."""

    objects = UnmatchedPaymentManager()  # type: ignore[misc]

    class Meta:
        proxy = True
        verbose_name = _("unmatched payment")
        verbose_name_plural = _("unmatched payments")


class StatementImport(models.Model):
    """One bank statement file imported by staff or by `manage.py import_statement`."""

    class Format(models.TextChoices):
        CAMT053 = "camt053", _("ISO 20022 camt.053 XML")
        SWEDBANK_CSV = "swedbank_csv", _("Swedbank CSV")

    file_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    entries = models.PositiveIntegerField(_("entries in file"), default=0)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    unmatched = models.PositiveIntegerField(_("unmatched"), default=0)
    ignored = models.PositiveIntegerField(_("ignored (debits)"), default=0)
    duplicates = models.PositiveIntegerField(_("already imported"), default=0)

    class Meta:
        verbose_name = _("statement import")
        verbose_name_plural = _("statement imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class BankTransaction(models.Model):
    """One entry of a bank statement as the bank sent it, and what became of it."""

    class State(models.TextChoices):
        MATCHED = "matched", _("matched")
        UNMATCHED = "unmatched", _("unmatched")
        IGNORED = "ignored", _("ignored (debit)")
        ASSIGNED = "assigned", _("assigned by staff")
        # A payment provider's payout of online payments already booked one by one (onlinepay).
        PAYOUT = "payout", _("online payments payout")

    statement = models.ForeignKey(
        StatementImport,
        models.CASCADE,
        related_name="transactions",
        verbose_name=_("statement import"),
    )
    # The bank's entry reference, or a hash of the entry where the bank gives none: unique, so
    # the same entry is never booked twice however many times its statement is imported.
    checksum = models.CharField(_("bank reference"), max_length=100, unique=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    booked_on = models.DateField(_("booking date"))
    credit = models.BooleanField(_("credit"), default=True)
    payer_name = models.CharField(_("payer"), max_length=200, blank=True)
    remittance = models.CharField(_("payment details"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    payment = models.OneToOneField(
        Payment,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="bank_transaction",
        verbose_name=_("payment"),
    )

    class Meta:
        verbose_name = _("bank transaction")
        verbose_name_plural = _("bank transactions")
        ordering = ["-booked_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.amount} {self.payer_name}"
